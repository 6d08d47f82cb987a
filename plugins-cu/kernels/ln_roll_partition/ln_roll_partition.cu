// LayerNorm (float32 accumulation) + roll + window partition on the GPU: one warp per output token.
// The warp reads its source pixel's C channels, reduces mean and variance in float, and writes the normalized
// token to its window position, so the normalized map never exists unpartitioned in memory.
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T, typename P>
__global__ void LnRollPartitionKernel(int64_t B, int64_t H, int64_t W, int64_t C, int64_t ws, int64_t shift,
                                      int64_t stride, float eps, const T* x, const P* weight, const P* bias,
                                      T* windows) {
  const int64_t N = ws * ws, per_row = W / ws, nW = (H / ws) * per_row, tokens = B * nW * N;
  for (int64_t tok = blockIdx.x * static_cast<int64_t>(kWarpsPerBlock) + threadIdx.x / 32; tok < tokens;
       tok += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock) {
    const int64_t t = tok % N, bw = tok / N, b = bw / nW, w = bw % nW;
    const int64_t sy = swb::RolledSource((w / per_row) * ws + t / ws, shift, H);
    const int64_t sx = swb::RolledSource((w % per_row) * ws + t % ws, shift, W);
    T* dst = windows + tok * stride;
    swb::WarpLayerNormRow(x + ((b * H + sy) * W + sx) * C, dst, C, eps, weight, bias);
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
  const int64_t tokens = g->batch * g->height * g->width;
  const unsigned int grid = swb::GridFor(tokens, kWarpsPerBlock);
  SWB_DISPATCH_FLOAT(dtype, T, SWB_DISPATCH_FLOAT(param_dtype, P,
      LnRollPartitionKernel<T, P><<<grid, kWarpsPerBlock * 32, 0, swb::AsStream(stream)>>>(
          g->batch, g->height, g->width, g->channels, g->window_size, g->shift_size, swb::WindowStride(*g), epsilon,
          static_cast<const T*>(x), static_cast<const P*>(weight), static_cast<const P*>(bias), static_cast<T*>(windows))));
  return swb::LaunchStatus("ln_roll_partition", msg, size);
}
