// LayerNorm (float32 accumulation) + roll + window partition on the GPU: swb::LnRollPartitionKernel (cuda_common.cuh,
// shared with the swin_block chain) on dense rows of C channels, one block per window, one warp per output token. The
// block finds its window once; a warp reads its token's source pixel, reduces mean and variance in float and writes the
// normalized token to its window position, so the normalized map never exists unpartitioned.
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

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
      swb::LnRollPartitionKernel<kWarpsPerBlock, T, P><<<static_cast<unsigned int>(blocks), kWarpsPerBlock * 32, 0,
                                                         swb::AsStream(stream)>>>(
          g->height, g->width, g->channels, static_cast<int>(g->window_size), g->shift_size, static_cast<const T*>(x),
          g->channels, static_cast<const P*>(weight), static_cast<const P*>(bias), epsilon, static_cast<T*>(windows),
          swb::WindowStride(*g))));
  return swb::LaunchStatus("ln_roll_partition", msg, size);
}
