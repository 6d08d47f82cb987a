// Roll + window partition on the GPU: one block per window, one warp per output token. The block finds its window
// once; a warp copies its token's rolled source pixel (C channels, pairs where rows allow) to its window position and
// zeroes the padding columns. No per-element index arithmetic (the former one-thread-per-element kernel spent more
// time on 64-bit divisions than on moving its bytes).
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T>
__global__ void RollPartitionKernel(int64_t H, int64_t W, int64_t C, int ws, int64_t shift, int64_t stride, const T* x,
                                    T* windows) {
  const int64_t bw = blockIdx.x;
  const swb::WindowOrigin o = swb::WindowAt(bw, H, W, ws);
  const int N = ws * ws;
  for (int t = threadIdx.x / 32; t < N; t += kWarpsPerBlock) {
    const int64_t sy = swb::RolledSource(o.y0 + t / ws, shift, H), sx = swb::RolledSource(o.x0 + t % ws, shift, W);
    T* dst = windows + (bw * N + t) * stride;
    swb::WarpCopyRow(x + ((o.b * H + sy) * W + sx) * C, dst, C);
    swb::WarpZeroFill(dst, C, stride);
  }
}

}  // namespace

extern "C" int swb_roll_partition_cuda(const swb_window_geometry* g, swb_dtype dtype, const void* x, void* windows,
                                       void* stream, char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "roll_partition: dtype %d", dtype);
  if (x == nullptr || windows == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "roll_partition: null tensor pointer");
  const int64_t blocks = g->batch * swb::WindowCount(*g);  // one per window
  if (blocks > 0x7fffffffLL)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "roll_partition: %lld windows exceed one launch",
                     static_cast<long long>(blocks));
  SWB_DISPATCH_FLOAT(dtype, T,
                     RollPartitionKernel<T><<<static_cast<unsigned int>(blocks), kWarpsPerBlock * 32, 0,
                                              swb::AsStream(stream)>>>(
                         g->height, g->width, g->channels, static_cast<int>(g->window_size), g->shift_size,
                         swb::WindowStride(*g), static_cast<const T*>(x), static_cast<T*>(windows)));
  return swb::LaunchStatus("roll_partition", msg, size);
}
