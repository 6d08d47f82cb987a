// Window reverse + reverse roll + residual add on the GPU: one warp per output pixel, which finds its source token
// once and adds its C channels (in float, rounded once). In place on the residual is allowed (each element is read
// before it is written, by the same lane).
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T>
__global__ void ReverseRollAddKernel(int64_t B, int64_t H, int64_t W, int64_t C, int64_t ws, int64_t shift,
                                     int64_t stride, const T* windows, const T* residual, T* y) {
  const int64_t N = ws * ws, per_row = W / ws, nW = (H / ws) * per_row, pixels = B * H * W;
  const int lane = threadIdx.x % 32;
  for (int64_t pix = blockIdx.x * static_cast<int64_t>(kWarpsPerBlock) + threadIdx.x / 32; pix < pixels;
       pix += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock) {
    const int64_t p = pix % (H * W), b = pix / (H * W);
    // y[py][px] = reversed[(py - shift) mod H][(px - shift) mod W]
    int64_t ry = p / W - shift, rx = p % W - shift;
    if (ry < 0) ry += H;
    if (rx < 0) rx += W;
    const int64_t w = (ry / ws) * per_row + rx / ws, t = (ry % ws) * ws + rx % ws;
    const T* src = windows + ((b * nW + w) * N + t) * stride;
    const T* res = residual + pix * C;
    T* dst = y + pix * C;
    for (int64_t c = lane; c < C; c += 32) swb::Store(dst + c, swb::Load(res + c) + swb::Load(src + c));
  }
}

}  // namespace

extern "C" int swb_reverse_roll_add_cuda(const swb_window_geometry* g, swb_dtype dtype, const void* windows,
                                         const void* residual, void* y, void* stream, char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: dtype %d", dtype);
  if (windows == nullptr || residual == nullptr || y == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: null tensor pointer");
  const int64_t pixels = g->batch * g->height * g->width;
  SWB_DISPATCH_FLOAT(dtype, T,
                     ReverseRollAddKernel<T><<<swb::GridFor(pixels, kWarpsPerBlock), kWarpsPerBlock * 32, 0,
                                               swb::AsStream(stream)>>>(
                         g->batch, g->height, g->width, g->channels, g->window_size, g->shift_size,
                         swb::WindowStride(*g), static_cast<const T*>(windows), static_cast<const T*>(residual), static_cast<T*>(y)));
  return swb::LaunchStatus("reverse_roll_add", msg, size);
}
