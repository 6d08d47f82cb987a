// LayerNorm with float32 accumulation on the GPU: one warp per row, two passes (mean, then squared deviations).
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T, typename P>
__global__ void LayerNormKernel(int64_t rows, int64_t cols, float eps, const T* x, const P* weight, const P* bias, T* y) {
  const int lane = threadIdx.x % 32;
  for (int64_t r = blockIdx.x * static_cast<int64_t>(kWarpsPerBlock) + threadIdx.x / 32; r < rows;
       r += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock) {
    const T* src = x + r * cols;
    float sum = 0.f;
    for (int64_t c = lane; c < cols; c += 32) sum += swb::Load(src + c);
    const float mean = swb::WarpSum(sum) / static_cast<float>(cols);
    float sq = 0.f;
    for (int64_t c = lane; c < cols; c += 32) {
      const float d = swb::Load(src + c) - mean;
      sq += d * d;
    }
    const float rstd = rsqrtf(swb::WarpSum(sq) / static_cast<float>(cols) + eps);
    __syncwarp();
    T* dst = y + r * cols;  // may alias src: every lane has read its elements of this row before writing them
    for (int64_t c = lane; c < cols; c += 32)
      swb::Store(dst + c, (swb::Load(src + c) - mean) * rstd * swb::Load(weight + c) + swb::Load(bias + c));
  }
}

}  // namespace

extern "C" int swb_layer_norm_fp32_cuda(const swb_rows_geometry* g, float epsilon, swb_dtype dtype,
                                        swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                        void* y, void* stream, char* msg, size_t size) {
  if (g == nullptr || g->rows < 0 || g->cols < 1)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: bad geometry");
  if (!swb::IsFloatType(dtype) || !swb::IsFloatType(param_dtype))
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: dtype %d / param dtype %d", dtype, param_dtype);
  if (x == nullptr || weight == nullptr || bias == nullptr || y == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: null tensor pointer");
  if (g->rows == 0) return swb::Ok(msg, size);
  const unsigned int grid = swb::GridFor(g->rows, kWarpsPerBlock);
  SWB_DISPATCH_FLOAT(dtype, T, SWB_DISPATCH_FLOAT(param_dtype, P,
      LayerNormKernel<T, P><<<grid, kWarpsPerBlock * 32, 0, swb::AsStream(stream)>>>(
          g->rows, g->cols, epsilon, static_cast<const T*>(x), static_cast<const P*>(weight),
          static_cast<const P*>(bias), static_cast<T*>(y))));
  return swb::LaunchStatus("layer_norm_fp32", msg, size);
}
