// Fused window attention on the GPU: one block per (window, head). q (scaled), k and v of the window-head are
// staged in shared memory in float, the N x N scores (+ relative position bias + shift mask) are formed, each row is
// softmaxed by one warp in float32, and the row-weighted sum of v is written straight to the (B_, N, C) output in
// the [heads][d] channel order that the projection reads. Windows are small (N = 64 for window 8, 49 for 7), so a
// window-head fits in shared memory; rows are padded by one float against bank conflicts.
#include <cmath>

#include "cuda_common.cuh"

namespace {

constexpr int kThreads = 128;

inline size_t SharedBytes(int64_t N, int64_t d) {
  return static_cast<size_t>(3 * N * (d + 1) + N * (N + 1)) * sizeof(float);
}

template <typename T>
__global__ void WindowAttentionKernel(int N, int C, int heads, float scale, const T* __restrict__ qkv,
                                      const float* __restrict__ bias, const float* __restrict__ mask, int64_t nW,
                                      T* __restrict__ out) {
  extern __shared__ float smem[];
  const int d = C / heads, ld = d + 1, ls = N + 1;
  float* q = smem;
  float* k = q + N * ld;
  float* v = k + N * ld;
  float* s = v + N * ld;
  const int64_t bw = blockIdx.x;
  const int h = blockIdx.y;
  const T* base = qkv + bw * static_cast<int64_t>(N) * 3 * C + h * d;
  for (int e = threadIdx.x; e < N * d; e += blockDim.x) {
    const int n = e / d, dd = e % d;
    const T* row = base + static_cast<int64_t>(n) * 3 * C + dd;
    q[n * ld + dd] = swb::Load(row) * scale;
    k[n * ld + dd] = swb::Load(row + C);
    v[n * ld + dd] = swb::Load(row + 2 * C);
  }
  __syncthreads();

  const float* bias_h = bias + static_cast<int64_t>(h) * N * N;
  const float* mask_w = mask == nullptr ? nullptr : mask + (bw % nW) * N * N;
  for (int e = threadIdx.x; e < N * N; e += blockDim.x) {
    const int i = e / N, j = e % N;
    float acc = 0.f;
    for (int dd = 0; dd < d; ++dd) acc = fmaf(q[i * ld + dd], k[j * ld + dd], acc);
    acc += bias_h[e];
    if (mask_w != nullptr) acc += mask_w[e];
    s[i * ls + j] = acc;
  }
  __syncthreads();

  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  for (int i = warp; i < N; i += warps) {
    float m = -INFINITY;
    for (int j = lane; j < N; j += 32) m = fmaxf(m, s[i * ls + j]);
    m = swb::WarpMax(m);
    float sum = 0.f;
    for (int j = lane; j < N; j += 32) {
      const float p = __expf(s[i * ls + j] - m);
      s[i * ls + j] = p;
      sum += p;
    }
    const float inv = 1.f / swb::WarpSum(sum);
    for (int j = lane; j < N; j += 32) s[i * ls + j] *= inv;
  }
  __syncthreads();

  T* dst = out + bw * static_cast<int64_t>(N) * C + h * d;
  for (int e = threadIdx.x; e < N * d; e += blockDim.x) {
    const int i = e / d, dd = e % d;
    float acc = 0.f;
    for (int j = 0; j < N; ++j) acc = fmaf(s[i * ls + j], v[j * ld + dd], acc);
    swb::Store(dst + static_cast<int64_t>(i) * C + dd, acc);
  }
}

template <typename T>
int Launch(const swb_qkv_geometry* g, float scale, const void* qkv, const float* bias, const float* mask,
           int64_t num_windows, void* out, cudaStream_t stream, char* msg, size_t size) {
  const size_t bytes = SharedBytes(g->tokens, g->channels / g->heads);
  if (bytes > 48 * 1024) {
    const cudaError_t e =
        cudaFuncSetAttribute(WindowAttentionKernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes));
    if (e != cudaSuccess)
      return swb::Fail(SWB_ERR_CUDA, msg, size, "window_attention: %zu bytes of shared memory per window-head: %s",
                       bytes, cudaGetErrorString(e));
  }
  const dim3 grid(static_cast<unsigned int>(g->batch_windows), static_cast<unsigned int>(g->heads));
  WindowAttentionKernel<T><<<grid, kThreads, bytes, stream>>>(
      static_cast<int>(g->tokens), static_cast<int>(g->channels), static_cast<int>(g->heads), scale,
      static_cast<const T*>(qkv), bias, mask, num_windows, static_cast<T*>(out));
  return swb::LaunchStatus("window_attention", msg, size);
}

}  // namespace

extern "C" int swb_window_attention_cuda(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv,
                                         const float* bias, const float* mask, int64_t num_windows, void* out,
                                         void* stream, char* msg, size_t size) {
  if (g == nullptr || g->batch_windows < 1 || g->tokens < 1 || g->heads < 1 || g->channels < 1 ||
      g->channels % g->heads != 0)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: bad geometry (channels must be a multiple of heads)");
  if (g->tokens > 1024 || g->batch_windows > 0x7fffffffLL || g->heads > 65535)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: window of %lld tokens is too large",
                     static_cast<long long>(g->tokens));
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: dtype %d", dtype);
  if (qkv == nullptr || bias == nullptr || out == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: null tensor pointer");
  if (mask != nullptr && (num_windows < 1 || g->batch_windows % num_windows != 0))
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: %lld windows are not a multiple of the mask's %lld",
                     static_cast<long long>(g->batch_windows), static_cast<long long>(num_windows));
  const int64_t nW = mask == nullptr ? 1 : num_windows;
  if (dtype == SWB_F32) return Launch<float>(g, scale, qkv, bias, mask, nW, out, swb::AsStream(stream), msg, size);
  return Launch<__half>(g, scale, qkv, bias, mask, nW, out, swb::AsStream(stream), msg, size);
}
