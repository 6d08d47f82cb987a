// qkv_split against the official reshape (B_, N, 3, heads, d) + permute (2, 0, 3, 1, 4), q * scale.
#include <cmath>

#include "test_util.h"

int main() {
  test::Checker check("qkv_split");
  const swb_qkv_geometry cases[] = {
      {12, 49, 60, 6},   // SwinIR-S: window 7... C 60, 6 heads (d 10)
      {5, 64, 180, 6},   // SwinIR-M: window 8, C 180 (d 30)
      {3, 25, 45, 3},    // d 15
      {2, 9, 7, 1},      // one head, odd C
      {1, 1, 8, 8},      // d 1
  };
  uint32_t seed = 7;
  for (const auto& g : cases) {
    const int64_t B = g.batch_windows, N = g.tokens, C = g.channels, heads = g.heads, d = C / heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    const auto qkv = test::Random(static_cast<size_t>(B * N * 3 * C), seed++);
    const auto qkv_h = test::ToHalf(qkv);
    const size_t n = static_cast<size_t>(B * N * C);
    std::vector<float> q(n), k(n), v(n);
    std::vector<uint16_t> qh(n), kh(n), vh(n);
    char msg[256];
    check.Status(swb_qkv_split_cpu(&g, scale, SWB_F32, qkv.data(), q.data(), k.data(), v.data(), msg, sizeof msg),
                 SWB_OK, msg, "f32");
    check.Status(
        swb_qkv_split_cpu(&g, scale, SWB_F16, qkv_h.data(), qh.data(), kh.data(), vh.data(), msg, sizeof msg), SWB_OK,
        msg, "f16");
    long bad = 0;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < heads; ++h)
        for (int64_t t = 0; t < N; ++t)
          for (int64_t e = 0; e < d; ++e) {
            const int64_t out = ((b * heads + h) * N + t) * d + e;
            const auto in = [&](int64_t which) { return (((b * N + t) * 3 + which) * heads + h) * d + e; };
            bad += q[out] != qkv[in(0)] * scale;
            bad += k[out] != qkv[in(1)];
            bad += v[out] != qkv[in(2)];
            bad += qh[out] != test::RefHalf(test::RefFloat(qkv_h[in(0)]) * scale);
            bad += kh[out] != qkv_h[in(1)];
            bad += vh[out] != qkv_h[in(2)];
          }
    check.Expect(bad == 0, "B_ %ld N %ld C %ld heads %ld: %ld mismatches", (long)B, (long)N, (long)C, (long)heads, bad);
  }
  char msg[256];
  float x = 0;
  swb_qkv_geometry bad{1, 4, 10, 3};
  check.Status(swb_qkv_split_cpu(&bad, 1.0f, SWB_F32, &x, &x, &x, &x, msg, sizeof msg), SWB_ERR_ARGUMENT, msg,
               "C not a multiple of heads");
  bad = {1, 4, 12, 0};
  check.Status(swb_qkv_split_cpu(&bad, 1.0f, SWB_F32, &x, &x, &x, &x, msg, sizeof msg), SWB_ERR_ARGUMENT, msg,
               "0 heads");
  return check.Done();
}
