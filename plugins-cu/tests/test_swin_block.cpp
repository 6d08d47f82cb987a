// swb_swin_block_* (CPU handle) against a double-precision naive Swin stage written out here with plain loops
// (LayerNorm, roll, window partition, qkv, attention with the region mask, projection, reverse roll + residual,
// LayerNorm, fc1, erf GELU, fc2 + residual): FP32 within 1e-4 of the output's scale for windows 8 and 12, C 60 / 180 /
// 240 with 6 heads, depth 2 (shift 0 then ws/2), batch 2, non-square maps; FP16 weights in an FP32 run; FP16 runs
// against the reference by SNR; in place; repeated runs; stats, trim and the least-recently-used shape cache; errors.
#include <cmath>
#include <cstring>
#include <string>

#include "test_util.h"

namespace {

struct Block {
  int64_t shift;
  std::vector<float> norm1_weight, norm1_bias, qkv_weight, qkv_bias, attn_bias, proj_weight, proj_bias, norm2_weight,
      norm2_bias, fc1_weight, fc1_bias, fc2_weight, fc2_bias;
};

struct Stage {
  int64_t C, heads, hidden, ws;
  std::vector<Block> blocks;
};

// Random weights at nn.Linear's scale (uniform within 1/sqrt(fan_in)), LayerNorm scales near 1.
Stage MakeStage(int64_t C, int64_t heads, int64_t ws, int64_t depth, uint32_t seed) {
  Stage s{C, heads, 2 * C, ws, {}};
  const int64_t N = ws * ws;
  const float in_c = 1.0f / std::sqrt(static_cast<float>(C)), in_h = 1.0f / std::sqrt(static_cast<float>(s.hidden));
  for (int64_t i = 0; i < depth; ++i) {
    Block b;
    b.shift = i % 2 == 0 ? 0 : ws / 2;
    b.norm1_weight = test::Random(C, seed++, 0.8f, 1.2f);
    b.norm1_bias = test::Random(C, seed++, -0.1f, 0.1f);
    b.qkv_weight = test::Random(3 * C * C, seed++, -in_c, in_c);
    b.qkv_bias = test::Random(3 * C, seed++, -in_c, in_c);
    b.attn_bias = test::Random(heads * N * N, seed++, -1.0f, 1.0f);
    b.proj_weight = test::Random(C * C, seed++, -in_c, in_c);
    b.proj_bias = test::Random(C, seed++, -in_c, in_c);
    b.norm2_weight = test::Random(C, seed++, 0.8f, 1.2f);
    b.norm2_bias = test::Random(C, seed++, -0.1f, 0.1f);
    b.fc1_weight = test::Random(s.hidden * C, seed++, -in_c, in_c);
    b.fc1_bias = test::Random(s.hidden, seed++, -in_c, in_c);
    b.fc2_weight = test::Random(C * s.hidden, seed++, -in_h, in_h);
    b.fc2_bias = test::Random(C, seed++, -in_h, in_h);
    s.blocks.push_back(std::move(b));
  }
  return s;
}

// ---- the naive reference, in double ---------------------------------------------------------------------------------

using Map = std::vector<double>;  // (B, H, W, C)

void LayerNorm(const Map& x, int64_t C, const std::vector<float>& w, const std::vector<float>& b, Map& y) {
  y.resize(x.size());
  for (size_t t = 0; t < x.size() / C; ++t) {
    double mean = 0, var = 0;
    for (int64_t c = 0; c < C; ++c) mean += x[t * C + c];
    mean /= C;
    for (int64_t c = 0; c < C; ++c) var += (x[t * C + c] - mean) * (x[t * C + c] - mean);
    var /= C;
    for (int64_t c = 0; c < C; ++c) y[t * C + c] = (x[t * C + c] - mean) / std::sqrt(var + 1e-5) * w[c] + b[c];
  }
}

// out[o] = sum_i in[i] * weight[o][i] + bias[o] for one token.
void Linear(const double* in, int64_t n_in, const std::vector<float>& weight, const std::vector<float>& bias,
            int64_t n_out, double* out) {
  for (int64_t o = 0; o < n_out; ++o) {
    double acc = bias[o];
    for (int64_t i = 0; i < n_in; ++i) acc += in[i] * weight[o * n_in + i];
    out[o] = acc;
  }
}

// Region 0, 1, 2 of coordinate i of n in the rolled map: [0, n - ws), [n - ws, n - shift), [n - shift, n).
int Region(int64_t i, int64_t n, int64_t ws, int64_t shift) { return i < n - ws ? 0 : i < n - shift ? 1 : 2; }

Map Reference(const Stage& s, int64_t B, int64_t H, int64_t W, Map x) {
  const int64_t C = s.C, heads = s.heads, d = C / heads, ws = s.ws, N = ws * ws;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  Map normed;
  std::vector<double> win(N * C), qkv(N * 3 * C), att(N * C), proj(N * C), p(N), hidden(s.hidden), mlp(C);
  std::vector<int64_t> py(N), px(N);
  for (const Block& blk : s.blocks) {
    const int64_t shift = blk.shift;
    LayerNorm(x, C, blk.norm1_weight, blk.norm1_bias, normed);
    Map next = x;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t wy = 0; wy < H / ws; ++wy)
        for (int64_t wx = 0; wx < W / ws; ++wx) {
          // window token t is (y, x) of the rolled map, which holds pixel ((y + shift) mod H, (x + shift) mod W)
          for (int64_t t = 0; t < N; ++t) {
            const int64_t y = wy * ws + t / ws, xx = wx * ws + t % ws;
            py[t] = (y + shift) % H;
            px[t] = (xx + shift) % W;
            for (int64_t c = 0; c < C; ++c) win[t * C + c] = normed[((b * H + py[t]) * W + px[t]) * C + c];
            Linear(&win[t * C], C, blk.qkv_weight, blk.qkv_bias, 3 * C, &qkv[t * 3 * C]);
          }
          for (int64_t h = 0; h < heads; ++h)
            for (int64_t i = 0; i < N; ++i) {
              const int64_t yi = wy * ws + i / ws, xi = wx * ws + i % ws;
              const int ri = 3 * Region(yi, H, ws, shift) + Region(xi, W, ws, shift);
              double max = -INFINITY;
              for (int64_t j = 0; j < N; ++j) {
                double dot = 0;
                for (int64_t e = 0; e < d; ++e) dot += qkv[i * 3 * C + h * d + e] * qkv[j * 3 * C + C + h * d + e];
                const int64_t yj = wy * ws + j / ws, xj = wx * ws + j % ws;
                const int rj = 3 * Region(yj, H, ws, shift) + Region(xj, W, ws, shift);
                p[j] = scale * dot + blk.attn_bias[(h * N + i) * N + j] + (shift > 0 && ri != rj ? -100.0 : 0.0);
                max = std::max(max, p[j]);
              }
              double sum = 0;
              for (int64_t j = 0; j < N; ++j) sum += (p[j] = std::exp(p[j] - max));
              for (int64_t e = 0; e < d; ++e) {
                double acc = 0;
                for (int64_t j = 0; j < N; ++j) acc += p[j] / sum * qkv[j * 3 * C + 2 * C + h * d + e];
                att[i * C + h * d + e] = acc;
              }
            }
          for (int64_t t = 0; t < N; ++t) {
            Linear(&att[t * C], C, blk.proj_weight, blk.proj_bias, C, &proj[t * C]);
            for (int64_t c = 0; c < C; ++c) next[((b * H + py[t]) * W + px[t]) * C + c] += proj[t * C + c];
          }
        }
    x = next;
    LayerNorm(x, C, blk.norm2_weight, blk.norm2_bias, normed);
    for (size_t t = 0; t < x.size() / C; ++t) {
      Linear(&normed[t * C], C, blk.fc1_weight, blk.fc1_bias, s.hidden, hidden.data());
      for (auto& v : hidden) v = 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
      Linear(hidden.data(), s.hidden, blk.fc2_weight, blk.fc2_bias, C, mlp.data());
      for (int64_t c = 0; c < C; ++c) x[t * C + c] += mlp[c];
    }
  }
  return x;
}

// ---- the handle -----------------------------------------------------------------------------------------------------

// Every weight of s as param_dtype (half bits for F16), kept alive next to the pointer structs.
struct Weights {
  std::vector<std::vector<float>> f32;
  std::vector<std::vector<uint16_t>> f16;
  std::vector<swb_swin_block_weights> blocks;

  Weights(const Stage& s, swb_dtype param_dtype) {
    for (const Block& b : s.blocks) {
      swb_swin_block_weights w{};
      w.shift_size = b.shift;
      w.attn_bias = b.attn_bias.data();
      const std::vector<float>* src[] = {&b.norm1_weight, &b.norm1_bias,   &b.qkv_weight, &b.qkv_bias,
                                         &b.proj_weight,  &b.proj_bias,    &b.norm2_weight, &b.norm2_bias,
                                         &b.fc1_weight,   &b.fc1_bias,     &b.fc2_weight, &b.fc2_bias};
      const void** dst[] = {&w.norm1_weight, &w.norm1_bias,   &w.qkv_weight, &w.qkv_bias,
                            &w.proj_weight,  &w.proj_bias,    &w.norm2_weight, &w.norm2_bias,
                            &w.fc1_weight,   &w.fc1_bias,     &w.fc2_weight, &w.fc2_bias};
      for (size_t i = 0; i < 12; ++i) {
        if (param_dtype == SWB_F32) {
          f32.push_back(*src[i]);
          *dst[i] = f32.back().data();
        } else {
          f16.push_back(test::ToHalf(*src[i]));
          *dst[i] = f16.back().data();
        }
      }
      blocks.push_back(w);
    }
  }
};

swb_swin_block_desc Desc(const Stage& s, swb_dtype dtype, swb_dtype param_dtype) {
  swb_swin_block_desc d{};
  d.channels = s.C;
  d.heads = s.heads;
  d.hidden = s.hidden;
  d.window_size = s.ws;
  d.depth = static_cast<int64_t>(s.blocks.size());
  d.epsilon = 1e-5f;
  d.scale = 1.0f / std::sqrt(static_cast<float>(s.C / s.heads));
  d.dtype = dtype;
  d.param_dtype = param_dtype;
  return d;
}

// The stage with every weight rounded to binary16 (what an F16 parameter copy holds), attn_bias untouched.
Stage Rounded(Stage s) {
  for (Block& b : s.blocks)
    for (auto* v : {&b.norm1_weight, &b.norm1_bias, &b.qkv_weight, &b.qkv_bias, &b.proj_weight, &b.proj_bias,
                    &b.norm2_weight, &b.norm2_bias, &b.fc1_weight, &b.fc1_bias, &b.fc2_weight, &b.fc2_bias})
      for (float& f : *v) f = test::RefFloat(test::RefHalf(f));
  return s;
}

double MaxAbs(const Map& v) {
  double m = 0;
  for (double e : v) m = std::max(m, std::fabs(e));
  return m;
}

template <typename T>
double MaxDiff(const std::vector<T>& got, const Map& ref) {
  double m = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double g = std::is_same<T, uint16_t>::value ? test::RefFloat(static_cast<uint16_t>(got[i]))
                                                      : static_cast<double>(got[i]);
    m = std::max(m, std::fabs(g - ref[i]));
  }
  return m;
}

// The SNR of what the blocks add to x (got - x against ref - x), so that the residual input does not dominate it.
double SnrDb(const std::vector<uint16_t>& got, const Map& ref, const std::vector<float>& x) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double e = test::RefFloat(got[i]) - ref[i], delta = ref[i] - x[i];
    signal += delta * delta;
    noise += e * e;
  }
  return 10.0 * std::log10(signal / std::max(noise, 1e-300));
}

bool OneLine(const char* msg) { return msg[0] != '\0' && std::strchr(msg, '\n') == nullptr; }

struct Case {
  int64_t ws, C, H, W;
};

void CheckCase(test::Checker& check, const Case& c, uint32_t seed) {
  const int64_t B = 2, heads = 6;
  const Stage stage = MakeStage(c.C, heads, c.ws, 2, seed);
  const auto x = test::Random(static_cast<size_t>(B * c.H * c.W * c.C), seed + 100, -1.0f, 1.0f);
  const Map ref = Reference(stage, B, c.H, c.W, Map(x.begin(), x.end()));
  const double tolerance = 1e-4 * MaxAbs(ref);
  char msg[256];

  // FP32
  const Weights w32(stage, SWB_F32);
  const swb_swin_block_desc d32 = Desc(stage, SWB_F32, SWB_F32);
  swb_swin_block* h = nullptr;
  check.Status(swb_swin_block_create_cpu(&d32, w32.blocks.data(), &h, msg, sizeof msg), SWB_OK, msg, "create f32");
  if (h == nullptr) return;
  std::vector<float> y(x.size(), 7.0f);
  check.Status(swb_swin_block_run(h, B, c.H, c.W, x.data(), y.data(), nullptr, msg, sizeof msg), SWB_OK, msg, "run");
  const double worst = MaxDiff(y, ref);
  check.Expect(worst <= tolerance, "f32 ws %ld C %ld %ldx%ld: max |d| %g > %g", (long)c.ws, (long)c.C, (long)c.H,
               (long)c.W, worst, tolerance);

  // the same shape again, and in place (y == x), give the same bits
  std::vector<float> again(x.size(), -3.0f), inplace = x;
  swb_swin_block_run(h, B, c.H, c.W, x.data(), again.data(), nullptr, msg, sizeof msg);
  check.Status(swb_swin_block_run(h, B, c.H, c.W, inplace.data(), inplace.data(), nullptr, msg, sizeof msg), SWB_OK,
               msg, "run in place");
  check.Expect(again == y, "f32 ws %ld C %ld: a second run differs", (long)c.ws, (long)c.C);
  check.Expect(inplace == y, "f32 ws %ld C %ld: the in-place run differs", (long)c.ws, (long)c.C);
  swb_swin_block_destroy(h);

  // FP16 activations (weights given as f32, rounded by the handle) against the reference by SNR
  const swb_swin_block_desc d16 = Desc(stage, SWB_F16, SWB_F32);
  check.Status(swb_swin_block_create_cpu(&d16, w32.blocks.data(), &h, msg, sizeof msg), SWB_OK, msg, "create f16");
  if (h == nullptr) return;
  const auto xh = test::ToHalf(x);
  std::vector<uint16_t> yh(x.size(), 0);
  check.Status(swb_swin_block_run(h, B, c.H, c.W, xh.data(), yh.data(), nullptr, msg, sizeof msg), SWB_OK, msg,
               "run f16");
  const double snr = SnrDb(yh, ref, x);
  check.Expect(snr >= 40.0, "f16 ws %ld C %ld: SNR %.1f dB < 40 dB", (long)c.ws, (long)c.C, snr);
  swb_swin_block_destroy(h);
  std::printf("swin_block ws %ld C %ld %ldx%ld: f32 max |d| %.3g (scale %.3g), f16 SNR %.1f dB\n", (long)c.ws,
              (long)c.C, (long)c.H, (long)c.W, worst, MaxAbs(ref), snr);
}

// FP16 parameters in an FP32 run: the handle uses the binary16 values, so it matches the reference of rounded weights.
void CheckHalfParams(test::Checker& check) {
  const int64_t B = 2, H = 16, W = 24;
  const Stage stage = MakeStage(60, 6, 8, 2, 900);
  const auto x = test::Random(static_cast<size_t>(B * H * W * 60), 901, -1.0f, 1.0f);
  const Map ref = Reference(Rounded(stage), B, H, W, Map(x.begin(), x.end()));
  const Weights w16(stage, SWB_F16);
  const swb_swin_block_desc d = Desc(stage, SWB_F32, SWB_F16);
  char msg[256];
  swb_swin_block* h = nullptr;
  check.Status(swb_swin_block_create_cpu(&d, w16.blocks.data(), &h, msg, sizeof msg), SWB_OK, msg, "create f16 params");
  if (h == nullptr) return;
  std::vector<float> y(x.size());
  check.Status(swb_swin_block_run(h, B, H, W, x.data(), y.data(), nullptr, msg, sizeof msg), SWB_OK, msg, "run");
  const double worst = MaxDiff(y, ref);
  check.Expect(worst <= 1e-4 * MaxAbs(ref), "f16 params in f32: max |d| %g", worst);
  swb_swin_block_destroy(h);
}

// Stats after create, runs and trim; the shape cache keeps the four most recently used shapes.
void CheckStatsAndCache(test::Checker& check) {
  const Stage stage = MakeStage(12, 2, 4, 2, 500);
  const Weights w(stage, SWB_F32);
  const swb_swin_block_desc d = Desc(stage, SWB_F32, SWB_F32);
  char msg[256];
  swb_swin_block* h = nullptr;
  check.Status(swb_swin_block_create_cpu(&d, w.blocks.data(), &h, msg, sizeof msg), SWB_OK, msg, "create");
  if (h == nullptr) return;
  swb_swin_block_stats st{};
  check.Status(swb_swin_block_stats_get(h, &st, msg, sizeof msg), SWB_OK, msg, "stats");
  // two blocks of: 4 LayerNorm vectors (C), qkv (3C x C + 3C), proj (C x C + C), fc1 (2C x C + 2C), fc2 (C x 2C + C),
  // attn_bias (heads x N x N), all float32
  const int64_t C = 12;
  const int64_t per_block = 4 * C + 3 * C * C + 3 * C + C * C + C + 2 * C * C + 2 * C + 2 * C * C + C + 2 * 16 * 16;
  check.Expect(st.on_cuda == 0 && st.shapes == 0 && st.workspace_bytes == 0 && st.graphs_captured == 0 &&
                   st.graph_replays == 0,
               "fresh handle: on_cuda %d shapes %d workspace %ld graphs %ld/%ld", st.on_cuda, st.shapes,
               (long)st.workspace_bytes, (long)st.graphs_captured, (long)st.graph_replays);
  check.Expect(st.weight_bytes == 2 * per_block * 4, "weight_bytes %ld, expected %ld", (long)st.weight_bytes,
               (long)(2 * per_block * 4));
  const int64_t weight_bytes = st.weight_bytes;

  // five shapes of distinct sizes (B, H, W); the workspace of each alone: two (tokens, C) / (tokens, 3C) buffers and
  // one (nW, N, N) float32 mask for the shift of the second block
  const int64_t shapes[5][3] = {{1, 4, 8}, {1, 8, 8}, {2, 4, 4}, {1, 12, 4}, {3, 8, 4}};
  int64_t alone[5];
  for (int i = 0; i < 5; ++i) {
    const int64_t b = shapes[i][0], hh = shapes[i][1], ww = shapes[i][2];
    std::vector<float> x(static_cast<size_t>(b * hh * ww * C), 0.5f), y(x.size());
    swb_swin_block_trim(h, msg, sizeof msg);
    check.Status(swb_swin_block_run(h, b, hh, ww, x.data(), y.data(), nullptr, msg, sizeof msg), SWB_OK, msg, "run");
    swb_swin_block_stats_get(h, &st, msg, sizeof msg);
    const int64_t tokens = b * hh * ww, nW = (hh / 4) * (ww / 4);
    alone[i] = st.workspace_bytes;
    check.Expect(st.shapes == 1 && alone[i] == (tokens * C + tokens * 3 * C) * 4 + nW * 16 * 16 * 4,
                 "shape %d alone: shapes %d workspace %ld", i, st.shapes, (long)alone[i]);
  }
  check.Status(swb_swin_block_trim(h, msg, sizeof msg), SWB_OK, msg, "trim");
  swb_swin_block_stats_get(h, &st, msg, sizeof msg);
  check.Expect(st.shapes == 0 && st.workspace_bytes == 0 && st.weight_bytes == weight_bytes,
               "after trim: shapes %d workspace %ld weights %ld", st.shapes, (long)st.workspace_bytes,
               (long)st.weight_bytes);

  // run 0 1 2 3, touch 0, run 4: shape 1 (least recently used) is evicted
  auto run = [&](int i) {
    const int64_t b = shapes[i][0], hh = shapes[i][1], ww = shapes[i][2];
    std::vector<float> x(static_cast<size_t>(b * hh * ww * C), 0.25f), y(x.size());
    return swb_swin_block_run(h, b, hh, ww, x.data(), y.data(), nullptr, msg, sizeof msg);
  };
  for (int i : {0, 1, 2, 3, 0, 4}) check.Status(run(i), SWB_OK, msg, "cache run");
  swb_swin_block_stats_get(h, &st, msg, sizeof msg);
  const int64_t expected = alone[0] + alone[2] + alone[3] + alone[4];
  check.Expect(st.shapes == SWB_SWIN_BLOCK_MAX_SHAPES && st.workspace_bytes == expected,
               "after 5 shapes: shapes %d workspace %ld, expected 4 and %ld (shape 1 evicted)", st.shapes,
               (long)st.workspace_bytes, (long)expected);
  // after a trim the handle still runs, with one shape again
  swb_swin_block_trim(h, msg, sizeof msg);
  check.Status(run(2), SWB_OK, msg, "run after trim");
  swb_swin_block_stats_get(h, &st, msg, sizeof msg);
  check.Expect(st.shapes == 1 && st.workspace_bytes == alone[2], "run after trim: shapes %d workspace %ld", st.shapes,
               (long)st.workspace_bytes);
  swb_swin_block_destroy(h);
}

// Every bad input is refused with a one-line message naming the problem.
void CheckErrors(test::Checker& check) {
  const Stage stage = MakeStage(12, 2, 4, 2, 700);
  Weights w(stage, SWB_F32);
  const swb_swin_block_desc good = Desc(stage, SWB_F32, SWB_F32);
  char msg[256];
  swb_swin_block* h = nullptr;
  auto refused = [&](int status, const char* what, const char* needle) {
    check.Expect(status == SWB_ERR_ARGUMENT, "%s: status %d", what, status);
    check.Expect(OneLine(msg) && std::string(msg).find(needle) != std::string::npos, "%s: message '%s' lacks '%s'",
                 what, msg, needle);
  };
  refused(swb_swin_block_create_cpu(nullptr, w.blocks.data(), &h, msg, sizeof msg), "null desc", "description is null");
  refused(swb_swin_block_create_cpu(&good, nullptr, &h, msg, sizeof msg), "null weights", "weights array is null");
  refused(swb_swin_block_create_cpu(&good, w.blocks.data(), nullptr, msg, sizeof msg), "null out", "out");
  swb_swin_block_desc d = good;
  d.channels = 13;
  refused(swb_swin_block_create_cpu(&d, w.blocks.data(), &h, msg, sizeof msg), "C 13 heads 2", "multiple of heads");
  d = good;
  d.hidden = 0;
  refused(swb_swin_block_create_cpu(&d, w.blocks.data(), &h, msg, sizeof msg), "hidden 0", "hidden 0");
  d = good;
  d.dtype = static_cast<swb_dtype>(5);
  refused(swb_swin_block_create_cpu(&d, w.blocks.data(), &h, msg, sizeof msg), "dtype 5", "dtype 5");
  d = good;
  d.epsilon = 0.0f;
  refused(swb_swin_block_create_cpu(&d, w.blocks.data(), &h, msg, sizeof msg), "epsilon 0", "epsilon");
  d = good;
  d.flags = SWB_SWIN_BLOCK_CUDA_GRAPH;
  refused(swb_swin_block_create_cpu(&d, w.blocks.data(), &h, msg, sizeof msg), "cuda_graph on the cpu", "cuda_graph");
  refused(swb_swin_block_desc_check(&d, 0, msg, sizeof msg), "desc_check cuda_graph on the cpu", "cuda_graph");
  check.Status(swb_swin_block_desc_check(&d, 1, msg, sizeof msg), SWB_OK, msg, "desc_check cuda_graph on cuda");
  d.flags = 8;
  refused(swb_swin_block_create_cpu(&d, w.blocks.data(), &h, msg, sizeof msg), "unknown flag", "unknown flags");
  w.blocks[1].fc1_bias = nullptr;
  refused(swb_swin_block_create_cpu(&good, w.blocks.data(), &h, msg, sizeof msg), "null fc1_bias", "block 1 fc1_bias");
  w.blocks[1].fc1_bias = w.blocks[0].fc1_bias;
  w.blocks[1].shift_size = 4;
  refused(swb_swin_block_create_cpu(&good, w.blocks.data(), &h, msg, sizeof msg), "shift 4 of window 4", "shift 4");
  w.blocks[1].shift_size = 2;

  check.Status(swb_swin_block_create_cpu(&good, w.blocks.data(), &h, msg, sizeof msg), SWB_OK, msg, "create");
  if (h == nullptr) return;
  std::vector<float> x(static_cast<size_t>(2 * 8 * 8 * 12), 1.0f), y(x.size());
  refused(swb_swin_block_run(h, 2, 6, 8, x.data(), y.data(), nullptr, msg, sizeof msg), "H 6 with window 4",
          "multiples of window_size 4");
  refused(swb_swin_block_run(h, 0, 8, 8, x.data(), y.data(), nullptr, msg, sizeof msg), "batch 0", "positive sizes");
  refused(swb_swin_block_run(h, 2, 8, 8, nullptr, y.data(), nullptr, msg, sizeof msg), "null x", "x or y is null");
  refused(swb_swin_block_run(h, 2, 8, 8, x.data(), nullptr, nullptr, msg, sizeof msg), "null y", "x or y is null");
  refused(swb_swin_block_run(nullptr, 2, 8, 8, x.data(), y.data(), nullptr, msg, sizeof msg), "null handle",
          "handle is null");
  // 4 x 32768 x 32768 tokens is 2^32: refused before any memory is touched
  refused(swb_swin_block_run(h, 4, 32768, 32768, x.data(), y.data(), nullptr, msg, sizeof msg), "2^32 tokens",
          "exceeds 2^31");
  refused(swb_swin_block_trim(nullptr, msg, sizeof msg), "trim null", "handle is null");
  swb_swin_block_stats st{};
  refused(swb_swin_block_stats_get(h, nullptr, msg, sizeof msg), "stats null", "is null");
  refused(swb_swin_block_stats_get(nullptr, &st, msg, sizeof msg), "stats of null", "is null");
  // a refused run leaves no shape behind
  swb_swin_block_stats_get(h, &st, msg, sizeof msg);
  check.Expect(st.shapes == 0, "refused runs made %d shapes", st.shapes);
  // no message buffer is fine
  check.Expect(swb_swin_block_run(h, 2, 6, 8, x.data(), y.data(), nullptr, nullptr, 0) == SWB_ERR_ARGUMENT,
               "refused without a message buffer");
  swb_swin_block_destroy(h);
  swb_swin_block_destroy(nullptr);
}

}  // namespace

int main() {
  test::Checker check("swin_block");
  const Case cases[] = {
      {8, 60, 16, 24},    // 2 x 3 windows
      {8, 180, 24, 16},   // 3 x 2
      {8, 240, 16, 24},   // 2 x 3
      {12, 60, 24, 36},   // 2 x 3
      {12, 180, 12, 24},  // 1 x 2
      {12, 240, 24, 12},  // 2 x 1
  };
  uint32_t seed = 11;
  for (const Case& c : cases) CheckCase(check, c, seed += 50);
  CheckHalfParams(check);
  CheckStatsAndCache(check);
  CheckErrors(check);
  return check.Done();
}
