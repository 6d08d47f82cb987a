// Roll + window partition on the GPU: one thread per output element, reads gathered from the rolled source pixel.
#include "cuda_common.cuh"

namespace {

template <typename T>
__global__ void RollPartitionKernel(int64_t B, int64_t H, int64_t W, int64_t C, int64_t ws, int64_t shift,
                                    int64_t stride, const T* x, T* windows) {
  const int64_t N = ws * ws, per_row = W / ws, nW = (H / ws) * per_row, total = B * nW * N * stride;
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t c = e % stride, t = (e / stride) % N, bw = e / (stride * N);
    if (c >= C) {
      swb::Store(windows + e, 0.f);
      continue;
    }
    const int64_t b = bw / nW, w = bw % nW;
    const int64_t sy = swb::RolledSource((w / per_row) * ws + t / ws, shift, H);
    const int64_t sx = swb::RolledSource((w % per_row) * ws + t % ws, shift, W);
    windows[e] = x[((b * H + sy) * W + sx) * C + c];
  }
}

}  // namespace

extern "C" int swb_roll_partition_cuda(const swb_window_geometry* g, swb_dtype dtype, const void* x, void* windows,
                                       void* stream, char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "roll_partition: dtype %d", dtype);
  if (x == nullptr || windows == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "roll_partition: null tensor pointer");
  const int64_t total = g->batch * g->height * g->width * swb::WindowStride(*g);
  SWB_DISPATCH_FLOAT(dtype, T,
                     RollPartitionKernel<T><<<swb::GridFor(total, 256), 256, 0, swb::AsStream(stream)>>>(
                         g->batch, g->height, g->width, g->channels, g->window_size, g->shift_size,
                         swb::WindowStride(*g), static_cast<const T*>(x), static_cast<T*>(windows)));
  return swb::LaunchStatus("roll_partition", msg, size);
}
