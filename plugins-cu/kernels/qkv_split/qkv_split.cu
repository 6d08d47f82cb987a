// qkv split with q scaling on the GPU: one warp per token row of qkv. Lane c of the warp takes channel c of the q, k
// and v parts (reads coalesced along the row, writes along each head's d), scaling q in float and copying k and v
// bit-exact; one 32-bit division per three elements finds the head.
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T>
__global__ void QkvSplitKernel(int64_t Bw, int64_t N, int C, int heads, int64_t P, float scale, const T* qkv, T* q, T* k,
                               T* v) {
  const int d = C / heads;
  const int64_t rows = Bw * N;
  for (int64_t r = blockIdx.x * static_cast<int64_t>(kWarpsPerBlock) + threadIdx.x / 32; r < rows;
       r += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock) {
    const int64_t b = r / N, n = r - b * N;
    const T* row = qkv + r * 3 * P;
    T* qb = q + b * heads * N * d;  // (b, 0, 0, 0) of the outputs
    T* kb = k + b * heads * N * d;
    T* vb = v + b * heads * N * d;
    for (int c = threadIdx.x % 32; c < C; c += 32) {
      const int h = c / d, dd = c - h * d;
      const int64_t out = (h * N + n) * d + dd;
      swb::Store(qb + out, swb::Load(row + c) * scale);
      kb[out] = row[P + c];
      vb[out] = row[2 * P + c];
    }
  }
}

}  // namespace

extern "C" int swb_qkv_split_cuda(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv, void* q,
                                  void* k, void* v, void* stream, char* msg, size_t size) {
  if (int status = swb::CheckQkvGeometry("qkv_split", g, msg, size); status != SWB_OK) return status;
  if (g->out_stride != 0)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "qkv_split: outputs are dense (B_, heads, N, d); out_stride must be 0");
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "qkv_split: dtype %d", dtype);
  if (qkv == nullptr || q == nullptr || k == nullptr || v == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "qkv_split: null tensor pointer");
  if (g->channels > 0x7fffffffLL)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "qkv_split: C %lld exceeds the kernel's 32-bit channel index",
                     static_cast<long long>(g->channels));
  const int64_t rows = g->batch_windows * g->tokens;  // one warp per qkv row
  SWB_DISPATCH_FLOAT(dtype, T,
                     QkvSplitKernel<T><<<swb::GridFor(rows, kWarpsPerBlock), kWarpsPerBlock * 32, 0,
                                         swb::AsStream(stream)>>>(
                         g->batch_windows, g->tokens, static_cast<int>(g->channels), static_cast<int>(g->heads),
                         swb::PartStride(*g), scale, static_cast<const T*>(qkv),
                         static_cast<T*>(q), static_cast<T*>(k), static_cast<T*>(v)));
  return swb::LaunchStatus("qkv_split", msg, size);
}
