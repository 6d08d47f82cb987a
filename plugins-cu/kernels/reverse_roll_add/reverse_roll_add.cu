// Window reverse + reverse roll + residual add on the GPU: one thread per output element; the add is done in float
// and rounded once. In place on the residual is allowed (each element is read before it is written by one thread).
#include "cuda_common.cuh"

namespace {

template <typename T>
__global__ void ReverseRollAddKernel(int64_t B, int64_t H, int64_t W, int64_t C, int64_t ws, int64_t shift,
                                     const T* windows, const T* residual, T* y) {
  const int64_t N = ws * ws, per_row = W / ws, nW = (H / ws) * per_row, total = B * H * W * C;
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t c = e % C, p = (e / C) % (H * W), b = e / (C * H * W);
    // y[py][px] = reversed[(py - shift) mod H][(px - shift) mod W]
    int64_t ry = p / W - shift, rx = p % W - shift;
    if (ry < 0) ry += H;
    if (rx < 0) rx += W;
    const int64_t w = (ry / ws) * per_row + rx / ws, t = (ry % ws) * ws + rx % ws;
    const float v = swb::Load(windows + ((b * nW + w) * N + t) * C + c);
    swb::Store(y + e, swb::Load(residual + e) + v);
  }
}

}  // namespace

extern "C" int swb_reverse_roll_add_cuda(const swb_window_geometry* g, swb_dtype dtype, const void* windows,
                                         const void* residual, void* y, void* stream, char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: dtype %d", dtype);
  if (windows == nullptr || residual == nullptr || y == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: null tensor pointer");
  const int64_t total = g->batch * g->height * g->width * g->channels;
  SWB_DISPATCH_FLOAT(dtype, T,
                     ReverseRollAddKernel<T><<<swb::GridFor(total, 256), 256, 0, swb::AsStream(stream)>>>(
                         g->batch, g->height, g->width, g->channels, g->window_size, g->shift_size,
                         static_cast<const T*>(windows), static_cast<const T*>(residual), static_cast<T*>(y)));
  return swb::LaunchStatus("reverse_roll_add", msg, size);
}
