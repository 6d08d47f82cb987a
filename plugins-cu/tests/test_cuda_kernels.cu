// Every CUDA kernel against the CPU reference of the same C ABI, on odd sizes (window counts not a power of two,
// C not a multiple of 32, batch 2), FP32 (max|d| <= 1e-5 relative to the data scale) and FP16 (within FP16 rounding),
// plus the window-mask kernel time at 384x512 (the study's size). Exit code 0 only if every check passes.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "half.h"
#include "swinbench_plugins.h"
#include "cuda_check.h"

namespace {

void Status(int status, const char* what) {
  Check(status == SWB_OK, std::string(what) + ": " + g_msg);
}

std::vector<float> Random(size_t n, uint32_t seed, float lo = -2.f, float hi = 2.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Host buffer of a dtype holding the float values (FP16 rounded).
struct Host {
  swb_dtype dtype;
  std::vector<unsigned char> bytes;
  Host(swb_dtype t, const std::vector<float>& v) : dtype(t), bytes(v.size() * (t == SWB_F32 ? 4 : 2)) {
    for (size_t i = 0; i < v.size(); ++i) Set(i, v[i]);
  }
  Host(swb_dtype t, size_t n) : dtype(t), bytes(n * (t == SWB_F32 ? 4 : 2), 0) {}
  size_t Size() const { return bytes.size() / (dtype == SWB_F32 ? 4 : 2); }
  void Set(size_t i, float f) {
    if (dtype == SWB_F32) std::memcpy(&bytes[i * 4], &f, 4);
    else {
      uint16_t h = swb::FloatToHalf(f);
      std::memcpy(&bytes[i * 2], &h, 2);
    }
  }
  float Get(size_t i) const {
    if (dtype == SWB_F32) {
      float f;
      std::memcpy(&f, &bytes[i * 4], 4);
      return f;
    }
    uint16_t h;
    std::memcpy(&h, &bytes[i * 2], 2);
    return swb::HalfToFloat(h);
  }
  void* data() { return bytes.data(); }
};

struct Device {
  void* p = nullptr;
  size_t n = 0;
  explicit Device(const Host& h) : n(h.bytes.size()) {
    CUDA_OK(cudaMalloc(&p, n));
    CUDA_OK(cudaMemcpy(p, h.bytes.data(), n, cudaMemcpyHostToDevice));
  }
  explicit Device(size_t bytes) : n(bytes) {
    CUDA_OK(cudaMalloc(&p, n));
    CUDA_OK(cudaMemset(p, 0xff, n));  // poison: NaN patterns, so unwritten outputs fail
  }
  ~Device() { cudaFree(p); }
  Host Read(swb_dtype t) const {
    Host h(t, n / (t == SWB_F32 ? 4 : 2));
    CUDA_OK(cudaMemcpy(h.bytes.data(), p, n, cudaMemcpyDeviceToHost));
    return h;
  }
};

size_t Bytes(swb_dtype t, size_t n) { return n * (t == SWB_F32 ? 4 : 2); }

// max |a - b| over all elements, NaN counts as infinite.
double MaxDiff(const Host& a, const Host& b) {
  double m = 0;
  for (size_t i = 0; i < a.Size(); ++i) {
    const double d = std::fabs(static_cast<double>(a.Get(i)) - b.Get(i));
    m = std::isnan(d) ? INFINITY : std::max(m, d);
  }
  return m;
}

void Compare(const char* op, swb_dtype t, const Host& gpu, const Host& cpu, double tol32, double tol16) {
  const double d = MaxDiff(gpu, cpu), tol = t == SWB_F32 ? tol32 : tol16;
  char what[256];
  std::snprintf(what, sizeof what, "%s %s max|d| %.3g (tolerance %.3g)", op, t == SWB_F32 ? "fp32" : "fp16", d, tol);
  Check(d <= tol, what);
  std::printf("  %-20s %s max|d| %.3g\n", op, t == SWB_F32 ? "fp32" : "fp16", d);
}

// Runs an op's CPU reference into a host buffer and its CUDA kernel into a poisoned device buffer of n elements, then
// compares them (each entry point returns an swb status; the CUDA one runs on the default stream).
template <typename CpuOp, typename CudaOp>
void Against(const std::string& what, swb_dtype t, size_t n, CpuOp cpu_op, CudaOp cuda_op, double tol32, double tol16) {
  Host cpu(t, n);
  Status(cpu_op(cpu.data()), (what + " (cpu)").c_str());
  Device out(Bytes(t, n));
  Status(cuda_op(out.p), (what + " (cuda)").c_str());
  CUDA_OK(cudaDeviceSynchronize());
  Compare(what.c_str(), t, out.Read(t), cpu, tol32, tol16);
}

void TestWindowOps(swb_dtype t, int64_t B, int64_t H, int64_t W, int64_t C, int64_t ws, int64_t shift) {
  swb_window_geometry g{B, H, W, C, ws, shift};
  const size_t n = B * H * W * C, nW = (H / ws) * (W / ws), N = ws * ws;
  Host x(t, Random(n, 1)), res(t, Random(n, 2)), gamma(t, Random(C, 3, 0.5f, 1.5f)), beta(t, Random(C, 4));
  Device dx(x), dres(res), dgamma(gamma), dbeta(beta);

  Against("window_mask", t, nW * N * N, [&](void* m) { return swb_window_mask_cpu(&g, t, m, g_msg, sizeof g_msg); },
          [&](void* m) { return swb_window_mask_cuda(&g, t, m, nullptr, g_msg, sizeof g_msg); }, 0, 0);
  Against("ln_roll_partition", t, n,
          [&](void* w) { return swb_ln_roll_partition_cpu(&g, 1e-5f, t, t, x.data(), gamma.data(), beta.data(), w, g_msg, sizeof g_msg); },
          [&](void* w) { return swb_ln_roll_partition_cuda(&g, 1e-5f, t, t, dx.p, dgamma.p, dbeta.p, w, nullptr, g_msg, sizeof g_msg); },
          1e-5, 4e-3);
  Against("reverse_roll_add", t, n,
          [&](void* y) { return swb_reverse_roll_add_cpu(&g, t, x.data(), res.data(), y, g_msg, sizeof g_msg); },
          [&](void* y) { return swb_reverse_roll_add_cuda(&g, t, dx.p, dres.p, y, nullptr, g_msg, sizeof g_msg); }, 1e-6, 4e-3);
  swb_rows_geometry rg{B * H * W, C};
  Against("layer_norm_fp32", t, n,
          [&](void* y) { return swb_layer_norm_fp32_cpu(&rg, 1e-5f, t, t, x.data(), gamma.data(), beta.data(), y, g_msg, sizeof g_msg); },
          [&](void* y) { return swb_layer_norm_fp32_cuda(&rg, 1e-5f, t, t, dx.p, dgamma.p, dbeta.p, y, nullptr, g_msg, sizeof g_msg); },
          1e-5, 4e-3);
}

void TestAttention(swb_dtype t, int64_t Bw, int64_t ws, int64_t C, int64_t heads, int64_t nW, bool with_mask) {
  const int64_t N = ws * ws;
  swb_qkv_geometry g{Bw, N, C, heads};
  const float scale = 1.0f / std::sqrt(static_cast<float>(C / heads));
  Host qkv(t, Random(Bw * N * 3 * C, 11));
  std::vector<float> bias = Random(heads * N * N, 12, -0.5f, 0.5f);
  std::vector<float> mask(nW * N * N);
  for (size_t i = 0; i < mask.size(); ++i) mask[i] = (i * 7919 % 5 == 0) ? -100.f : 0.f;
  Device dqkv(qkv);
  float *dbias, *dmask;
  CUDA_OK(cudaMalloc(&dbias, bias.size() * 4));
  CUDA_OK(cudaMalloc(&dmask, mask.size() * 4));
  CUDA_OK(cudaMemcpy(dbias, bias.data(), bias.size() * 4, cudaMemcpyHostToDevice));
  CUDA_OK(cudaMemcpy(dmask, mask.data(), mask.size() * 4, cudaMemcpyHostToDevice));
  const float* m = with_mask ? mask.data() : nullptr;
  Against(with_mask ? "window_attention+mask" : "window_attention", t, Bw * N * C,
          [&](void* y) { return swb_window_attention_cpu(&g, scale, t, qkv.data(), bias.data(), m, nW, y, g_msg, sizeof g_msg); },
          [&](void* y) {
            return swb_window_attention_cuda(&g, scale, t, dqkv.p, dbias, with_mask ? dmask : nullptr, nW, y, nullptr, g_msg,
                                             sizeof g_msg);
          },
          1e-5, 4e-3);
  {  // qkv split on the same data
    const size_t each = Bw * N * C;
    Host cq(t, each), ck(t, each), cv(t, each);
    Status(swb_qkv_split_cpu(&g, scale, t, qkv.data(), cq.data(), ck.data(), cv.data(), g_msg, sizeof g_msg), "qkv_split_cpu");
    Device q(Bytes(t, each)), k(Bytes(t, each)), v(Bytes(t, each));
    Status(swb_qkv_split_cuda(&g, scale, t, dqkv.p, q.p, k.p, v.p, nullptr, g_msg, sizeof g_msg), "qkv_split_cuda");
    CUDA_OK(cudaDeviceSynchronize());
    Compare("qkv_split q", t, q.Read(t), cq, 1e-6, 1e-3);
    Compare("qkv_split k", t, k.Read(t), ck, 0, 0);
    Compare("qkv_split v", t, v.Read(t), cv, 0, 0);
  }
  cudaFree(dbias);
  cudaFree(dmask);
}

// The padded row layouts (ABI 2) on the GPU against the CPU reference: windows and LayerNorm outputs written with a
// wider stride (padding zeroed; outputs start as NaN poison), windows read with one, and attention with q/k/v parts
// and output rows `part` / `out` apart (even: the paired FP16 loads; odd: single halves).
void TestStrides(swb_dtype t, int64_t part_pad, int64_t out_pad) {
  const int64_t B = 2, H = 24, W = 40, C = 36, ws = 8, shift = 4, heads = 6, S = C + out_pad;
  const int64_t N = ws * ws, nW = (H / ws) * (W / ws), tokens = B * H * W;
  swb_window_geometry g{B, H, W, C, ws, shift, S};
  Host x(t, Random(tokens * C, 21)), gamma(t, Random(C, 22, 0.5f, 1.5f)), beta(t, Random(C, 23));
  Host win(t, Random(tokens * S, 24));  // padded windows; the padding holds values that must be ignored
  Device dx(x), dgamma(gamma), dbeta(beta), dwin(win);
  Against("ln_roll_part strided", t, tokens * S,
          [&](void* y) { return swb_ln_roll_partition_cpu(&g, 1e-5f, t, t, x.data(), gamma.data(), beta.data(), y, g_msg, sizeof g_msg); },
          [&](void* y) { return swb_ln_roll_partition_cuda(&g, 1e-5f, t, t, dx.p, dgamma.p, dbeta.p, y, nullptr, g_msg, sizeof g_msg); },
          1e-5, 4e-3);
  Against("reverse_add strided", t, tokens * C,
          [&](void* y) { return swb_reverse_roll_add_cpu(&g, t, win.data(), x.data(), y, g_msg, sizeof g_msg); },
          [&](void* y) { return swb_reverse_roll_add_cuda(&g, t, dwin.p, dx.p, y, nullptr, g_msg, sizeof g_msg); }, 1e-6, 4e-3);
  swb_rows_geometry rg{tokens, C, S};
  Against("layer_norm strided", t, tokens * S,
          [&](void* y) { return swb_layer_norm_fp32_cpu(&rg, 1e-5f, t, t, x.data(), gamma.data(), beta.data(), y, g_msg, sizeof g_msg); },
          [&](void* y) { return swb_layer_norm_fp32_cuda(&rg, 1e-5f, t, t, dx.p, dgamma.p, dbeta.p, y, nullptr, g_msg, sizeof g_msg); },
          1e-5, 4e-3);
  {
    const int64_t P = C + part_pad, Bw = B * nW;
    swb_qkv_geometry qg{Bw, N, C, heads, P, S};
    Host qkv(t, Random(Bw * N * 3 * P, 25));
    std::vector<float> bias = Random(heads * N * N, 26, -0.5f, 0.5f), mask(nW * N * N);
    for (size_t i = 0; i < mask.size(); ++i) mask[i] = (i * 7919 % 5 == 0) ? -100.f : 0.f;
    Device dqkv(qkv), dbias(Host(SWB_F32, bias)), dmask(Host(SWB_F32, mask));
    Against(part_pad % 2 ? "attention odd part" : "attention strided", t, Bw * N * S,
            [&](void* y) { return swb_window_attention_cpu(&qg, 0.4f, t, qkv.data(), bias.data(), mask.data(), nW, y, g_msg, sizeof g_msg); },
            [&](void* y) {
              return swb_window_attention_cuda(&qg, 0.4f, t, dqkv.p, static_cast<const float*>(dbias.p),
                                               static_cast<const float*>(dmask.p), nW, y, nullptr, g_msg, sizeof g_msg);
            },
            1e-5, 4e-3);
  }
}

// Median and minimum of 50 timed runs (after 10 warm-up runs) of one launch, in ms (cudaEvent).
struct Times {
  float median, min;
};

template <typename F>
Times Time(F launch) {
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  std::vector<float> ms;
  for (int i = 0; i < 60; ++i) {
    cudaEventRecord(a);
    launch();
    cudaEventRecord(b);
    cudaEventSynchronize(b);
    float t;
    cudaEventElapsedTime(&t, a, b);
    if (i >= 10) ms.push_back(t);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[0]};
}

template <typename F>
float MedianMs(F launch) {
  return Time(launch).median;
}

// The block kernels at a classical-SR layer of the study's input (384x512, C = 180, 6 heads, window 8, shifted, FP16,
// batch 1): time and the DRAM bytes each must move at least (read + written), as effective bandwidth.
void TimeBlockKernels() {
  const int64_t H = 384, W = 512, C = 180, heads = 6, ws = 8, shift = 4, N = ws * ws, nW = (H / ws) * (W / ws);
  const size_t n = H * W * C;
  swb_window_geometry g{1, H, W, C, ws, shift};
  swb_qkv_geometry qg{nW, N, C, heads};
  Device x(Bytes(SWB_F16, n)), y(Bytes(SWB_F16, n)), r(Bytes(SWB_F16, n)), qkv(Bytes(SWB_F16, 3 * n));
  Device gamma(Host(SWB_F16, Random(C, 3, 0.5f, 1.5f))), beta(Host(SWB_F16, Random(C, 4)));
  Device bias(Host(SWB_F32, Random(heads * N * N, 5))), mask(Bytes(SWB_F32, nW * N * N));
  CUDA_OK(cudaMemset(x.p, 0, x.n));
  CUDA_OK(cudaMemset(r.p, 0, r.n));
  CUDA_OK(cudaMemset(qkv.p, 0, qkv.n));
  Status(swb_window_mask_cuda(&g, SWB_F32, mask.p, nullptr, g_msg, sizeof g_msg), "window_mask_cuda");
  const double act = n * 2.0;  // one FP16 activation map, bytes
  auto report = [&](const char* op, double bytes, float ms) {
    std::printf("TIMING %-18s 384x512 C=180 fp16: median %.4f ms, %.0f GB/s effective (%.1f MB moved)\n", op, ms,
                bytes / ms / 1e6, bytes / 1e6);
  };
  report("ln_roll_partition", 2 * act, MedianMs([&] {
           swb_ln_roll_partition_cuda(&g, 1e-5f, SWB_F16, SWB_F16, x.p, gamma.p, beta.p, y.p, nullptr, g_msg, sizeof g_msg);
         }));
  {
    Device q(Bytes(SWB_F16, n)), k(Bytes(SWB_F16, n)), v(Bytes(SWB_F16, n));
    report("qkv_split", 6 * act, MedianMs([&] {
             swb_qkv_split_cuda(&qg, 0.18f, SWB_F16, qkv.p, q.p, k.p, v.p, nullptr, g_msg, sizeof g_msg);
           }));
  }
  report("reverse_roll_add", 3 * act, MedianMs([&] {
           swb_reverse_roll_add_cuda(&g, SWB_F16, x.p, r.p, y.p, nullptr, g_msg, sizeof g_msg);
         }));
  swb_rows_geometry rg{H * W, C};
  report("layer_norm_fp32", 2 * act, MedianMs([&] {
           swb_layer_norm_fp32_cuda(&rg, 1e-5f, SWB_F16, SWB_F16, x.p, gamma.p, beta.p, y.p, nullptr, g_msg, sizeof g_msg);
         }));
  report("window_attention", 4 * act + nW * N * N * 4.0, MedianMs([&] {
           swb_window_attention_cuda(&qg, 1.f / std::sqrt(30.f), SWB_F16, qkv.p, static_cast<const float*>(bias.p),
                                     static_cast<const float*>(mask.p), nW, y.p, nullptr, g_msg, sizeof g_msg);
         }));
  {  // the aligned layout of the model's aligned_rows flag: C = 180 in rows of 184, qkv parts 184 apart
    const int64_t S = 184;
    Device wide_qkv(Bytes(SWB_F16, 3 * nW * N * S)), wide_out(Bytes(SWB_F16, nW * N * S));
    CUDA_OK(cudaMemset(wide_qkv.p, 0, wide_qkv.n));
    swb_qkv_geometry aligned{nW, N, C, heads, S, S};
    const double wide = nW * N * S * 2.0;
    report("window_attention/184", 4 * wide + nW * N * N * 4.0, MedianMs([&] {
             swb_window_attention_cuda(&aligned, 1.f / std::sqrt(30.f), SWB_F16, wide_qkv.p,
                                       static_cast<const float*>(bias.p), static_cast<const float*>(mask.p), nW,
                                       wide_out.p, nullptr, g_msg, sizeof g_msg);
           }));
    swb_window_geometry wg{1, H, W, C, ws, shift, S};
    report("ln_roll_part/184", act + wide, MedianMs([&] {
             swb_ln_roll_partition_cuda(&wg, 1e-5f, SWB_F16, SWB_F16, x.p, gamma.p, beta.p, wide_out.p, nullptr, g_msg,
                                        sizeof g_msg);
           }));
  }
  CUDA_OK(cudaDeviceSynchronize());
  Status(swb_window_attention_cuda(&qg, 1.f, SWB_F16, qkv.p, static_cast<const float*>(bias.p),
                                   static_cast<const float*>(mask.p), nW, y.p, nullptr, g_msg, sizeof g_msg),
         "window_attention_cuda (timing geometry)");
}

// Median time of the window-mask kernel for an H x W map (printed, never checked).
void TimeMask(int64_t H, int64_t W) {
  swb_window_geometry g{1, H, W, 1, 8, 4};
  const size_t n = (H / 8) * (W / 8) * 64 * 64;
  Device out(Bytes(SWB_F32, n));
  const Times t = Time([&] { swb_window_mask_cuda(&g, SWB_F32, out.p, nullptr, g_msg, sizeof g_msg); });
  std::printf("TIMING window_mask %lldx%lld fp32 (nW=%zu, %.1f MB): median %.4f ms, min %.4f ms\n",
              static_cast<long long>(H), static_cast<long long>(W), n / 4096, n * 4 / 1e6, t.median, t.min);
}

}  // namespace

int main() {
  if (NoDevice("CUDA kernel tests")) return kSkip;
  std::printf("%s\n", swb_build_info());
  for (swb_dtype t : {SWB_F32, SWB_F16}) {
    TestWindowOps(t, 2, 24, 40, 36, 8, 4);   // 3 x 5 windows, C = 36
    TestWindowOps(t, 1, 21, 35, 60, 7, 3);   // window 7 (JPEG models), 3 x 5 windows
    TestWindowOps(t, 2, 16, 16, 180, 8, 0);  // no shift, C = 180 (SwinIR-M)
    TestAttention(t, 2 * 15, 8, 36, 6, 15, true);
    TestAttention(t, 2 * 15, 8, 180, 6, 15, false);
    TestAttention(t, 15, 7, 60, 6, 15, true);
    TestAttention(t, 6, 8, 240, 8, 3, true);  // SwinIR-L heads
    TestAttention(t, 2 * 4, 8, 45, 3, 4, true);  // odd head dim (15): the FP16 kernel stages single halves
    TestStrides(t, 4, 4);                         // C = 36 in rows of 40 (the aligned GEMM layout)
    TestStrides(t, 3, 5);                         // odd part stride: single-half staging
  }
  TimeMask(384, 512);
  TimeBlockKernels();
  return Summary();
}
