// Window mask on the GPU: one block per window. The block first puts the region id of each of its N tokens in
// shared memory, then writes the window's N x N entries with consecutive threads on consecutive addresses, so the
// kernel is a single coalesced write of the (nW, N, N) mask with 32-bit index arithmetic.
#include "cuda_common.cuh"

namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ int Region(int p, int n, int ws, int shift) {
  return p < n - ws ? 0 : (p < n - shift ? 1 : 2);
}

template <typename T>
__global__ void WindowMaskKernel(int H, int W, int ws, int shift, T* mask) {
  extern __shared__ int region[];
  const int N = ws * ws, per_row = W / ws;
  const int w = blockIdx.x;
  const int y0 = (w / per_row) * ws, x0 = (w % per_row) * ws;
  for (int t = threadIdx.x; t < N; t += blockDim.x)
    region[t] = 3 * Region(y0 + t / ws, H, ws, shift) + Region(x0 + t % ws, W, ws, shift);
  __syncthreads();
  T* out = mask + static_cast<int64_t>(w) * N * N;
  for (int e = threadIdx.x; e < N * N; e += blockDim.x)
    swb::Store(out + e, region[e / N] == region[e % N] ? 0.0f : -100.0f);
}

}  // namespace

extern "C" int swb_window_mask_cuda(const swb_window_geometry* g, swb_dtype out_dtype, void* mask, void* stream,
                                    char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 1, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(out_dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_mask: dtype %d", out_dtype);
  if (mask == nullptr) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_mask: null mask pointer");
  const int64_t nW = swb::WindowCount(*g), N = swb::WindowTokens(*g);
  if (nW > 0x7fffffffLL || N > 1024 || g->height > 0x7fffffffLL || g->width > 0x7fffffffLL)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_mask: %lld windows of %lld tokens is too large",
                     static_cast<long long>(nW), static_cast<long long>(N));
  const size_t shared = static_cast<size_t>(N) * sizeof(int);
  SWB_DISPATCH_FLOAT(out_dtype, T,
                     WindowMaskKernel<T><<<static_cast<unsigned int>(nW), kThreads, shared, swb::AsStream(stream)>>>(
                         static_cast<int>(g->height), static_cast<int>(g->width), static_cast<int>(g->window_size),
                         static_cast<int>(g->shift_size), static_cast<T*>(mask)));
  return swb::LaunchStatus("window_mask", msg, size);
}
