// qkv split with q scaling on the GPU: one thread per element of q, k and v (read coalesced along the head dim).
#include "cuda_common.cuh"

namespace {

template <typename T>
__global__ void QkvSplitKernel(int64_t Bw, int64_t N, int64_t C, int64_t heads, int64_t P, float scale, const T* qkv,
                               T* q, T* k, T* v) {
  const int64_t d = C / heads, total = 3 * Bw * N * C;
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    // e enumerates the input (b_, n, s, h, dd) in its own order
    const int64_t dd = e % d, h = (e / d) % heads, s = (e / C) % 3, n = (e / (3 * C)) % N, b = e / (3 * C * N);
    const int64_t out = ((b * heads + h) * N + n) * d + dd;
    const int64_t in = (b * N + n) * 3 * P + s * P + h * d + dd;
    if (s == 0) swb::Store(q + out, swb::Load(qkv + in) * scale);
    else (s == 1 ? k : v)[out] = qkv[in];
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
  const int64_t total = 3 * g->batch_windows * g->tokens * g->channels;
  SWB_DISPATCH_FLOAT(dtype, T,
                     QkvSplitKernel<T><<<swb::GridFor(total, 256), 256, 0, swb::AsStream(stream)>>>(
                         g->batch_windows, g->tokens, g->channels, g->heads, swb::PartStride(*g), scale, static_cast<const T*>(qkv),
                         static_cast<T*>(q), static_cast<T*>(k), static_cast<T*>(v)));
  return swb::LaunchStatus("qkv_split", msg, size);
}
