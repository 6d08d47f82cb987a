// ln_roll_partition against the two steps it fuses, the layer_norm_fp32 kernel then roll + window partition written
// out naively: the same float32 arithmetic per token, so bit-exact in fp32 and fp16 (fp32 or fp16 parameters);
// geometry errors as in the others.
#include "test_util.h"

namespace {

template <typename T, typename P>
std::vector<T> Composed(const swb_window_geometry& g, swb_dtype dtype, swb_dtype param_dtype, const std::vector<T>& x,
                        const std::vector<P>& w, const std::vector<P>& b, float eps) {
  std::vector<T> normed(x.size());
  const swb_rows_geometry rows{g.batch * g.height * g.width, g.channels};
  char msg[256];
  if (swb_layer_norm_fp32_cpu(&rows, eps, dtype, param_dtype, x.data(), w.data(), b.data(), normed.data(), msg,
                              sizeof msg) != SWB_OK)
    std::printf("reference failed: %s\n", msg);
  return test::RollPartition(g, normed);
}

}  // namespace

int main() {
  test::Checker check("ln_roll_partition");
  const float eps = 1e-5f;
  uint32_t seed = 21;
  for (const auto& g : test::WindowCases()) {
    const size_t n = static_cast<size_t>(g.batch * g.height * g.width * g.channels);
    const auto x = test::Random(n, seed++, -1.0f, 4.0f);
    const auto w = test::Random(static_cast<size_t>(g.channels), seed++, 0.5f, 1.5f);
    const auto b = test::Random(static_cast<size_t>(g.channels), seed++, -0.5f, 0.5f);
    const auto xh = test::ToHalf(x), wh = test::ToHalf(w), bh = test::ToHalf(b);
    char msg[256];
    std::vector<float> out(n, 7.0f);
    std::vector<uint16_t> outh(n, 0), outhh(n, 0);
    check.Status(
        swb_ln_roll_partition_cpu(&g, eps, SWB_F32, SWB_F32, x.data(), w.data(), b.data(), out.data(), msg, sizeof msg),
        SWB_OK, msg, "f32/f32");
    check.Status(swb_ln_roll_partition_cpu(&g, eps, SWB_F16, SWB_F32, xh.data(), w.data(), b.data(), outh.data(), msg,
                                           sizeof msg),
                 SWB_OK, msg, "f16/f32");
    check.Status(swb_ln_roll_partition_cpu(&g, eps, SWB_F16, SWB_F16, xh.data(), wh.data(), bh.data(), outhh.data(),
                                           msg, sizeof msg),
                 SWB_OK, msg, "f16/f16");
    const long B = g.batch, H = g.height, W = g.width, C = g.channels, ws = g.window_size, s = g.shift_size;
    check.Expect(out == Composed(g, SWB_F32, SWB_F32, x, w, b, eps), "f32 B %ld H %ld W %ld C %ld ws %ld shift %ld", B,
                 H, W, C, ws, s);
    check.Expect(outh == Composed(g, SWB_F16, SWB_F32, xh, w, b, eps), "f16/f32 B %ld H %ld W %ld C %ld ws %ld", B, H,
                 W, C, ws);
    check.Expect(outhh == Composed(g, SWB_F16, SWB_F16, xh, wh, bh, eps), "f16/f16 B %ld H %ld W %ld C %ld ws %ld", B,
                 H, W, C, ws);
  }
  char msg[256];
  float v = 0;
  swb_window_geometry bad{1, 7, 9, 1, 7, 0};
  check.Status(swb_ln_roll_partition_cpu(&bad, 1e-5f, SWB_F32, SWB_F32, &v, &v, &v, &v, msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "W 9");
  bad = {1, 7, 7, 1, 7, 0};
  check.Status(swb_ln_roll_partition_cpu(&bad, 1e-5f, SWB_F32, SWB_F32, &v, nullptr, &v, &v, msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "null weight");
  check.Status(swb_ln_roll_partition_cpu(&bad, -1.0f, SWB_F32, SWB_F32, &v, &v, &v, &v, msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "negative epsilon");
  check.Status(
      swb_ln_roll_partition_cpu(&bad, 1e-5f, SWB_F32, static_cast<swb_dtype>(5), &v, &v, &v, &v, msg, sizeof msg),
      SWB_ERR_ARGUMENT, msg, "param dtype");
  return check.Done();
}
