// window_mask against the official construction: region ids by Python-style slices, window partition, pairwise
// difference.
#include <string>

#include "test_util.h"

namespace {

// img_mask[y][x] of the official code: cnt over h_slices x w_slices (0:-ws, -ws:-shift, -shift:).
std::vector<int> RegionIds(int64_t H, int64_t W, int64_t ws, int64_t shift) {
  std::vector<int> ids(H * W, 0);
  if (shift == 0) return ids;  // the official code builds no mask for unshifted blocks: all tokens attend
  const int64_t hb[4] = {0, H - ws, H - shift, H}, wb[4] = {0, W - ws, W - shift, W};
  int cnt = 0;
  for (int hs = 0; hs < 3; ++hs)
    for (int wsl = 0; wsl < 3; ++wsl, ++cnt)
      for (int64_t y = hb[hs]; y < hb[hs + 1]; ++y)
        for (int64_t x = wb[wsl]; x < wb[wsl + 1]; ++x) ids[y * W + x] = cnt;
  return ids;
}

}  // namespace

int main() {
  test::Checker check("window_mask");
  for (const auto& g : test::WindowCases()) {
    const int64_t ws = g.window_size, nW = (g.height / ws) * (g.width / ws), N = ws * ws;
    const auto ids = RegionIds(g.height, g.width, ws, g.shift_size);
    // partitioned ids: window (wy, wx), token (ty, tx)
    std::vector<int> win(nW * N);
    for (int64_t wy = 0; wy < g.height / ws; ++wy)
      for (int64_t wx = 0; wx < g.width / ws; ++wx)
        for (int64_t ty = 0; ty < ws; ++ty)
          for (int64_t tx = 0; tx < ws; ++tx)
            win[(wy * (g.width / ws) + wx) * N + ty * ws + tx] = ids[(wy * ws + ty) * g.width + wx * ws + tx];

    std::vector<float> f32(nW * N * N, 7.0f);
    std::vector<uint16_t> f16(nW * N * N, 0x1234);
    char msg[256];
    check.Status(swb_window_mask_cpu(&g, SWB_F32, f32.data(), msg, sizeof msg), SWB_OK, msg, "f32");
    check.Status(swb_window_mask_cpu(&g, SWB_F16, f16.data(), msg, sizeof msg), SWB_OK, msg, "f16");
    long mismatches = 0;
    for (int64_t w = 0; w < nW; ++w)
      for (int64_t i = 0; i < N; ++i)
        for (int64_t j = 0; j < N; ++j) {
          const float expected = win[w * N + i] - win[w * N + j] != 0 ? -100.0f : 0.0f;
          const int64_t at = (w * N + i) * N + j;
          mismatches += f32[at] != expected;
          mismatches += f16[at] != test::RefHalf(expected);
        }
    check.Expect(mismatches == 0, "H %ld W %ld ws %ld shift %ld: %ld mismatches", (long)g.height, (long)g.width,
                 (long)ws, (long)g.shift_size, mismatches);
  }

  // bad geometry: a clear status and message, nothing written
  char msg[256] = "";
  float out = 1.0f;
  swb_window_geometry bad{1, 20, 21, 1, 7, 3};
  check.Status(swb_window_mask_cpu(&bad, SWB_F32, &out, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "H not a multiple");
  check.Expect(std::string(msg).find("multiples of window_size 7") != std::string::npos, "message: %s", msg);
  bad = {1, 21, 21, 1, 7, 7};
  check.Status(swb_window_mask_cpu(&bad, SWB_F32, &out, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "shift >= ws");
  check.Status(swb_window_mask_cpu(&bad, SWB_F32, nullptr, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "null");
  check.Status(swb_window_mask_cpu(nullptr, SWB_F32, &out, nullptr, 0), SWB_ERR_ARGUMENT, "", "null geometry, no msg");
  check.Expect(out == 1.0f, "nothing written on error");
  swb_window_geometry one{1, 7, 7, 1, 7, 3};
  check.Status(swb_window_mask_cpu(&one, static_cast<swb_dtype>(9), &out, msg, sizeof msg), SWB_ERR_ARGUMENT, msg,
               "dtype");
  // the CUDA entry point of a CPU-only build says so
  if (std::string(swb_build_info()).find("cuda kernels: none") != std::string::npos)
    check.Status(swb_window_mask_cuda(&one, SWB_F32, &out, nullptr, msg, sizeof msg), SWB_ERR_NO_CUDA, msg,
                 "cuda stub");
  return check.Done();
}
