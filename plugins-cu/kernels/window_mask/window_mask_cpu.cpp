// Shifted-window attention mask on the host: region ids per pixel, compared pairwise inside each window.
#include <vector>

#include "half.h"
#include "status.h"

namespace {

// Region (0, 1, 2) of row or column i of n: [0, n - ws), [n - ws, n - shift), [n - shift, n).
inline int Region(int64_t i, int64_t n, int64_t ws, int64_t shift) {
  return i < n - ws ? 0 : i < n - shift ? 1 : 2;
}

}  // namespace

extern "C" int swb_window_mask_cpu(const swb_window_geometry* g, swb_dtype out_dtype, void* mask, char* msg,
                                   size_t size) {
  if (int status = swb_window_geometry_check(g, 1, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(out_dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_mask: dtype %d", out_dtype);
  if (mask == nullptr) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_mask: null tensor pointer");

  const int64_t H = g->height, W = g->width, ws = g->window_size, shift = g->shift_size;
  const int64_t windows_per_row = W / ws, nW = swb::WindowCount(*g), N = swb::WindowTokens(*g);
  const uint16_t half_masked = swb::FloatToHalf(-100.0f);
  std::vector<int> ids(static_cast<size_t>(N));
  auto* out_f32 = static_cast<float*>(mask);
  auto* out_f16 = static_cast<uint16_t*>(mask);

  for (int64_t w = 0; w < nW; ++w) {
    const int64_t y0 = (w / windows_per_row) * ws, x0 = (w % windows_per_row) * ws;
    for (int64_t t = 0; t < N; ++t)
      ids[t] = 3 * Region(y0 + t / ws, H, ws, shift) + Region(x0 + t % ws, W, ws, shift);
    const int64_t base = w * N * N;
    for (int64_t i = 0; i < N; ++i)
      for (int64_t j = 0; j < N; ++j) {
        const bool same = ids[i] == ids[j];
        if (out_dtype == SWB_F32)
          out_f32[base + i * N + j] = same ? 0.0f : -100.0f;
        else
          out_f16[base + i * N + j] = same ? uint16_t{0} : half_masked;
      }
  }
  return swb::Ok(msg, size);
}
