// The CUDA Swin block chain (swb_swin_block_create_cuda) against a host reference of the block math written here
// (float data, double accumulation, exact-erf GELU), and against the CPU handle where that one is built:
//  - FP32: max|d| <= 1e-4 of the reference's largest magnitude; FP16: SNR >= 60 dB against the FP32 reference;
//  - C 60 / 180 / 36 (hidden not a multiple of 8) / 100 / 45 / 528 / 24 / 256, head dims 6 to 66 (odd ones too),
//    window 7, 8 and 12, shifted and unshifted blocks, depth 1..6, batch 1 and 2, non-square maps;
//  - each kernel variant set (SWB_SWIN_BLOCK_ROWS / SWB_SWIN_BLOCK_ATTN: v2 / v2, the defaults; v1 / v1; v1 rows with
//    v2 attention, whose output must equal v1 / v1's bits) against the reference;
//  - the CUDA graph gives the direct run's bits, on the first (capturing) run and on replays; FP32 weights in an FP16
//    chain give the FP16 weights' bits (the same values); y == x in place; x and y aligned to one element only give
//    the same bits (the dense input rows' and the output copy's narrow paths);
//  - shapes: LRU eviction after SWB_SWIN_BLOCK_MAX_SHAPES, trim, the stats; error paths (a bad variant value too);
//  - the chain's attention kernels (swin_attention.cuh, swin_attention_v2.cuh, through swin_launch.cuh) against the
//    public tensor-core window attention with a window_mask tensor: the same products and softmax, so equal within
//    an FP16 rounding (bit-equal expected), and v2 bit-equal to v1;
//  - the rows kernels' multiply-high division (swin_fastdiv.h) against integer division, on the host.
// Weights and inputs are FP16-representable, so every dtype combination computes the same mathematical function.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "half.h"
#include "swin_launch.cuh"  // the chain's kernels and their launches (header-only), compiled into this test too
#include "swinbench_plugins.h"
#include "cuda_check.h"

namespace {

float RoundHalf(float f) { return swb::HalfToFloat(swb::FloatToHalf(f)); }

std::vector<float> Uniform(size_t n, std::mt19937& rng, float lo, float hi) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = RoundHalf(d(rng));
  return v;
}

// ---- configuration and weights ----------------------------------------------------------------------------------

struct Config {
  const char* name;
  int64_t C, heads, hidden, ws;
  std::vector<int64_t> shifts;  // one per block
  int64_t B, H, W;
};

struct HostBlock {
  int64_t shift;
  std::vector<float> n1w, n1b, qkvw, qkvb, attn_bias, projw, projb, n2w, n2b, fc1w, fc1b, fc2w, fc2b;
};

// Weights with unit-gain linear layers (uniform, variance 1 / fan_in) and nonzero biases, so every branch matters.
std::vector<HostBlock> MakeWeights(const Config& c, uint32_t seed) {
  std::mt19937 rng(seed);
  const int64_t C = c.C, Hd = c.hidden, N = c.ws * c.ws;
  const float ac = std::sqrt(3.f / static_cast<float>(C)), ah = std::sqrt(3.f / static_cast<float>(Hd));
  std::vector<HostBlock> blocks;
  for (int64_t s : c.shifts) {
    HostBlock b;
    b.shift = s;
    b.n1w = Uniform(C, rng, 0.5f, 1.5f);
    b.n1b = Uniform(C, rng, -0.5f, 0.5f);
    b.qkvw = Uniform(3 * C * C, rng, -ac, ac);
    b.qkvb = Uniform(3 * C, rng, -0.5f, 0.5f);
    b.attn_bias = Uniform(c.heads * N * N, rng, -1.f, 1.f);
    b.projw = Uniform(C * C, rng, -ac, ac);
    b.projb = Uniform(C, rng, -0.5f, 0.5f);
    b.n2w = Uniform(C, rng, 0.5f, 1.5f);
    b.n2b = Uniform(C, rng, -0.5f, 0.5f);
    b.fc1w = Uniform(Hd * C, rng, -ac, ac);
    b.fc1b = Uniform(Hd, rng, -0.5f, 0.5f);
    b.fc2w = Uniform(C * Hd, rng, -ah, ah);
    b.fc2b = Uniform(C, rng, -0.5f, 0.5f);
    blocks.push_back(std::move(b));
  }
  return blocks;
}

// A device buffer freed with its owner.
struct DeviceBuffer {
  void* p = nullptr;
  size_t n = 0;
  explicit DeviceBuffer(size_t bytes) : n(bytes) {
    CUDA_OK(cudaMalloc(&p, n));
    CUDA_OK(cudaMemset(p, 0xff, n));  // NaN poison
  }
  ~DeviceBuffer() { cudaFree(p); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

size_t Es(swb_dtype t) { return t == SWB_F32 ? 4 : 2; }

std::unique_ptr<DeviceBuffer> Upload(const std::vector<float>& v, swb_dtype t) {
  auto d = std::make_unique<DeviceBuffer>(v.size() * Es(t));
  if (t == SWB_F32) {
    CUDA_OK(cudaMemcpy(d->p, v.data(), d->n, cudaMemcpyHostToDevice));
  } else {
    std::vector<uint16_t> h(v.size());
    for (size_t i = 0; i < v.size(); ++i) h[i] = swb::FloatToHalf(v[i]);
    CUDA_OK(cudaMemcpy(d->p, h.data(), d->n, cudaMemcpyHostToDevice));
  }
  return d;
}

std::vector<float> Download(const void* p, size_t count, swb_dtype t) {
  std::vector<float> v(count);
  if (t == SWB_F32) {
    CUDA_OK(cudaMemcpy(v.data(), p, count * 4, cudaMemcpyDeviceToHost));
  } else {
    std::vector<uint16_t> h(count);
    CUDA_OK(cudaMemcpy(h.data(), p, count * 2, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < count; ++i) v[i] = swb::HalfToFloat(h[i]);
  }
  return v;
}

// One set of weights on the device in a param dtype, and the swb_swin_block_weights array pointing at it.
struct DeviceWeights {
  std::vector<std::unique_ptr<DeviceBuffer>> buffers;
  std::vector<swb_swin_block_weights> blocks;
  DeviceWeights(const std::vector<HostBlock>& host, swb_dtype param) {
    for (const HostBlock& b : host) {
      auto up = [&](const std::vector<float>& v, swb_dtype t) {
        buffers.push_back(Upload(v, t));
        return buffers.back()->p;
      };
      swb_swin_block_weights w{};
      w.shift_size = b.shift;
      w.norm1_weight = up(b.n1w, param);
      w.norm1_bias = up(b.n1b, param);
      w.qkv_weight = up(b.qkvw, param);
      w.qkv_bias = up(b.qkvb, param);
      w.attn_bias = static_cast<const float*>(up(b.attn_bias, SWB_F32));
      w.proj_weight = up(b.projw, param);
      w.proj_bias = up(b.projb, param);
      w.norm2_weight = up(b.n2w, param);
      w.norm2_bias = up(b.n2b, param);
      w.fc1_weight = up(b.fc1w, param);
      w.fc1_bias = up(b.fc1b, param);
      w.fc2_weight = up(b.fc2w, param);
      w.fc2_bias = up(b.fc2b, param);
      blocks.push_back(w);
    }
  }
};

swb_swin_block_desc Desc(const Config& c, swb_dtype dtype, swb_dtype param, int32_t flags) {
  swb_swin_block_desc d{};
  d.channels = c.C;
  d.heads = c.heads;
  d.hidden = c.hidden;
  d.window_size = c.ws;
  d.depth = static_cast<int64_t>(c.shifts.size());
  d.epsilon = 1e-5f;
  d.scale = 1.f / std::sqrt(static_cast<float>(c.C / c.heads));
  d.dtype = dtype;
  d.param_dtype = param;
  d.flags = flags;
  return d;
}

// ---- host reference -----------------------------------------------------------------------------------------------

void LayerNorm(const std::vector<float>& x, int64_t T, int64_t C, const std::vector<float>& w,
               const std::vector<float>& b, std::vector<float>& y) {
  y.resize(T * C);
  for (int64_t t = 0; t < T; ++t) {
    const float* r = &x[t * C];
    double mean = 0;
    for (int64_t c = 0; c < C; ++c) mean += r[c];
    mean /= static_cast<double>(C);
    double var = 0;
    for (int64_t c = 0; c < C; ++c) var += (r[c] - mean) * (r[c] - mean);
    var /= static_cast<double>(C);
    const double inv = 1.0 / std::sqrt(var + 1e-5);
    for (int64_t c = 0; c < C; ++c) y[t * C + c] = static_cast<float>((r[c] - mean) * inv * w[c] + b[c]);
  }
}

// y (T, out) = x (T, in) W^T + b, W (out, in)
void Linear(const std::vector<float>& x, int64_t T, int64_t in, const std::vector<float>& W,
            const std::vector<float>& b, int64_t out, std::vector<float>& y) {
  y.resize(T * out);
  for (int64_t t = 0; t < T; ++t) {
    const float* r = &x[t * in];
    for (int64_t o = 0; o < out; ++o) {
      const float* wr = &W[o * in];
      double acc = b[o];
      for (int64_t i = 0; i < in; ++i) acc += static_cast<double>(r[i]) * wr[i];
      y[t * out + o] = static_cast<float>(acc);
    }
  }
}

int Region(int64_t p, int64_t n, int64_t ws, int64_t shift) { return p < n - ws ? 0 : (p < n - shift ? 1 : 2); }

// One block in place on x (B, H*W, C).
void ReferenceBlock(const Config& c, const HostBlock& w, std::vector<float>& x) {
  const int64_t C = c.C, B = c.B, H = c.H, W = c.W, ws = c.ws, N = ws * ws, s = w.shift, heads = c.heads;
  const int64_t d = C / heads, T = B * H * W, per_row = W / ws, nW = (H / ws) * per_row;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  std::vector<float> ln;
  LayerNorm(x, T, C, w.n1w, w.n1b, ln);
  // window row r <- pixel pix[r]; region ids of the shifted grid for the mask
  std::vector<int64_t> pix(T);
  std::vector<int> region(T);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t wi = 0; wi < nW; ++wi)
      for (int64_t t = 0; t < N; ++t) {
        const int64_t y = (wi / per_row) * ws + t / ws, xx = (wi % per_row) * ws + t % ws;
        const int64_t r = (b * nW + wi) * N + t;
        pix[r] = (b * H + (y + s) % H) * W + (xx + s) % W;
        region[r] = 3 * Region(y, H, ws, s) + Region(xx, W, ws, s);
      }
  std::vector<float> win(T * C), qkv, attn(T * C), proj;
  for (int64_t r = 0; r < T; ++r) std::memcpy(&win[r * C], &ln[pix[r] * C], C * sizeof(float));
  Linear(win, T, C, w.qkvw, w.qkvb, 3 * C, qkv);
  std::vector<double> p(N);
  for (int64_t bw = 0; bw < B * nW; ++bw)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < N; ++i) {
        const float* q = &qkv[(bw * N + i) * 3 * C + h * d];
        double mx = -1e300;
        for (int64_t j = 0; j < N; ++j) {
          const float* k = &qkv[(bw * N + j) * 3 * C + C + h * d];
          double acc = 0;
          for (int64_t e = 0; e < d; ++e) acc += static_cast<double>(q[e]) * k[e];
          acc = acc * scale + w.attn_bias[(h * N + i) * N + j];
          if (s > 0 && region[bw * N + i] != region[bw * N + j]) acc += -100.0;
          p[j] = acc;
          mx = std::max(mx, acc);
        }
        double sum = 0;
        for (int64_t j = 0; j < N; ++j) sum += (p[j] = std::exp(p[j] - mx));
        for (int64_t e = 0; e < d; ++e) {
          double acc = 0;
          for (int64_t j = 0; j < N; ++j) acc += p[j] * qkv[(bw * N + j) * 3 * C + 2 * C + h * d + e];
          attn[(bw * N + i) * C + h * d + e] = static_cast<float>(acc / sum);
        }
      }
  Linear(attn, T, C, w.projw, w.projb, C, proj);
  for (int64_t r = 0; r < T; ++r)
    for (int64_t ch = 0; ch < C; ++ch) x[pix[r] * C + ch] += proj[r * C + ch];
  std::vector<float> ln2, hid, mlp;
  LayerNorm(x, T, C, w.n2w, w.n2b, ln2);
  Linear(ln2, T, C, w.fc1w, w.fc1b, c.hidden, hid);
  for (float& v : hid) v = static_cast<float>(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
  Linear(hid, T, c.hidden, w.fc2w, w.fc2b, C, mlp);
  for (int64_t i = 0; i < T * C; ++i) x[i] += mlp[i];
}

std::vector<float> Reference(const Config& c, const std::vector<HostBlock>& blocks, std::vector<float> x) {
  for (const HostBlock& b : blocks) ReferenceBlock(c, b, x);
  return x;
}

// ---- comparisons ------------------------------------------------------------------------------------------------

double MaxAbs(const std::vector<float>& v) {
  double m = 0;
  for (float f : v) m = std::max(m, static_cast<double>(std::fabs(f)));
  return m;
}

double MaxDiff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]);
    m = std::isnan(d) ? INFINITY : std::max(m, d);
  }
  return m;
}

// 10 log10(sum ref^2 / sum (out - ref)^2); NaN anywhere gives -inf.
double SnrDb(const std::vector<float>& out, const std::vector<float>& ref) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double e = static_cast<double>(out[i]) - ref[i];
    if (std::isnan(e)) return -INFINITY;
    signal += static_cast<double>(ref[i]) * ref[i];
    noise += e * e;
  }
  return noise == 0 ? INFINITY : 10 * std::log10(signal / noise);
}

bool Same(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// ---- runs -------------------------------------------------------------------------------------------------------

struct Handle {
  swb_swin_block* h = nullptr;
  ~Handle() { swb_swin_block_destroy(h); }
};

bool Create(const Config& c, const DeviceWeights& w, swb_dtype dtype, swb_dtype param, int32_t flags, Handle& out) {
  const swb_swin_block_desc d = Desc(c, dtype, param, flags);
  const int rc = swb_swin_block_create_cuda(&d, w.blocks.data(), nullptr, &out.h, g_msg, sizeof g_msg);
  Check(rc == SWB_OK && out.h != nullptr, std::string(c.name) + ": create_cuda: " + g_msg);
  return rc == SWB_OK;
}

// Runs h on x (uploaded in dtype) into a fresh output (or in place) on stream; returns y as floats.
std::vector<float> RunOnce(swb_swin_block* h, const Config& c, swb_dtype dtype, const std::vector<float>& x,
                           bool in_place, cudaStream_t stream, const char* what) {
  auto dx = Upload(x, dtype);
  std::unique_ptr<DeviceBuffer> dy;
  void* y = dx->p;
  if (!in_place) {
    dy = std::make_unique<DeviceBuffer>(dx->n);
    y = dy->p;
  }
  CUDA_OK(cudaDeviceSynchronize());  // the uploads and poison fills ran on the legacy stream
  const int rc = swb_swin_block_run(h, c.B, c.H, c.W, dx->p, y, stream, g_msg, sizeof g_msg);
  Check(rc == SWB_OK, std::string(c.name) + " " + what + ": run: " + g_msg);
  CUDA_OK(cudaStreamSynchronize(stream));
  return Download(y, x.size(), dtype);
}

// Runs h with x and y one element past an allocation's start (aligned to their elements only: the narrowest copies of
// the dense rows), out of place; returns y as floats.
std::vector<float> RunShifted(swb_swin_block* h, const Config& c, swb_dtype dtype, const std::vector<float>& x,
                              const char* what) {
  std::vector<float> padded(x.size() + 1, 0.f);
  std::copy(x.begin(), x.end(), padded.begin() + 1);
  auto dx = Upload(padded, dtype);
  DeviceBuffer dy(dx->n);
  CUDA_OK(cudaDeviceSynchronize());
  const size_t es = Es(dtype);
  const int rc = swb_swin_block_run(h, c.B, c.H, c.W, static_cast<char*>(dx->p) + es, static_cast<char*>(dy.p) + es,
                                    nullptr, g_msg, sizeof g_msg);
  Check(rc == SWB_OK, std::string(c.name) + " " + what + ": run: " + g_msg);
  CUDA_OK(cudaDeviceSynchronize());
  std::vector<float> y = Download(dy.p, x.size() + 1, dtype);
  return std::vector<float>(y.begin() + 1, y.end());
}

swb_swin_block_stats StatsOf(const swb_swin_block* h) {
  swb_swin_block_stats s{};
  Check(swb_swin_block_stats_get(h, &s, g_msg, sizeof g_msg) == SWB_OK, std::string("stats: ") + g_msg);
  return s;
}

// The kernel variants of the handles created next (SWB_SWIN_BLOCK_ROWS / SWB_SWIN_BLOCK_ATTN, read at create).
struct Variants {
  const char* rows;
  const char* attn;
};
// The defaults (v2, every check), the first kernels (v1), and v1 rows with v2 attention (bit-equal to v1).
constexpr Variants kVariantSets[] = {{"v2", "v2"}, {"v1", "v1"}, {"v1", "v2"}};

void UseVariants(const Variants* v) {  // null: unset (the defaults)
  v != nullptr ? setenv("SWB_SWIN_BLOCK_ROWS", v->rows, 1) : unsetenv("SWB_SWIN_BLOCK_ROWS");
  v != nullptr ? setenv("SWB_SWIN_BLOCK_ATTN", v->attn, 1) : unsetenv("SWB_SWIN_BLOCK_ATTN");
}

// One variant set on one configuration: FP32 within 1e-4 of the reference's scale, FP16 SNR >= 60 dB, and x and y one
// element off their allocations give the same bits; with `defaults` also the CPU handle within 1e-4 and the FP16
// CUDA graph's bits, and with `full` in place, FP32 weights in an FP16 chain and the FP32 graph. fp32: run the FP32
// chain. Returns the FP16 output.
std::vector<float> TestVariants(const Config& c, const std::string& tag, const std::vector<HostBlock>& blocks,
                                const DeviceWeights& w32, const DeviceWeights& w16, const std::vector<float>& x,
                                const std::vector<float>& ref, bool defaults, bool full, bool fp32) {
  const double scale = MaxAbs(ref);
  std::vector<float> y32;
  if (fp32) {
    Handle h;
    if (!Create(c, w32, SWB_F32, SWB_F32, 0, h)) return {};
    y32 = RunOnce(h.h, c, SWB_F32, x, false, nullptr, "fp32");
    const double d = MaxDiff(y32, ref);
    std::printf("  fp32        max|d| %.3g (%.3g of max|ref|)\n", d, d / scale);
    Check(d <= 1e-4 * scale, tag + ": fp32 max|d| " + std::to_string(d) + " > 1e-4 * max|ref|");
    Check(Same(RunShifted(h.h, c, SWB_F32, x, "fp32 shifted"), y32),
          tag + ": fp32 with x, y one element off their allocations differs");
    if (full) Check(Same(RunOnce(h.h, c, SWB_F32, x, true, nullptr, "fp32 in place"), y32), tag + ": fp32 in place");
  }
  if (fp32 && full) {
    Handle h;
    if (!Create(c, w32, SWB_F32, SWB_F32, SWB_SWIN_BLOCK_CUDA_GRAPH, h)) return {};
    for (int i = 0; i < 2; ++i)
      Check(Same(RunOnce(h.h, c, SWB_F32, x, false, nullptr, "fp32 graph"), y32),
            tag + ": fp32 graph run " + std::to_string(i) + " differs from the direct run");
  }
  // CPU handle, where built: the same function within 1e-4
  if (fp32 && defaults) {
    const swb_swin_block_desc d = Desc(c, SWB_F32, SWB_F32, 0);
    std::vector<swb_swin_block_weights> host(blocks.size());
    for (size_t i = 0; i < blocks.size(); ++i) {
      const HostBlock& b = blocks[i];
      host[i] = {b.shift,       b.n1w.data(),  b.n1b.data(),  b.qkvw.data(), b.qkvb.data(),
                 b.attn_bias.data(), b.projw.data(), b.projb.data(), b.n2w.data(), b.n2b.data(),
                 b.fc1w.data(), b.fc1b.data(), b.fc2w.data(), b.fc2b.data()};
    }
    swb_swin_block* cpu = nullptr;
    if (swb_swin_block_create_cpu(&d, host.data(), &cpu, g_msg, sizeof g_msg) == SWB_OK) {
      std::vector<float> ycpu(x.size());
      const int rc = swb_swin_block_run(cpu, c.B, c.H, c.W, x.data(), ycpu.data(), nullptr, g_msg, sizeof g_msg);
      Check(rc == SWB_OK, tag + ": cpu handle run: " + g_msg);
      const double dc = MaxDiff(y32, ycpu);
      std::printf("  cpu handle  max|d| %.3g vs the fp32 CUDA chain\n", dc);
      Check(dc <= 1e-4 * scale, tag + ": CUDA vs CPU handle max|d| " + std::to_string(dc));
      swb_swin_block_destroy(cpu);
    } else {
      std::printf("  cpu handle  not compared: %s\n", g_msg);
    }
  }

  std::vector<float> y16;
  {
    Handle h;
    if (!Create(c, w16, SWB_F16, SWB_F16, 0, h)) return {};
    y16 = RunOnce(h.h, c, SWB_F16, x, false, nullptr, "fp16");
    std::vector<float> dy(x.size()), dref(x.size());
    for (size_t i = 0; i < x.size(); ++i) dy[i] = y16[i] - x[i], dref[i] = ref[i] - x[i];
    const double snr = SnrDb(y16, ref), snr_delta = SnrDb(dy, dref);
    std::printf("  fp16        SNR %.1f dB (of y - x: %.1f dB), max|d| %.3g\n", snr, snr_delta, MaxDiff(y16, ref));
    Check(snr >= 60.0, tag + ": fp16 SNR " + std::to_string(snr) + " dB < 60 dB");
    Check(Same(RunShifted(h.h, c, SWB_F16, x, "fp16 shifted"), y16),
          tag + ": fp16 with x, y one element off their allocations differs");
    if (full) Check(Same(RunOnce(h.h, c, SWB_F16, x, true, nullptr, "fp16 in place"), y16), tag + ": fp16 in place");
  }
  if (full) {
    Handle h;
    if (!Create(c, w32, SWB_F16, SWB_F32, 0, h)) return y16;
    Check(Same(RunOnce(h.h, c, SWB_F16, x, false, nullptr, "fp16 (fp32 weights)"), y16),
          tag + ": fp16 with fp32 weights differs from fp16 weights");
  }
  if (defaults) {
    Handle h;
    if (!Create(c, w16, SWB_F16, SWB_F16, SWB_SWIN_BLOCK_CUDA_GRAPH, h)) return y16;
    cudaStream_t stream;
    CUDA_OK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    for (int i = 0; i < 3; ++i)
      Check(Same(RunOnce(h.h, c, SWB_F16, x, i == 2, i == 1 ? stream : nullptr, "fp16 graph"), y16),
            tag + ": fp16 graph run " + std::to_string(i) + " differs from the direct run");
    const swb_swin_block_stats s = StatsOf(h.h);
    Check(s.on_cuda == 1 && s.shapes == 1 && s.graphs_captured == 1 && s.graph_replays == 2 && s.weight_bytes > 0 &&
              s.workspace_bytes > 0,
          tag + ": graph stats (shapes " + std::to_string(s.shapes) + ", captured " +
              std::to_string(s.graphs_captured) + ", replays " + std::to_string(s.graph_replays) + ")");
    CUDA_OK(cudaStreamDestroy(stream));
  }
  return y16;
}

// Every variant set against the reference (the defaults with the CPU handle and the FP16 graph, and every other check
// where `thorough`; the others with the accuracy checks and the shifted run); attention v2 gives v1's bits (same rows
// kernels).
void TestConfig(const Config& c, uint32_t seed, bool thorough) {
  const auto blocks = MakeWeights(c, seed);
  std::mt19937 rng(seed + 1000);
  const std::vector<float> x = Uniform(c.B * c.H * c.W * c.C, rng, -2.f, 2.f);
  const std::vector<float> ref = Reference(c, blocks, x);
  DeviceWeights w32(blocks, SWB_F32), w16(blocks, SWB_F16);
  std::printf("%s: C %lld heads %lld hidden %lld ws %lld depth %zu (B, H, W) = (%lld, %lld, %lld), max|ref| %.3g\n",
              c.name, static_cast<long long>(c.C), static_cast<long long>(c.heads), static_cast<long long>(c.hidden),
              static_cast<long long>(c.ws), c.shifts.size(), static_cast<long long>(c.B),
              static_cast<long long>(c.H), static_cast<long long>(c.W), MaxAbs(ref));
  std::vector<float> y16_v1;
  for (const Variants& v : kVariantSets) {
    UseVariants(&v);
    const std::string tag = std::string(c.name) + " [rows " + v.rows + ", attn " + v.attn + "]";
    std::printf(" rows %s, attention %s\n", v.rows, v.attn);
    const bool defaults = &v == &kVariantSets[0], attn_only = std::strcmp(v.rows, v.attn) != 0;
    const auto y16 = TestVariants(c, tag, blocks, w32, w16, x, ref, defaults, defaults && thorough, !attn_only);
    if (!attn_only && std::strcmp(v.rows, "v1") == 0) y16_v1 = y16;
    if (attn_only) Check(Same(y16, y16_v1), tag + ": fp16 with attention v2 differs from attention v1");
  }
  UseVariants(nullptr);
}

// Several shapes on one graph handle: each one's result equals a direct handle's; LRU eviction, trim and the stats.
void TestShapes() {
  const Config base{"shapes", 60, 6, 120, 8, {0, 4}, 1, 16, 16};
  const auto blocks = MakeWeights(base, 77);
  DeviceWeights w(blocks, SWB_F16);
  Handle graph, direct;
  if (!Create(base, w, SWB_F16, SWB_F16, SWB_SWIN_BLOCK_CUDA_GRAPH, graph) ||
      !Create(base, w, SWB_F16, SWB_F16, 0, direct))
    return;
  const int64_t shapes[][3] = {{1, 16, 16}, {1, 16, 24}, {2, 16, 24}, {1, 24, 16}, {1, 8, 8}, {1, 8, 8}, {1, 16, 16}};
  std::mt19937 rng(5);
  int step = 0;
  auto run = [&](const int64_t* shape) {
    Config c = base;
    c.B = shape[0], c.H = shape[1], c.W = shape[2];
    const auto x = Uniform(c.B * c.H * c.W * c.C, rng, -2.f, 2.f);
    const auto a = RunOnce(graph.h, c, SWB_F16, x, false, nullptr, "shapes graph");
    const auto b = RunOnce(direct.h, c, SWB_F16, x, false, nullptr, "shapes direct");
    Check(Same(a, b), "shapes: step " + std::to_string(step) + " graph differs from direct");
    ++step;
  };
  for (int i = 0; i < 5; ++i) run(shapes[i]);
  swb_swin_block_stats s = StatsOf(graph.h);
  Check(s.shapes == SWB_SWIN_BLOCK_MAX_SHAPES && s.graphs_captured == 5 && s.graph_replays == 0,
        "shapes: after 5 shapes: " + std::to_string(s.shapes) + " shapes, " + std::to_string(s.graphs_captured) +
            " captured");
  run(shapes[5]);  // the most recent shape: a replay
  run(shapes[6]);  // the first shape was evicted: captured again
  s = StatsOf(graph.h);
  Check(s.graph_replays == 1 && s.graphs_captured == 6 && s.shapes == SWB_SWIN_BLOCK_MAX_SHAPES,
        "shapes: replays " + std::to_string(s.graph_replays) + ", captured " + std::to_string(s.graphs_captured));
  const int64_t weights = s.weight_bytes;
  Check(swb_swin_block_trim(graph.h, g_msg, sizeof g_msg) == SWB_OK, std::string("trim: ") + g_msg);
  s = StatsOf(graph.h);
  Check(s.shapes == 0 && s.workspace_bytes == 0 && s.weight_bytes == weights && s.graphs_captured == 6,
        "trim: " + std::to_string(s.shapes) + " shapes, " + std::to_string(s.workspace_bytes) + " workspace bytes");
  run(shapes[0]);
  s = StatsOf(graph.h);
  Check(s.shapes == 1 && s.graphs_captured == 7, "after trim: captured " + std::to_string(s.graphs_captured));
  std::printf("shapes: LRU, trim and stats checked (weights %lld bytes)\n", static_cast<long long>(weights));
}

// The chain's attention kernels (bias arranged by ArrangeAttnBiasKernel, mask computed in the kernel) against
// swb_window_attention_cuda (bias (heads, N, N), mask tensor of swb_window_mask_cuda) on random FP16 qkv rows of 3Cp
// (each part's padding columns zero, as the qkv GEMM writes them), output rows of Cp; v2 against v1 bit for bit.
struct AttnCase {
  const char* name;
  int64_t C, heads, ws, shift, B, H, W;
};

void TestChainAttention() {
  const AttnCase cases[] = {
      {"classical", 180, 6, 8, 4, 1, 24, 32},  {"classical unshifted", 180, 6, 8, 0, 1, 16, 24},
      {"lightweight", 60, 6, 8, 4, 2, 16, 24}, {"window 7", 60, 6, 7, 3, 1, 21, 28},
      {"C 36", 36, 6, 8, 4, 2, 8, 24},         {"C 100 d 20", 100, 5, 8, 4, 1, 16, 16},
      {"d 64", 128, 2, 8, 4, 1, 16, 24},       {"d 48 window 4", 96, 2, 4, 2, 1, 12, 8},
  };
  int optin = 0;
  CUDA_OK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, 0));
  std::mt19937 rng(123);
  for (const AttnCase& a : cases) {
    const int64_t N = a.ws * a.ws, Cp = (a.C + 7) / 8 * 8, d = a.C / a.heads;
    const int64_t nW = (a.H / a.ws) * (a.W / a.ws), windows = a.B * nW, T = windows * N;
    const float scale = 1.f / std::sqrt(static_cast<float>(d));
    std::vector<float> qkv(T * 3 * Cp, 0.f);
    std::uniform_real_distribution<float> u(-2.f, 2.f);
    for (int64_t r = 0; r < T; ++r)
      for (int64_t p = 0; p < 3; ++p)
        for (int64_t c = 0; c < a.C; ++c) qkv[(r * 3 + p) * Cp + c] = RoundHalf(u(rng));
    const std::vector<float> bias = Uniform(a.heads * N * N, rng, -2.f, 2.f);
    auto dqkv = Upload(qkv, SWB_F16);
    auto dbias = Upload(bias, SWB_F32);
    DeviceBuffer mask(static_cast<size_t>(nW * N * N) * 4), arranged(static_cast<size_t>(a.heads) *
                                                                       swb::block::kAttnBiasPerHead * 4);
    DeviceBuffer ref(static_cast<size_t>(T * Cp) * 2), out(static_cast<size_t>(T * Cp) * 2);
    const swb_window_geometry g{1, a.H, a.W, 1, a.ws, a.shift, 0};
    if (a.shift > 0)
      Check(swb_window_mask_cuda(&g, SWB_F32, mask.p, nullptr, g_msg, sizeof g_msg) == SWB_OK,
            std::string("attention ") + a.name + ": window_mask: " + g_msg);
    const swb_qkv_geometry qg{windows, N, a.C, a.heads, Cp, Cp};
    Check(swb_window_attention_cuda(&qg, scale, SWB_F16, dqkv->p, static_cast<const float*>(dbias->p),
                                    a.shift > 0 ? static_cast<const float*>(mask.p) : nullptr, nW, ref.p, nullptr,
                                    g_msg, sizeof g_msg) == SWB_OK,
          std::string("attention ") + a.name + ": window_attention: " + g_msg);
    CUDA_OK(swb::block::LaunchArrangeAttnBias(static_cast<const float*>(dbias->p), static_cast<int>(N),
                                              static_cast<int>(a.heads), static_cast<float*>(arranged.p), nullptr));
    const auto r = Download(ref.p, static_cast<size_t>(T * Cp), SWB_F16);
    std::vector<float> o1;
    for (const swb::block::KernelVariant variant : {swb::block::kV1, swb::block::kV2}) {
      const swb::block::AttnPlan plan = swb::block::PlanChainAttention(variant, SWB_F16, N, a.C, a.heads, Cp, optin);
      const std::string what = std::string("attention ") + a.name + " v" + std::to_string(variant);
      Check(plan.variant == variant, what + ": planned variant " + std::to_string(plan.variant));
      if (plan.variant != variant) continue;
      CUDA_OK(swb::block::ConfigureChainAttention(plan));
      CUDA_OK(cudaMemset(out.p, 0xff, out.n));
      const swb::block::AttnStep step{static_cast<unsigned int>(windows), static_cast<int>(N), static_cast<int>(a.C),
                                      static_cast<int>(Cp), static_cast<int>(a.heads), static_cast<int>(a.H),
                                      static_cast<int>(a.W), static_cast<int>(a.ws), static_cast<int>(a.shift), scale};
      Check(swb::block::LaunchChainAttention(plan, step, dqkv->p, static_cast<const float*>(arranged.p), out.p,
                                             nullptr, g_msg, sizeof g_msg) == SWB_OK,
            what + ": launch: " + g_msg);
      CUDA_OK(cudaDeviceSynchronize());
      const auto o = Download(out.p, static_cast<size_t>(T * Cp), SWB_F16);
      const double diff = MaxDiff(o, r), scale_ref = std::max(1.0, MaxAbs(r));
      std::printf("%-32s C %3lld heads %lld N %2lld shift %lld (B, H, W) = (%lld, %lld, %lld): max|d| %.3g%s\n",
                  what.c_str(), static_cast<long long>(a.C), static_cast<long long>(a.heads),
                  static_cast<long long>(N), static_cast<long long>(a.shift), static_cast<long long>(a.B),
                  static_cast<long long>(a.H), static_cast<long long>(a.W), diff, Same(o, r) ? " (bit-equal)" : "");
      Check(diff <= 2e-3 * scale_ref, what + ": chain kernel vs window_attention max|d| " + std::to_string(diff));
      if (variant == swb::block::kV1) o1 = o;
      else Check(Same(o, o1), what + ": differs from v1's bits");
    }
  }
}

// The multiply-high division of the v2 kernels' index mappings against integer division: every divisor up to 4096
// with its edges and random numerators, and random divisors up to 2^31 - 1.
void TestFastDiv() {
  std::mt19937 rng(17);
  int64_t bad = 0, checked = 0;
  auto check = [&](int n, uint32_t d) {
    ++checked;
    if (swb::block::Quot(swb::block::MakeFastDiv(d), n) != static_cast<int>(static_cast<uint32_t>(n) / d)) ++bad;
  };
  for (uint32_t d = 1; d <= 4096; ++d) {
    const int di = static_cast<int>(d);
    for (int n : {0, 1, di - 1, di, di + 1, 2 * di - 1, 2 * di, INT32_MAX - 1, INT32_MAX}) check(n, d);
    for (int i = 0; i < 64; ++i) check(static_cast<int>(rng() & 0x7fffffffu), d);
  }
  for (int i = 0; i < 100000; ++i) check(static_cast<int>(rng() & 0x7fffffffu), 1 + (rng() & 0x7ffffffeu));
  std::printf("fast division: %lld quotients, %lld wrong\n", static_cast<long long>(checked),
              static_cast<long long>(bad));
  Check(bad == 0, "fast division: wrong quotients");
}

void TestErrors() {
  const Config c{"errors", 60, 6, 120, 8, {0, 4}, 1, 16, 16};
  const auto blocks = MakeWeights(c, 9);
  DeviceWeights w(blocks, SWB_F16);
  swb_swin_block_desc d = Desc(c, SWB_F16, SWB_F16, 0);
  swb_swin_block* h = reinterpret_cast<swb_swin_block*>(&d);  // must come back NULL
  Check(swb_swin_block_create_cuda(nullptr, w.blocks.data(), nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT &&
            h == nullptr,
        "errors: null description");
  Check(swb_swin_block_create_cuda(&d, nullptr, nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        "errors: null weights array");
  std::vector<swb_swin_block_weights> broken = w.blocks;
  broken[1].fc2_bias = nullptr;
  Check(swb_swin_block_create_cuda(&d, broken.data(), nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT &&
            std::strstr(g_msg, "fc2_bias") != nullptr,
        std::string("errors: null fc2_bias: ") + g_msg);
  broken = w.blocks;
  broken[0].shift_size = 8;
  Check(swb_swin_block_create_cuda(&d, broken.data(), nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        "errors: shift == window_size");
  swb_swin_block_desc bad = d;
  bad.flags = 8;
  Check(swb_swin_block_create_cuda(&bad, w.blocks.data(), nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        "errors: unknown flag");
  setenv("SWB_SWIN_BLOCK_ATTN", "v3", 1);
  Check(swb_swin_block_create_cuda(&d, w.blocks.data(), nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT &&
            h == nullptr && std::strstr(g_msg, "SWB_SWIN_BLOCK_ATTN") != nullptr,
        std::string("errors: SWB_SWIN_BLOCK_ATTN=v3: ") + g_msg);
  unsetenv("SWB_SWIN_BLOCK_ATTN");
  bad = d;
  bad.window_size = 40;  // 1600 tokens per window: more than the attention kernels take
  std::vector<swb_swin_block_weights> unshifted = w.blocks;
  for (auto& b : unshifted) b.shift_size = 0;
  Check(swb_swin_block_create_cuda(&bad, unshifted.data(), nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        std::string("errors: window 40: ") + g_msg);
  Check(swb_swin_block_create_cpu(&d, nullptr, &h, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT, "errors: cpu null weights");
  bad = d;
  bad.flags = SWB_SWIN_BLOCK_CUDA_GRAPH;
  Check(swb_swin_block_desc_check(&bad, 0, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT, "errors: graph flag on the CPU");

  Handle ok;
  if (!Create(c, w, SWB_F16, SWB_F16, 0, ok)) return;
  DeviceBuffer x(2 * 16 * 16 * 60 * 2 + 16), y(2 * 16 * 16 * 60 * 2 + 16);
  Check(swb_swin_block_run(ok.h, 1, 12, 16, x.p, y.p, nullptr, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        "errors: H not a multiple of the window");
  Check(swb_swin_block_run(ok.h, 0, 16, 16, x.p, y.p, nullptr, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        "errors: batch 0");
  Check(swb_swin_block_run(ok.h, 1, 16, 16, nullptr, y.p, nullptr, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        "errors: null x");
  Check(swb_swin_block_run(ok.h, 1, 16, 16, x.p, static_cast<char*>(y.p) + 1, nullptr, g_msg, sizeof g_msg) ==
            SWB_ERR_ARGUMENT,
        std::string("errors: misaligned y: ") + g_msg);
  Check(swb_swin_block_run(nullptr, 1, 16, 16, x.p, y.p, nullptr, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT,
        "errors: null handle");
  Check(swb_swin_block_stats_get(ok.h, nullptr, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT, "errors: null stats");
  Check(swb_swin_block_trim(nullptr, g_msg, sizeof g_msg) == SWB_ERR_ARGUMENT, "errors: trim null");
  swb_swin_block_destroy(nullptr);
  // a failed run leaves the handle usable
  Check(swb_swin_block_run(ok.h, 1, 16, 16, x.p, y.p, nullptr, g_msg, sizeof g_msg) == SWB_OK,
        std::string("errors: run after failures: ") + g_msg);
  CUDA_OK(cudaDeviceSynchronize());
  std::printf("errors: checked\n");
}

}  // namespace

int main() {
  if (NoDevice("CUDA swin_block tests")) return kSkip;
  std::printf("%s\n", swb_build_info());
  TestConfig({"lightweight", 60, 6, 120, 8, {0, 4, 0, 4}, 2, 16, 24}, 1, true);
  TestConfig({"classical", 180, 6, 360, 8, {0, 4, 0, 4, 0, 4}, 1, 24, 32}, 2, true);
  TestConfig({"window12", 60, 6, 120, 12, {0, 6}, 1, 24, 36}, 3, false);
  TestConfig({"odd", 36, 6, 100, 8, {4, 0}, 2, 8, 24}, 4, false);
  TestConfig({"depth1", 60, 6, 120, 8, {4}, 1, 16, 16}, 5, false);
  // C 100: rows of 13 (FP16) / 26 (FP32) vectors, head dim 20; batch 2, non-square
  TestConfig({"c100", 100, 5, 200, 8, {4, 0}, 2, 16, 24}, 6, false);
  // head dim 25 (odd): the public attention kernel's unpaired path
  TestConfig({"odd-head", 100, 4, 160, 8, {0, 4}, 1, 16, 16}, 7, false);
  // C 45: FP16 dense rows of 90 bytes (2-byte aligned loads and copies), head dim 15
  TestConfig({"c45", 45, 3, 90, 8, {4}, 1, 8, 16}, 8, false);
  // window 7: 49 tokens padded to 64 in the tensor-core attention, shift 3
  TestConfig({"window7", 60, 6, 120, 7, {0, 3}, 1, 21, 28}, 9, false);
  // C 528: FP16 rows of 66 vectors (4 per lane), FP32 rows of 132 (the scalar row kernels), head dim 66 (the scalar
  // attention kernel)
  TestConfig({"wide", 528, 8, 136, 8, {4, 0}, 1, 8, 16}, 10, false);
  // C 24: rows of 3 (FP16) / 6 (FP32) vectors (v2: 4 lanes, 1 and 2 vectors); C 256: 32 / 64 vectors (v2: 8 lanes x 4,
  // 16 lanes x 4), head dim 32 (v2 attention: 96 KiB of staged qkv)
  TestConfig({"c24", 24, 3, 40, 8, {0, 4}, 1, 16, 16}, 11, false);
  TestConfig({"c256", 256, 8, 512, 8, {4, 0}, 1, 8, 16}, 12, false);
  TestFastDiv();
  TestChainAttention();
  TestShapes();
  TestErrors();
  return Summary();
}
