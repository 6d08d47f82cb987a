// Window mask on the GPU: one thread per (window, i, j) entry; region ids are computed, not looked up.
#include "cuda_common.cuh"

namespace {

__device__ __forceinline__ int Region(int64_t p, int64_t n, int64_t ws, int64_t shift) {
  return p < n - ws ? 0 : (p < n - shift ? 1 : 2);
}

template <typename T>
__global__ void WindowMaskKernel(int64_t H, int64_t W, int64_t ws, int64_t shift, int64_t total, T* mask) {
  const int64_t N = ws * ws, per_row = W / ws;
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t j = e % N, i = (e / N) % N, w = e / (N * N);
    const int64_t y0 = (w / per_row) * ws, x0 = (w % per_row) * ws;
    const int ri = 3 * Region(y0 + i / ws, H, ws, shift) + Region(x0 + i % ws, W, ws, shift);
    const int rj = 3 * Region(y0 + j / ws, H, ws, shift) + Region(x0 + j % ws, W, ws, shift);
    swb::Store(mask + e, ri == rj ? 0.0f : -100.0f);
  }
}

}  // namespace

extern "C" int swb_window_mask_cuda(const swb_window_geometry* g, swb_dtype out_dtype, void* mask, void* stream,
                                    char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 1, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(out_dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_mask: dtype %d", out_dtype);
  if (mask == nullptr) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_mask: null mask pointer");
  const int64_t N = swb::WindowTokens(*g), total = swb::WindowCount(*g) * N * N;
  SWB_DISPATCH_FLOAT(out_dtype, T,
                     WindowMaskKernel<T><<<swb::GridFor(total, 256), 256, 0, swb::AsStream(stream)>>>(
                         g->height, g->width, g->window_size, g->shift_size, total, static_cast<T*>(mask)));
  return swb::LaunchStatus("window_mask", msg, size);
}
