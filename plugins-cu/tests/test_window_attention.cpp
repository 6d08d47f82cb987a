// window_attention against a double-precision naive attention (split qkv, scale * q k^T + bias + mask, softmax, . v,
// heads merged back): fp32 to 2e-5, fp16 outputs within one fp16 step; with and without a mask, the mask indexed by
// window % num_windows; argument errors.
#include <cmath>
#include <string>

#include "test_util.h"

namespace {

struct Case {
  swb_qkv_geometry g{};
  int64_t num_windows;  // 0: no mask
};

std::vector<double> Reference(const Case& c, float scale, const std::vector<double>& qkv,
                              const std::vector<float>& bias, const std::vector<float>& mask) {
  const int64_t B = c.g.batch_windows, N = c.g.tokens, C = c.g.channels, heads = c.g.heads, d = C / heads;
  std::vector<double> out(static_cast<size_t>(B * N * C)), p(static_cast<size_t>(N));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < N; ++i) {
        double max = -INFINITY;
        for (int64_t j = 0; j < N; ++j) {
          double dot = 0;
          for (int64_t e = 0; e < d; ++e)
            dot += qkv[(b * N + i) * 3 * C + h * d + e] * qkv[(b * N + j) * 3 * C + C + h * d + e];
          p[j] = scale * dot + bias[(h * N + i) * N + j] +
                 (c.num_windows > 0 ? mask[((b % c.num_windows) * N + i) * N + j] : 0.0);
          max = std::max(max, p[j]);
        }
        double sum = 0;
        for (int64_t j = 0; j < N; ++j) sum += (p[j] = std::exp(p[j] - max));
        for (int64_t e = 0; e < d; ++e) {
          double acc = 0;
          for (int64_t j = 0; j < N; ++j) acc += p[j] / sum * qkv[(b * N + j) * 3 * C + 2 * C + h * d + e];
          out[(b * N + i) * C + h * d + e] = acc;
        }
      }
  return out;
}

// The additive mask of regions: tokens attend within their own id (id = token % 3 shifted by the window).
std::vector<float> Mask(int64_t nW, int64_t N) {
  std::vector<float> m(static_cast<size_t>(nW * N * N));
  for (int64_t w = 0; w < nW; ++w)
    for (int64_t i = 0; i < N; ++i)
      for (int64_t j = 0; j < N; ++j) m[(w * N + i) * N + j] = (i + w) % 3 == (j + w) % 3 ? 0.0f : -100.0f;
  return m;
}

bool WithinHalf(float got, double ref) {
  return std::fabs(got - ref) <= std::max(std::fabs(ref), 6.103515625e-05) * 0x1p-10 + 1e-5;
}

}  // namespace

int main() {
  test::Checker check("window_attention");
  const Case cases[] = {
      {{6, 49, 45, 5}, 3},   // window 7, d 9, 2 images of 3 windows
      {{4, 64, 60, 6}, 2},   // window 8, SwinIR-S width
      {{3, 16, 36, 4}, 0},   // no mask
      {{2, 64, 180, 6}, 1},  // SwinIR-M width, one window per image
      {{1, 1, 1, 1}, 0},     // a single token
  };
  uint32_t seed = 31;
  for (const auto& c : cases) {
    const int64_t B = c.g.batch_windows, N = c.g.tokens, C = c.g.channels, heads = c.g.heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(C / heads));
    const auto qkv = test::Random(static_cast<size_t>(B * N * 3 * C), seed++);
    const auto bias = test::Random(static_cast<size_t>(heads * N * N), seed++, -1.0f, 1.0f);
    const auto mask = c.num_windows > 0 ? Mask(c.num_windows, N) : std::vector<float>();
    const float* mask_ptr = c.num_windows > 0 ? mask.data() : nullptr;
    const auto qkvh = test::ToHalf(qkv);
    std::vector<double> wide(qkv.begin(), qkv.end()), wideh(qkv.size());
    for (size_t i = 0; i < qkvh.size(); ++i) wideh[i] = test::RefFloat(qkvh[i]);
    char msg[256];
    std::vector<float> out(static_cast<size_t>(B * N * C), 9.0f);
    std::vector<uint16_t> outh(out.size(), 0);
    check.Status(swb_window_attention_cpu(&c.g, scale, SWB_F32, qkv.data(), bias.data(), mask_ptr, c.num_windows,
                                          out.data(), msg, sizeof msg),
                 SWB_OK, msg, "f32");
    check.Status(swb_window_attention_cpu(&c.g, scale, SWB_F16, qkvh.data(), bias.data(), mask_ptr, c.num_windows,
                                          outh.data(), msg, sizeof msg),
                 SWB_OK, msg, "f16");
    const auto ref = Reference(c, scale, wide, bias, mask), refh = Reference(c, scale, wideh, bias, mask);
    double worst = 0;
    long bad = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      worst = std::max(worst, std::fabs(out[i] - ref[i]));
      bad += !WithinHalf(test::RefFloat(outh[i]), refh[i]);
    }
    check.Expect(worst <= 2e-5, "f32 B_ %ld N %ld C %ld heads %ld: max |d| %g", (long)B, (long)N, (long)C, (long)heads,
                 worst);
    check.Expect(bad == 0, "f16 B_ %ld N %ld C %ld heads %ld: %ld outside one fp16 step", (long)B, (long)N, (long)C,
                 (long)heads, bad);
  }
  char msg[256];
  float v[4] = {0, 0, 0, 0};
  swb_qkv_geometry g{3, 1, 1, 1};
  check.Status(swb_window_attention_cpu(&g, 1.0f, SWB_F32, v, v, v, 2, v, msg, sizeof msg), SWB_ERR_ARGUMENT, msg,
               "B_ 3 with 2 windows");
  check.Expect(std::string(msg).find("num_windows 2") != std::string::npos, "message: %s", msg);
  g = {1, 1, 5, 2};
  check.Status(swb_window_attention_cpu(&g, 1.0f, SWB_F32, v, v, nullptr, 0, v, msg, sizeof msg), SWB_ERR_ARGUMENT, msg,
               "C 5 heads 2");
  g = {1, 1, 1, 1};
  check.Status(swb_window_attention_cpu(&g, 1.0f, SWB_F32, v, nullptr, nullptr, 0, v, msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "null bias");
  check.Status(swb_window_attention_cpu(&g, 1.0f, static_cast<swb_dtype>(3), v, v, nullptr, 0, v, msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "dtype");
  check.Status(swb_window_attention_cpu(nullptr, 1.0f, SWB_F32, v, v, nullptr, 0, v, nullptr, 0), SWB_ERR_ARGUMENT, "",
               "null geometry");
  return check.Done();
}
