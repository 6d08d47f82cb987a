// Window reverse + reverse roll + residual add on the GPU, one warp per token row (added in float, rounded once;
// pairs of channels where rows allow):
//  - windows of 2 x 2 tokens and more: one block per window, which finds its window once; a warp takes token t of
//    the window to the output pixel the forward roll + partition took it from, ((y0 + t / ws + shift) mod H, ...);
//  - 1 x 1 windows (a plain residual add of a padded row tensor, shift 0): token i is pixel i.
// In place on the residual is allowed (each element is read before it is written, by the same lane).
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T>
__global__ void ReverseRollAddKernel(int64_t H, int64_t W, int64_t C, int ws, int64_t shift, int64_t stride,
                                     const T* windows, const T* residual, T* y) {
  const int64_t bw = blockIdx.x;
  const swb::WindowOrigin o = swb::WindowAt(bw, H, W, ws);
  const int N = ws * ws;
  for (int t = threadIdx.x / 32; t < N; t += kWarpsPerBlock) {
    int64_t py = o.y0 + t / ws + shift, px = o.x0 + t % ws + shift;
    if (py >= H) py -= H;
    if (px >= W) px -= W;
    const int64_t pix = (o.b * H + py) * W + px;
    swb::WarpAddRow(residual + pix * C, windows + (bw * N + t) * stride, y + pix * C, C);
  }
}

template <typename T>
__global__ void AddRowsKernel(int64_t rows, int64_t C, int64_t stride, const T* windows, const T* residual, T* y) {
  for (int64_t r = blockIdx.x * static_cast<int64_t>(kWarpsPerBlock) + threadIdx.x / 32; r < rows;
       r += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock)
    swb::WarpAddRow(residual + r * C, windows + r * stride, y + r * C, C);
}

}  // namespace

extern "C" int swb_reverse_roll_add_cuda(const swb_window_geometry* g, swb_dtype dtype, const void* windows,
                                         const void* residual, void* y, void* stream, char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: dtype %d", dtype);
  if (windows == nullptr || residual == nullptr || y == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: null tensor pointer");
  const int64_t pixels = g->batch * g->height * g->width, windows_total = g->batch * swb::WindowCount(*g);
  const int64_t stride = swb::WindowStride(*g);
  if (g->window_size == 1) {  // shift is 0: token i is pixel i
    SWB_DISPATCH_FLOAT(dtype, T,
                       AddRowsKernel<T><<<swb::GridFor(pixels, kWarpsPerBlock), kWarpsPerBlock * 32, 0, swb::AsStream(stream)>>>(
                           pixels, g->channels, stride, static_cast<const T*>(windows), static_cast<const T*>(residual),
                           static_cast<T*>(y)));
    return swb::LaunchStatus("reverse_roll_add", msg, size);
  }
  if (windows_total > 0x7fffffffLL)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: %lld windows exceed one launch",
                     static_cast<long long>(windows_total));
  SWB_DISPATCH_FLOAT(dtype, T,
                     ReverseRollAddKernel<T><<<static_cast<unsigned int>(windows_total), kWarpsPerBlock * 32, 0,
                                               swb::AsStream(stream)>>>(
                         g->height, g->width, g->channels, static_cast<int>(g->window_size), g->shift_size, stride,
                         static_cast<const T*>(windows), static_cast<const T*>(residual), static_cast<T*>(y)));
  return swb::LaunchStatus("reverse_roll_add", msg, size);
}
