// Window reverse + reverse roll + residual add on the host: each output token adds the window token that the
// forward roll + partition took from it.
#include "half.h"
#include "status.h"

namespace {

template <typename T>
struct Add;

template <>
struct Add<float> {
  static float Apply(float a, float b) { return a + b; }
};

template <>
struct Add<uint16_t> {  // binary16: add in float, round once
  static uint16_t Apply(uint16_t a, uint16_t b) { return swb::FloatToHalf(swb::HalfToFloat(a) + swb::HalfToFloat(b)); }
};

template <typename T>
void ReverseRollAdd(const swb_window_geometry& g, const T* windows, const T* residual, T* y) {
  const int64_t H = g.height, W = g.width, C = g.channels, ws = g.window_size, shift = g.shift_size;
  const int64_t windows_per_row = W / ws, nW = swb::WindowCount(g), N = swb::WindowTokens(g);
  const int64_t stride = swb::WindowStride(g);
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t py = 0; py < H; ++py) {
      // the rolled map's pixel that lands on py after rolling by +shift: (py - shift) mod H
      const int64_t ry = py >= shift ? py - shift : py - shift + H;
      for (int64_t px = 0; px < W; ++px) {
        const int64_t rx = px >= shift ? px - shift : px - shift + W;
        const int64_t window = b * nW + (ry / ws) * windows_per_row + rx / ws;
        const int64_t token = (ry % ws) * ws + rx % ws;
        const T* from = windows + (window * N + token) * stride;
        const int64_t at = ((b * H + py) * W + px) * C;
        for (int64_t c = 0; c < C; ++c) y[at + c] = Add<T>::Apply(residual[at + c], from[c]);
      }
    }
  }
}

}  // namespace

extern "C" int swb_reverse_roll_add_cpu(const swb_window_geometry* g, swb_dtype dtype, const void* windows,
                                        const void* residual, void* y, char* msg, size_t size) {
  if (int status = swb_window_geometry_check(g, 0, msg, size); status != SWB_OK) return status;
  if (windows == nullptr || residual == nullptr || y == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: null tensor pointer");
  switch (dtype) {
    case SWB_F32:
      ReverseRollAdd(*g, static_cast<const float*>(windows), static_cast<const float*>(residual), static_cast<float*>(y));
      break;
    case SWB_F16:
      ReverseRollAdd(*g, static_cast<const uint16_t*>(windows), static_cast<const uint16_t*>(residual),
                     static_cast<uint16_t*>(y));
      break;
    default:
      return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "reverse_roll_add: dtype %d", dtype);
  }
  return swb::Ok(msg, size);
}
