// layer_norm_fp32 against a double-precision two-pass LayerNorm: fp32 to 2e-5, fp16 outputs within one fp16 step,
// weights in either dtype, in place, a constant row.
#include <cmath>

#include "test_util.h"

namespace {

std::vector<double> Reference(const std::vector<double>& x, const std::vector<double>& w, const std::vector<double>& b,
                              int64_t rows, int64_t cols, double eps) {
  std::vector<double> y(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (int64_t c = 0; c < cols; ++c) mean += x[r * cols + c];
    mean /= cols;
    for (int64_t c = 0; c < cols; ++c) var += (x[r * cols + c] - mean) * (x[r * cols + c] - mean);
    var /= cols;
    for (int64_t c = 0; c < cols; ++c) y[r * cols + c] = (x[r * cols + c] - mean) / std::sqrt(var + eps) * w[c] + b[c];
  }
  return y;
}

// One fp16 step at |ref| (2^-10 relative, 2^-24 absolute for subnormals) plus float error.
bool WithinHalf(float got, double ref) {
  return std::fabs(got - ref) <= std::max(std::fabs(ref), 6.103515625e-05) * 0x1p-10 + 1e-5;
}

}  // namespace

int main() {
  test::Checker check("layer_norm_fp32");
  const swb_rows_geometry cases[] = {{2 * 441, 45}, {3 * 64, 60}, {7, 180}, {5, 1}, {1, 33}};
  const float eps = 1e-5f;
  uint32_t seed = 11;
  for (const auto& g : cases) {
    const size_t n = static_cast<size_t>(g.rows * g.cols);
    auto x = test::Random(n, seed++, -1.0f, 5.0f);
    for (int64_t c = 0; c < g.cols; ++c) x[c] = 0.75f;  // a constant row (its mean exact in float): y = bias
    const auto w = test::Random(static_cast<size_t>(g.cols), seed++, 0.5f, 1.5f);
    const auto b = test::Random(static_cast<size_t>(g.cols), seed++, -0.5f, 0.5f);
    const auto xh = test::ToHalf(x), wh = test::ToHalf(w), bh = test::ToHalf(b);
    const auto widen = [](const auto& v) {
      std::vector<double> d(v.size());
      for (size_t i = 0; i < v.size(); ++i) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v[0])>, uint16_t>)
          d[i] = test::RefFloat(v[i]);
        else
          d[i] = v[i];
      }
      return d;
    };
    char msg[256];

    // fp32 in, fp32 params
    std::vector<float> y(n);
    check.Status(swb_layer_norm_fp32_cpu(&g, eps, SWB_F32, SWB_F32, x.data(), w.data(), b.data(), y.data(), msg,
                                         sizeof msg),
                 SWB_OK, msg, "f32/f32");
    const auto ref32 = Reference(widen(x), widen(w), widen(b), g.rows, g.cols, eps);
    double worst = 0;
    for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(y[i] - ref32[i]));
    check.Expect(worst <= 2e-5, "f32 rows %ld cols %ld: max |d| %g", (long)g.rows, (long)g.cols, worst);

    // in place
    auto inplace = x;
    swb_layer_norm_fp32_cpu(&g, eps, SWB_F32, SWB_F32, inplace.data(), w.data(), b.data(), inplace.data(), msg,
                            sizeof msg);
    check.Expect(inplace == y, "in place differs (cols %ld)", (long)g.cols);

    // fp16 in/out with fp32 params, and with fp16 params
    std::vector<uint16_t> yh(n), yhh(n);
    check.Status(swb_layer_norm_fp32_cpu(&g, eps, SWB_F16, SWB_F32, xh.data(), w.data(), b.data(), yh.data(), msg,
                                         sizeof msg),
                 SWB_OK, msg, "f16/f32");
    check.Status(swb_layer_norm_fp32_cpu(&g, eps, SWB_F16, SWB_F16, xh.data(), wh.data(), bh.data(), yhh.data(), msg,
                                         sizeof msg),
                 SWB_OK, msg, "f16/f16");
    const auto ref16 = Reference(widen(xh), widen(w), widen(b), g.rows, g.cols, eps);
    const auto ref16p = Reference(widen(xh), widen(wh), widen(bh), g.rows, g.cols, eps);
    long bad = 0;
    for (size_t i = 0; i < n; ++i) {
      bad += !WithinHalf(test::RefFloat(yh[i]), ref16[i]);
      bad += !WithinHalf(test::RefFloat(yhh[i]), ref16p[i]);
    }
    check.Expect(bad == 0, "f16 rows %ld cols %ld: %ld outside one fp16 step", (long)g.rows, (long)g.cols, bad);

    // fp32 in with fp16 params
    std::vector<float> y32h(n);
    check.Status(swb_layer_norm_fp32_cpu(&g, eps, SWB_F32, SWB_F16, x.data(), wh.data(), bh.data(), y32h.data(), msg,
                                         sizeof msg),
                 SWB_OK, msg, "f32/f16");
    const auto ref32p = Reference(widen(x), widen(wh), widen(bh), g.rows, g.cols, eps);
    worst = 0;
    for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(y32h[i] - ref32p[i]));
    check.Expect(worst <= 2e-5, "f32 in, f16 params: max |d| %g", worst);
  }
  char msg[256];
  float v = 0;
  swb_rows_geometry bad{1, 0};
  check.Status(swb_layer_norm_fp32_cpu(&bad, eps, SWB_F32, SWB_F32, &v, &v, &v, &v, msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "cols 0");
  bad = {0, 4};
  check.Status(swb_layer_norm_fp32_cpu(&bad, eps, SWB_F32, SWB_F32, nullptr, nullptr, nullptr, nullptr, msg,
                                       sizeof msg),
               SWB_OK, msg, "no rows");
  return check.Done();
}
