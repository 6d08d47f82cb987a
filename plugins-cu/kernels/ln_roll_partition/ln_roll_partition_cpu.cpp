// LayerNorm (float32 accumulation) + roll + window partition on the host: each output token is the normalized row of
// its source pixel, so the normalized map is never stored. Same arithmetic as swb_layer_norm_fp32_cpu followed by
// swb_roll_partition_cpu, bit for bit.
#include <cinttypes>
#include <cmath>
#include <vector>

#include "host_ops.h"

extern "C" int swb_ln_roll_partition_cpu(const swb_window_geometry* g, float epsilon, swb_dtype dtype,
                                         swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                         void* windows, char* msg, size_t size) {
  using swb::Fail;
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype) || !swb::IsFloatType(param_dtype))
    return Fail(SWB_ERR_ARGUMENT, msg, size, "ln_roll_partition: dtypes %d/%d", dtype, param_dtype);
  if (!(epsilon >= 0.0f)) return Fail(SWB_ERR_ARGUMENT, msg, size, "ln_roll_partition: epsilon %g < 0", epsilon);
  if (x == nullptr || weight == nullptr || bias == nullptr || windows == nullptr)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "ln_roll_partition: null tensor pointer");

  const int64_t H = g->height, W = g->width, C = g->channels, ws = g->window_size, shift = g->shift_size;
  const int64_t windows_per_row = W / ws, nW = swb::WindowCount(*g);
  std::vector<float> w(static_cast<size_t>(C)), b(static_cast<size_t>(C)), row(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c) {
    w[c] = swb::LoadAs(weight, param_dtype, c);
    b[c] = swb::LoadAs(bias, param_dtype, c);
  }
  const int64_t stride = swb::WindowStride(*g);
  int64_t out = 0;  // element offset of the next output token
  for (int64_t batch = 0; batch < g->batch; ++batch) {
    for (int64_t win = 0; win < nW; ++win) {
      const int64_t y0 = (win / windows_per_row) * ws, x0 = (win % windows_per_row) * ws;
      for (int64_t ty = 0; ty < ws; ++ty) {
        const int64_t sy = swb::HostRolledSource(y0 + ty, shift, H);
        for (int64_t tx = 0; tx < ws; ++tx, out += stride) {
          const int64_t sx = swb::HostRolledSource(x0 + tx, shift, W);
          const int64_t base = ((batch * H + sy) * W + sx) * C;
          swb::NormalizeRow(x, base, windows, out, dtype, C, w, b, epsilon, row);
          for (int64_t c = C; c < stride; ++c) swb::StoreAs(windows, dtype, out + c, 0.0f);
        }
      }
    }
  }
  return swb::Ok(msg, size);
}
