// reverse_roll_add against the steps it fuses, done naively: window_reverse, torch.roll by (+shift, +shift), add.
// Also: it inverts roll + window partition (with a zero residual), and it runs in place on the residual.
#include "test_util.h"

namespace {

template <typename T, typename AddFn>
std::vector<T> Reference(const swb_window_geometry& g, const std::vector<T>& windows, const std::vector<T>& residual,
                         AddFn add) {
  const int64_t B = g.batch, H = g.height, W = g.width, C = g.channels, ws = g.window_size, s = g.shift_size;
  const int64_t Hw = H / ws, Ww = W / ws;
  std::vector<T> image(residual.size()), out(residual.size());
  int64_t at = 0;
  for (int64_t b = 0; b < B; ++b)  // window_reverse: the inverse permutation of window_partition
    for (int64_t wy = 0; wy < Hw; ++wy)
      for (int64_t wx = 0; wx < Ww; ++wx)
        for (int64_t ty = 0; ty < ws; ++ty)
          for (int64_t tx = 0; tx < ws; ++tx)
            for (int64_t c = 0; c < C; ++c) image[((b * H + wy * ws + ty) * W + wx * ws + tx) * C + c] = windows[at++];
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j)
        for (int64_t c = 0; c < C; ++c) {  // roll(t, +s)[i] = t[(i - s) mod n]
          const int64_t k = ((b * H + i) * W + j) * C + c;
          out[k] = add(residual[k], image[((b * H + (i - s + H) % H) * W + (j - s + W) % W) * C + c]);
        }
  return out;
}

}  // namespace

int main() {
  test::Checker check("reverse_roll_add");
  uint32_t seed = 100;
  const auto add32 = [](float a, float b) { return a + b; };
  const auto add16 = [](uint16_t a, uint16_t b) { return test::RefHalf(test::RefFloat(a) + test::RefFloat(b)); };
  for (const auto& g : test::WindowCases()) {
    const size_t n = static_cast<size_t>(g.batch * g.height * g.width * g.channels);
    const auto windows = test::Random(n, seed++), residual = test::Random(n, seed++);
    const auto windows_h = test::ToHalf(windows), residual_h = test::ToHalf(residual);
    std::vector<float> y(n);
    std::vector<uint16_t> yh(n);
    char msg[256];
    check.Status(swb_reverse_roll_add_cpu(&g, SWB_F32, windows.data(), residual.data(), y.data(), msg, sizeof msg),
                 SWB_OK, msg, "f32");
    check.Status(
        swb_reverse_roll_add_cpu(&g, SWB_F16, windows_h.data(), residual_h.data(), yh.data(), msg, sizeof msg),
        SWB_OK, msg, "f16");
    check.Expect(y == Reference(g, windows, residual, add32), "f32 H %ld W %ld C %ld ws %ld shift %ld",
                 (long)g.height, (long)g.width, (long)g.channels, (long)g.window_size, (long)g.shift_size);
    check.Expect(yh == Reference(g, windows_h, residual_h, add16), "f16 H %ld W %ld C %ld ws %ld shift %ld",
                 (long)g.height, (long)g.width, (long)g.channels, (long)g.window_size, (long)g.shift_size);

    // in place: y is the residual
    auto inplace = residual;
    check.Status(swb_reverse_roll_add_cpu(&g, SWB_F32, windows.data(), inplace.data(), inplace.data(), msg, sizeof msg),
                 SWB_OK, msg, "in place");
    check.Expect(inplace == y, "in place differs");

    // inverse of roll + window partition: x -> windows -> x + 0
    std::vector<float> zeros(n, 0.0f), back(n);
    const std::vector<float> parted = test::RollPartition(g, residual);
    swb_reverse_roll_add_cpu(&g, SWB_F32, parted.data(), zeros.data(), back.data(), msg, sizeof msg);
    check.Expect(back == residual, "reverse_roll_add(roll_partition(x), 0) != x");
  }
  char msg[256];
  float v = 0;
  swb_window_geometry g{1, 7, 7, 1, 7, 3};
  check.Status(swb_reverse_roll_add_cpu(&g, SWB_F32, &v, nullptr, &v, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "null");
  return check.Done();
}
