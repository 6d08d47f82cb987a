// LayerNorm with float32 accumulation on the GPU: one warp per row, two passes (mean, then squared deviations).
#include "cuda_common.cuh"

namespace {

constexpr int kWarpsPerBlock = 8;

template <typename T, typename P>
__global__ void LayerNormKernel(int64_t rows, int64_t cols, int64_t stride, float eps, const T* x, const P* weight,
                                const P* bias, T* y) {
  for (int64_t r = blockIdx.x * static_cast<int64_t>(kWarpsPerBlock) + threadIdx.x / 32; r < rows;
       r += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock) {
    swb::WarpLayerNormRow(x + r * cols, y + r * stride, cols, eps, weight, bias);
    swb::WarpZeroFill(y + r * stride, cols, stride);
  }
}

}  // namespace

extern "C" int swb_layer_norm_fp32_cuda(const swb_rows_geometry* g, float epsilon, swb_dtype dtype,
                                        swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                        void* y, void* stream, char* msg, size_t size) {
  if (int status = swb::CheckRowsGeometry("layer_norm_fp32", g, msg, size); status != SWB_OK) return status;
  if (swb::OutStride(*g) != g->cols && x == y)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: in place needs dense rows (out_stride %lld)",
                     static_cast<long long>(g->out_stride));
  if (!swb::IsFloatType(dtype) || !swb::IsFloatType(param_dtype))
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: dtype %d / param dtype %d", dtype, param_dtype);
  if (x == nullptr || weight == nullptr || bias == nullptr || y == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: null tensor pointer");
  if (g->rows == 0) return swb::Ok(msg, size);
  const unsigned int grid = swb::GridFor(g->rows, kWarpsPerBlock);
  SWB_DISPATCH_FLOAT(dtype, T, SWB_DISPATCH_FLOAT(param_dtype, P,
      LayerNormKernel<T, P><<<grid, kWarpsPerBlock * 32, 0, swb::AsStream(stream)>>>(
          g->rows, g->cols, swb::OutStride(*g), epsilon, static_cast<const T*>(x), static_cast<const P*>(weight),
          static_cast<const P*>(bias), static_cast<T*>(y))));
  return swb::LaunchStatus("layer_norm_fp32", msg, size);
}
