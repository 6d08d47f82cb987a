// roll_partition against the two steps it fuses, done naively: torch.roll by (-shift, -shift), then
// window_partition (view (B, H/ws, ws, W/ws, ws, C), permute (0, 1, 3, 2, 4, 5)). fp16 is a pure copy: bit-exact.
#include "test_util.h"

namespace {

template <typename T>
std::vector<T> Reference(const swb_window_geometry& g, const std::vector<T>& x) {
  const int64_t B = g.batch, H = g.height, W = g.width, C = g.channels, ws = g.window_size, s = g.shift_size;
  std::vector<T> rolled(x.size()), out(x.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j)
        for (int64_t c = 0; c < C; ++c)  // roll(t, -s)[i] = t[(i + s) mod n]
          rolled[((b * H + i) * W + j) * C + c] = x[((b * H + (i + s) % H) * W + (j + s) % W) * C + c];
  const int64_t Hw = H / ws, Ww = W / ws;
  int64_t at = 0;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t wy = 0; wy < Hw; ++wy)
      for (int64_t wx = 0; wx < Ww; ++wx)
        for (int64_t ty = 0; ty < ws; ++ty)
          for (int64_t tx = 0; tx < ws; ++tx)
            for (int64_t c = 0; c < C; ++c) out[at++] = rolled[((b * H + wy * ws + ty) * W + wx * ws + tx) * C + c];
  return out;
}

}  // namespace

int main() {
  test::Checker check("roll_partition");
  uint32_t seed = 1;
  for (const auto& g : test::WindowCases()) {
    const size_t n = static_cast<size_t>(g.batch * g.height * g.width * g.channels);
    const auto x = test::Random(n, seed++);
    const auto xh = test::ToHalf(x);
    std::vector<float> out(n, 0.0f);
    std::vector<uint16_t> outh(n, 0);
    char msg[256];
    check.Status(swb_roll_partition_cpu(&g, SWB_F32, x.data(), out.data(), msg, sizeof msg), SWB_OK, msg, "f32");
    check.Status(swb_roll_partition_cpu(&g, SWB_F16, xh.data(), outh.data(), msg, sizeof msg), SWB_OK, msg, "f16");
    check.Expect(out == Reference(g, x), "f32 B %ld H %ld W %ld C %ld ws %ld shift %ld", (long)g.batch,
                 (long)g.height, (long)g.width, (long)g.channels, (long)g.window_size, (long)g.shift_size);
    check.Expect(outh == Reference(g, xh), "f16 B %ld H %ld W %ld C %ld ws %ld shift %ld", (long)g.batch,
                 (long)g.height, (long)g.width, (long)g.channels, (long)g.window_size, (long)g.shift_size);
  }
  char msg[256];
  float x = 0, y = 0;
  swb_window_geometry bad{0, 7, 7, 3, 7, 0};
  check.Status(swb_roll_partition_cpu(&bad, SWB_F32, &x, &y, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "batch 0");
  bad = {1, 7, 7, 0, 7, 0};
  check.Status(swb_roll_partition_cpu(&bad, SWB_F32, &x, &y, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "channels 0");
  bad = {1, 7, 9, 1, 7, 0};
  check.Status(swb_roll_partition_cpu(&bad, SWB_F32, &x, &y, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "W 9");
  bad = {1, 7, 7, 1, 7, -1};
  check.Status(swb_roll_partition_cpu(&bad, SWB_F32, &x, &y, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "shift -1");
  return check.Done();
}
