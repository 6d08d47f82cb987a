// Roll + window partition on the host: each output token copies the C channels of its source pixel.
#include <cstring>

#include "host_ops.h"

extern "C" int swb_roll_partition_cpu(const swb_window_geometry* g, swb_dtype dtype, const void* x, void* windows,
                                      char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "roll_partition: dtype %d", dtype);
  if (x == nullptr || windows == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "roll_partition: null tensor pointer");

  const int64_t H = g->height, W = g->width, C = g->channels, ws = g->window_size, shift = g->shift_size;
  const int64_t windows_per_row = W / ws, nW = swb::WindowCount(*g);
  const size_t elem = dtype == SWB_F32 ? sizeof(float) : sizeof(uint16_t);
  const size_t token_bytes = static_cast<size_t>(C) * elem;
  const size_t pad_bytes = static_cast<size_t>(swb::WindowStride(*g) - C) * elem;  // zero padding after each token
  const auto* src = static_cast<const unsigned char*>(x);
  auto* dst = static_cast<unsigned char*>(windows);

  for (int64_t b = 0; b < g->batch; ++b) {
    const unsigned char* image = src + static_cast<size_t>(b * H * W) * token_bytes;
    for (int64_t w = 0; w < nW; ++w) {
      const int64_t y0 = (w / windows_per_row) * ws, x0 = (w % windows_per_row) * ws;
      for (int64_t ty = 0; ty < ws; ++ty) {
        const int64_t sy = swb::HostRolledSource(y0 + ty, shift, H);
        for (int64_t tx = 0; tx < ws; ++tx) {
          const int64_t sx = swb::HostRolledSource(x0 + tx, shift, W);
          std::memcpy(dst, image + static_cast<size_t>(sy * W + sx) * token_bytes, token_bytes);
          std::memset(dst + token_bytes, 0, pad_bytes);
          dst += token_bytes + pad_bytes;
        }
      }
    }
  }
  return swb::Ok(msg, size);
}
