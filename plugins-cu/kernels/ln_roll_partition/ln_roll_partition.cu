// LayerNorm (float32 accumulation) + roll + window partition on the GPU: one block per window, one warp per output
// token. The block finds its window once; a warp reads its token's source pixel (C channels), reduces mean and variance
// in float and writes the normalized token to its window position, so the normalized map never exists unpartitioned.
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T, typename P>
__global__ void LnRollPartitionKernel(int64_t H, int64_t W, int64_t C, int ws, int64_t shift, int64_t stride, float eps,
                                      const T* x, const P* weight, const P* bias, T* windows) {
  const int64_t bw = blockIdx.x;
  const swb::WindowOrigin o = swb::WindowAt(bw, H, W, ws);
  const int N = ws * ws;
  for (int t = threadIdx.x / 32; t < N; t += kWarpsPerBlock) {
    const int64_t sy = swb::RolledSource(o.y0 + t / ws, shift, H), sx = swb::RolledSource(o.x0 + t % ws, shift, W);
    T* dst = windows + (bw * N + t) * stride;
    swb::WarpLayerNormRow(x + ((o.b * H + sy) * W + sx) * C, dst, C, eps, weight, bias);
    swb::WarpZeroFill(dst, C, stride);
  }
}

}  // namespace

extern "C" int swb_ln_roll_partition_cuda(const swb_window_geometry* g, float epsilon, swb_dtype dtype,
                                          swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                          void* windows, void* stream, char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype) || !swb::IsFloatType(param_dtype))
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "ln_roll_partition: dtype %d / param dtype %d", dtype, param_dtype);
  if (x == nullptr || weight == nullptr || bias == nullptr || windows == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "ln_roll_partition: null tensor pointer");
  const int64_t blocks = g->batch * swb::WindowCount(*g);  // one per window
  if (blocks > 0x7fffffffLL)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "ln_roll_partition: %lld windows exceed one launch",
                     static_cast<long long>(blocks));
  SWB_DISPATCH_FLOAT(dtype, T, SWB_DISPATCH_FLOAT(param_dtype, P,
      LnRollPartitionKernel<T, P><<<static_cast<unsigned int>(blocks), kWarpsPerBlock * 32, 0, swb::AsStream(stream)>>>(
          g->height, g->width, g->channels, static_cast<int>(g->window_size), g->shift_size, swb::WindowStride(*g), epsilon,
          static_cast<const T*>(x), static_cast<const P*>(weight), static_cast<const P*>(bias), static_cast<T*>(windows))));
  return swb::LaunchStatus("ln_roll_partition", msg, size);
}
