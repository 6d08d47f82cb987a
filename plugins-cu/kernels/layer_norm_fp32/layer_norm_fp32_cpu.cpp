// LayerNorm over the last dim with float32 accumulation, on the host.
#include <cinttypes>
#include <cmath>
#include <vector>

#include "host_ops.h"

extern "C" int swb_layer_norm_fp32_cpu(const swb_rows_geometry* g, float epsilon, swb_dtype dtype,
                                       swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                       void* y, char* msg, size_t size) {
  using swb::Fail;
  if (int status = swb::CheckRowsGeometry("layer_norm_fp32", g, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype) || !swb::IsFloatType(param_dtype))
    return Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: dtypes %d/%d", dtype, param_dtype);
  if (!(epsilon >= 0.0f)) return Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: epsilon %g < 0", epsilon);
  if (g->rows == 0) return swb::Ok(msg, size);
  if (x == nullptr || weight == nullptr || bias == nullptr || y == nullptr)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: null tensor pointer");

  const int64_t cols = g->cols, stride = swb::OutStride(*g);
  if (stride != cols && x == y)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "layer_norm_fp32: in place needs dense rows (out_stride %" PRId64 ")", stride);
  std::vector<float> w(static_cast<size_t>(cols)), b(static_cast<size_t>(cols)), row(static_cast<size_t>(cols));
  for (int64_t c = 0; c < cols; ++c) {
    w[c] = swb::LoadAs(weight, param_dtype, c);
    b[c] = swb::LoadAs(bias, param_dtype, c);
  }
  for (int64_t r = 0; r < g->rows; ++r) {
    swb::NormalizeRow(x, r * cols, y, r * stride, dtype, cols, w, b, epsilon, row);
    for (int64_t c = cols; c < stride; ++c) swb::StoreAs(y, dtype, r * stride + c, 0.0f);
  }
  return swb::Ok(msg, size);
}
