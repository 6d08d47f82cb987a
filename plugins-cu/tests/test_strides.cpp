// Row strides (ABI 2): every op that takes a padded row layout gives, on the logical columns, exactly what it gives on
// dense rows, writes its padding columns as zeros (outputs start as NaN poison) and ignores the padding of its inputs
// (filled with junk); strides narrower than the rows, and in-place LayerNorm into padded rows, are refused.
#include <cmath>
#include <cstring>
#include <vector>

#include "status.h"
#include "test_util.h"

namespace {

test::Checker check("strides");
char msg[256];

constexpr float kNaN = NAN;

// Element i of a buffer of dtype t, as float.
float Get(const std::vector<unsigned char>& b, swb_dtype t, size_t i) {
  if (t == SWB_F32) {
    float f;
    std::memcpy(&f, &b[i * 4], 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, &b[i * 2], 2);
  return test::RefFloat(h);
}

std::vector<unsigned char> Buffer(swb_dtype t, const std::vector<float>& v) {
  std::vector<unsigned char> b(v.size() * (t == SWB_F32 ? 4 : 2));
  for (size_t i = 0; i < v.size(); ++i) {
    if (t == SWB_F32) std::memcpy(&b[i * 4], &v[i], 4);
    else {
      const uint16_t h = test::RefHalf(v[i]);
      std::memcpy(&b[i * 2], &h, 2);
    }
  }
  return b;
}

// Rows of `width` values re-laid out `stride` apart, the padding filled with `pad`.
std::vector<float> Widen(const std::vector<float>& dense, int64_t width, int64_t stride, float pad) {
  const size_t rows = dense.size() / width;
  std::vector<float> out(rows * stride, pad);
  for (size_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < width; ++c) out[r * stride + c] = dense[r * width + c];
  return out;
}

// Strided output `wide` (rows `stride` apart) equals the dense output on the logical columns, zeros in the padding.
void ExpectWidened(const char* what, swb_dtype t, const std::vector<unsigned char>& dense,
                   const std::vector<unsigned char>& wide, int64_t width, int64_t stride) {
  const size_t rows = dense.size() / (t == SWB_F32 ? 4 : 2) / width;
  size_t bad = 0, bad_pad = 0;
  for (size_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < width; ++c) bad += !(Get(wide, t, r * stride + c) == Get(dense, t, r * width + c));
    for (int64_t c = width; c < stride; ++c) bad_pad += !(Get(wide, t, r * stride + c) == 0.0f);
  }
  check.Expect(bad == 0 && bad_pad == 0, "%s %s: %zu logical values differ, %zu padding values are not zero", what,
               swb::DTypeName(t), bad, bad_pad);
}

void WindowOps(swb_dtype t) {
  for (const swb_window_geometry& dense : test::WindowCases()) {
    const int64_t C = dense.channels, S = C + 5, tokens = dense.batch * dense.height * dense.width;
    swb_window_geometry wide = dense;
    wide.window_stride = S;
    const auto x = Buffer(t, test::Random(tokens * C, 1));
    const auto w = Buffer(t, test::Random(C, 2, 0.5f, 1.5f)), b = Buffer(t, test::Random(C, 3));
    const auto poison = Buffer(t, std::vector<float>(tokens * S, kNaN));
    auto d = Buffer(t, std::vector<float>(tokens * C)), s = poison;
    check.Status(swb_ln_roll_partition_cpu(&dense, 1e-5f, t, t, x.data(), w.data(), b.data(), d.data(), msg, sizeof msg),
                 SWB_OK, msg, "ln_roll_partition");
    check.Status(swb_ln_roll_partition_cpu(&wide, 1e-5f, t, t, x.data(), w.data(), b.data(), s.data(), msg, sizeof msg),
                 SWB_OK, msg, "ln_roll_partition strided");
    ExpectWidened("ln_roll_partition", t, d, s, C, S);

    // reverse_roll_add reads padded windows: junk in the padding must not matter
    const std::vector<float> windows = test::Random(tokens * C, 4);
    const auto wd = Buffer(t, windows), ww = Buffer(t, Widen(windows, C, S, 1e4f));
    auto yd = Buffer(t, std::vector<float>(tokens * C)), yw = yd;
    check.Status(swb_reverse_roll_add_cpu(&dense, t, wd.data(), x.data(), yd.data(), msg, sizeof msg), SWB_OK, msg,
                 "reverse_roll_add");
    check.Status(swb_reverse_roll_add_cpu(&wide, t, ww.data(), x.data(), yw.data(), msg, sizeof msg), SWB_OK, msg,
                 "reverse_roll_add strided");
    check.Expect(yd == yw, "reverse_roll_add %s: padded windows give another sum", swb::DTypeName(t));

    if (C > 1) {  // (with C = 1, a stride of C - 1 = 0 means dense rows)
      wide.window_stride = C - 1;
      check.Status(swb_ln_roll_partition_cpu(&wide, 1e-5f, t, t, x.data(), w.data(), b.data(), s.data(), msg,
                                             sizeof msg),
                   SWB_ERR_ARGUMENT, msg, "window_stride < channels");
    }
    wide.window_stride = -1;
    check.Status(swb_window_geometry_check(&wide, 0, msg, sizeof msg), SWB_ERR_ARGUMENT, msg, "negative window_stride");
  }
}

void LayerNorm(swb_dtype t) {
  const int64_t rows = 37, C = 180, S = 184;
  const auto x = Buffer(t, test::Random(rows * C, 5, -3.f, 5.f));
  const auto w = Buffer(t, test::Random(C, 6, 0.5f, 1.5f)), b = Buffer(t, test::Random(C, 7));
  auto d = Buffer(t, std::vector<float>(rows * C)), s = Buffer(t, std::vector<float>(rows * S, kNaN));
  const swb_rows_geometry dense{rows, C, 0}, wide{rows, C, S};
  check.Status(swb_layer_norm_fp32_cpu(&dense, 1e-5f, t, t, x.data(), w.data(), b.data(), d.data(), msg, sizeof msg),
               SWB_OK, msg, "layer_norm_fp32");
  check.Status(swb_layer_norm_fp32_cpu(&wide, 1e-5f, t, t, x.data(), w.data(), b.data(), s.data(), msg, sizeof msg),
               SWB_OK, msg, "layer_norm_fp32 strided");
  ExpectWidened("layer_norm_fp32", t, d, s, C, S);
  check.Status(swb_layer_norm_fp32_cpu(&wide, 1e-5f, t, t, s.data(), w.data(), b.data(), s.data(), msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "in-place layer_norm_fp32 into padded rows");
  const swb_rows_geometry narrow{rows, C, C - 4};
  check.Status(swb_layer_norm_fp32_cpu(&narrow, 1e-5f, t, t, x.data(), w.data(), b.data(), s.data(), msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "out_stride < cols");
}

void Attention(swb_dtype t) {
  const int64_t Bw = 6, N = 16, C = 36, heads = 6, nW = 3, P = 41, O = 40;
  const float scale = 1.0f / std::sqrt(6.0f);
  // dense qkv rows [q | k | v], C each; the strided copy puts them P apart and fills the gaps with junk
  const std::vector<float> qkv = test::Random(Bw * N * 3 * C, 8);
  std::vector<float> wide_qkv(Bw * N * 3 * P, 1e4f);
  for (int64_t r = 0; r < Bw * N; ++r)
    for (int64_t part = 0; part < 3; ++part)
      for (int64_t c = 0; c < C; ++c) wide_qkv[r * 3 * P + part * P + c] = qkv[r * 3 * C + part * C + c];
  const std::vector<float> bias = test::Random(heads * N * N, 9, -0.5f, 0.5f);
  std::vector<float> mask(nW * N * N);
  for (size_t i = 0; i < mask.size(); ++i) mask[i] = i % 7 == 0 ? -100.f : 0.f;
  const auto qd = Buffer(t, qkv), qw = Buffer(t, wide_qkv);
  auto d = Buffer(t, std::vector<float>(Bw * N * C)), s = Buffer(t, std::vector<float>(Bw * N * O, kNaN));
  const swb_qkv_geometry dense{Bw, N, C, heads, 0, 0}, wide{Bw, N, C, heads, P, O};
  check.Status(swb_window_attention_cpu(&dense, scale, t, qd.data(), bias.data(), mask.data(), nW, d.data(), msg, sizeof msg),
               SWB_OK, msg, "window_attention");
  check.Status(swb_window_attention_cpu(&wide, scale, t, qw.data(), bias.data(), mask.data(), nW, s.data(), msg, sizeof msg),
               SWB_OK, msg, "window_attention strided");
  ExpectWidened("window_attention", t, d, s, C, O);

  const size_t each = Bw * N * C;
  auto q1 = Buffer(t, std::vector<float>(each)), k1 = q1, v1 = q1, q2 = q1, k2 = q1, v2 = q1;
  check.Status(swb_qkv_split_cpu(&dense, scale, t, qd.data(), q1.data(), k1.data(), v1.data(), msg, sizeof msg), SWB_OK,
               msg, "qkv_split");
  const swb_qkv_geometry split{Bw, N, C, heads, P, 0};
  check.Status(swb_qkv_split_cpu(&split, scale, t, qw.data(), q2.data(), k2.data(), v2.data(), msg, sizeof msg), SWB_OK,
               msg, "qkv_split strided");
  check.Expect(q1 == q2 && k1 == k2 && v1 == v2, "qkv_split %s: part_stride changes the split", swb::DTypeName(t));
  check.Status(swb_qkv_split_cpu(&wide, scale, t, qw.data(), q2.data(), k2.data(), v2.data(), msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "qkv_split with out_stride");
  const swb_qkv_geometry narrow{Bw, N, C, heads, C - 1, 0};
  check.Status(swb_window_attention_cpu(&narrow, scale, t, qw.data(), bias.data(), nullptr, 1, s.data(), msg, sizeof msg),
               SWB_ERR_ARGUMENT, msg, "part_stride < C");
}

}  // namespace

int main() {
  for (swb_dtype t : {SWB_F32, SWB_F16}) {
    WindowOps(t);
    LayerNorm(t);
    Attention(t);
  }
  return check.Done();
}
