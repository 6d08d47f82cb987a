// swin_block_bench: times the CUDA Swin block chain (swb_swin_block_*) with random weights.
// For each model (classical: C 180, 6 heads, hidden 360, 6 stages; lightweight: C 60, 6 heads, hidden 120, 4 stages;
// both depth 6, window 8, shifts 0 / 4 alternating) and each input size (padded up to multiples of the window):
//  - the chain's own kernels one by one (LN1 + partition, window attention, reverse + residual + LN2; each variant,
//    the mean of shift 0 and shift 4, CUDA events over 20 launches) and every step's memory floor: the bytes it must
//    move (the padded rows it reads and writes, the GEMMs' weights once) over the device's DRAM bandwidth (its
//    memory clock x bus width x 2, or --bandwidth GB/s), per block and per stage;
//  - for each kernel variant set and graph off / on, the median, p10 and p90 (CUDA events, after warm-up) of one
//    stage (one handle run of 6 blocks) and of the whole body (every stage's handle run back to back, in place), and
//    the wall time of stage 0's first run (buffers, GEMM algorithm timing when the problem is new to the process,
//    masks, graph capture).
//   swin_block_bench [--size HxW]... [--model classical|lightweight|both] [--graph on|off|both] [--runs N]
//                    [--warmup N] [--batch B] [--dtype f16|f32] [--gemm-tune on|off|both]
//                    [--variants v1,v2,rows,attn] [--kernels on|off] [--bandwidth GB/s] [--ncu]
// Sizes default to 384x512, 114x172 and 768x1024. --variants picks the kernel variant sets (SWB_SWIN_BLOCK_ROWS /
// SWB_SWIN_BLOCK_ATTN of the handles it creates): v1 = the first kernels, v2 = both new ones, rows = new row kernels
// only, attn = new attention only; default v1,v2. --gemm-tune off sets SWB_SWIN_BLOCK_GEMM_TUNE=0 (the heuristic's
// first algorithm). --ncu: no timing; creates one stage per variant set and runs it once after one warm-up run,
// between cudaProfilerStart and cudaProfilerStop (for `ncu --profile-from-start off --section SpeedOfLight
// --print-summary per-kernel` or nsys --capture-range=cudaProfilerApi: the chain's launches only, not the weight
// copies or the GEMM timing).
#include <cuda_fp16.h>
#include <cuda_profiler_api.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../kernels/swin_block/swin_block_handle.h"  // swb::Align8, the chain's padded row width
#include "../kernels/swin_block/swin_launch.cuh"        // the chain's kernels, timed one by one
#include "half.h"
#include "swinbench_plugins.h"

namespace {

#define CUDA_OK(x)                                                                          \
  do {                                                                                      \
    cudaError_t e_ = (x);                                                                   \
    if (e_ != cudaSuccess) {                                                                \
      std::fprintf(stderr, "CUDA error %s at %s:%d\n", cudaGetErrorString(e_), __FILE__, __LINE__); \
      std::exit(2);                                                                         \
    }                                                                                       \
  } while (0)

char g_msg[512];

void Swb(int rc, const char* what) {
  if (rc != SWB_OK) {
    std::fprintf(stderr, "%s failed (%d): %s\n", what, rc, g_msg);
    std::exit(3);
  }
}

struct Model {
  const char* name;
  int64_t C, heads, hidden, stages;
};
constexpr Model kClassical{"classical", 180, 6, 360, 6};
constexpr Model kLightweight{"lightweight", 60, 6, 120, 4};
constexpr int64_t kWindow = 8, kDepth = 6;

// A kernel variant set: the values of SWB_SWIN_BLOCK_ROWS and SWB_SWIN_BLOCK_ATTN.
struct VariantSet {
  const char* name;
  const char* rows;
  const char* attn;
};
constexpr VariantSet kVariantSets[] = {
    {"v1", "v1", "v1"}, {"v2", "v2", "v2"}, {"rows", "v2", "v1"}, {"attn", "v1", "v2"}};

struct Options {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  std::vector<Model> models{kClassical, kLightweight};
  std::vector<bool> graphs{false, true};
  std::vector<bool> tunes{true};
  std::vector<VariantSet> variants{kVariantSets[0], kVariantSets[1]};
  int runs = 100, warmup = 10;
  int64_t batch = 1;
  swb_dtype dtype = SWB_F16;
  bool ncu = false, kernels = true;
  double bandwidth_gbs = 0;  // 0: from the device
};

[[noreturn]] void Usage(const char* error) {
  std::fprintf(stderr,
               "%s\nusage: swin_block_bench [--size HxW]... [--model classical|lightweight|both] "
               "[--graph on|off|both] [--runs N>=50] [--warmup N] [--batch B] [--dtype f16|f32] "
               "[--gemm-tune on|off|both] [--variants v1,v2,rows,attn] [--kernels on|off] [--bandwidth GB/s] "
               "[--ncu]\n",
               error);
  std::exit(64);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--size") {
      long long h = 0, w = 0;
      if (std::sscanf(value().c_str(), "%lldx%lld", &h, &w) != 2 || h < 1 || w < 1) Usage("--size takes HxW");
      o.sizes.emplace_back(h, w);
    } else if (a == "--model") {
      const std::string v = value();
      if (v == "classical") o.models = {kClassical};
      else if (v == "lightweight") o.models = {kLightweight};
      else if (v != "both") Usage("--model: classical, lightweight or both");
    } else if (a == "--graph") {
      const std::string v = value();
      if (v == "on") o.graphs = {true};
      else if (v == "off") o.graphs = {false};
      else if (v != "both") Usage("--graph: on, off or both");
    } else if (a == "--runs") {
      o.runs = std::atoi(value().c_str());
      if (o.runs < 50) Usage("--runs must be >= 50");
    } else if (a == "--warmup") {
      o.warmup = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--batch") {
      o.batch = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--dtype") {
      const std::string v = value();
      if (v == "f16") o.dtype = SWB_F16;
      else if (v == "f32") o.dtype = SWB_F32;
      else Usage("--dtype: f16 or f32");
    } else if (a == "--gemm-tune") {
      const std::string v = value();
      if (v == "on") o.tunes = {true};
      else if (v == "off") o.tunes = {false};
      else if (v == "both") o.tunes = {true, false};
      else Usage("--gemm-tune: on, off or both");
    } else if (a == "--variants") {
      o.variants.clear();
      std::string list = value();
      for (size_t at = 0; at <= list.size();) {
        const size_t comma = std::min(list.find(',', at), list.size());
        const std::string name = list.substr(at, comma - at);
        const VariantSet* found = nullptr;
        for (const VariantSet& v : kVariantSets)
          if (name == v.name) found = &v;
        if (found == nullptr) Usage("--variants: a comma-separated list of v1, v2, rows, attn");
        o.variants.push_back(*found);
        at = comma + 1;
      }
    } else if (a == "--kernels") {
      const std::string v = value();
      if (v == "on") o.kernels = true;
      else if (v == "off") o.kernels = false;
      else Usage("--kernels: on or off");
    } else if (a == "--bandwidth") {
      o.bandwidth_gbs = std::atof(value().c_str());
      if (!(o.bandwidth_gbs > 0)) Usage("--bandwidth takes the DRAM bandwidth in GB/s (> 0)");
    } else if (a == "--ncu") {
      o.ncu = true;
    } else {
      Usage(("unknown argument " + a).c_str());
    }
  }
  if (o.sizes.empty()) o.sizes = {{384, 512}, {114, 172}, {768, 1024}};
  return o;
}

// Random values in [-a, a] on the device in dtype.
void* DeviceRandom(size_t n, float a, swb_dtype t, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-a, a);
  void* p = nullptr;
  if (t == SWB_F32) {
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    CUDA_OK(cudaMalloc(&p, n * 4));
    CUDA_OK(cudaMemcpy(p, v.data(), n * 4, cudaMemcpyHostToDevice));
  } else {
    std::vector<uint16_t> v(n);
    for (auto& x : v) x = swb::FloatToHalf(d(rng));
    CUDA_OK(cudaMalloc(&p, n * 2));
    CUDA_OK(cudaMemcpy(p, v.data(), n * 2, cudaMemcpyHostToDevice));
  }
  return p;
}

// One stage's handle and the device weights it was created from (freed after create: the handle copies them).
swb_swin_block* CreateStage(const Model& m, const Options& o, int32_t flags, std::mt19937& rng) {
  const int64_t C = m.C, Hd = m.hidden, N = kWindow * kWindow;
  std::vector<void*> owned;
  std::vector<swb_swin_block_weights> blocks(kDepth);
  auto rnd = [&](size_t n, float a, swb_dtype t) {
    owned.push_back(DeviceRandom(n, a, t, rng));
    return owned.back();
  };
  const float ac = 1.f / std::sqrt(static_cast<float>(C)), ah = 1.f / std::sqrt(static_cast<float>(Hd));
  for (int64_t i = 0; i < kDepth; ++i) {
    swb_swin_block_weights& b = blocks[i];
    b.shift_size = i % 2 == 0 ? 0 : kWindow / 2;
    b.norm1_weight = rnd(C, 1.f, o.dtype);
    b.norm1_bias = rnd(C, 0.1f, o.dtype);
    b.qkv_weight = rnd(3 * C * C, ac, o.dtype);
    b.qkv_bias = rnd(3 * C, 0.1f, o.dtype);
    b.attn_bias = static_cast<const float*>(rnd(m.heads * N * N, 1.f, SWB_F32));
    b.proj_weight = rnd(C * C, ac, o.dtype);
    b.proj_bias = rnd(C, 0.1f, o.dtype);
    b.norm2_weight = rnd(C, 1.f, o.dtype);
    b.norm2_bias = rnd(C, 0.1f, o.dtype);
    b.fc1_weight = rnd(Hd * C, ac, o.dtype);
    b.fc1_bias = rnd(Hd, 0.1f, o.dtype);
    b.fc2_weight = rnd(C * Hd, ah, o.dtype);
    b.fc2_bias = rnd(C, 0.1f, o.dtype);
  }
  swb_swin_block_desc d{};
  d.channels = C;
  d.heads = m.heads;
  d.hidden = Hd;
  d.window_size = kWindow;
  d.depth = kDepth;
  d.epsilon = 1e-5f;
  d.scale = 1.f / std::sqrt(static_cast<float>(C / m.heads));
  d.dtype = o.dtype;
  d.param_dtype = o.dtype;
  d.flags = flags;
  swb_swin_block* h = nullptr;
  Swb(swb_swin_block_create_cuda(&d, blocks.data(), nullptr, &h, g_msg, sizeof g_msg), "swb_swin_block_create_cuda");
  for (void* p : owned) cudaFree(p);
  return h;
}

struct Summary {
  double median, p10, p90;
};

Summary Summarize(std::vector<float> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return static_cast<double>(ms[static_cast<size_t>(q * (ms.size() - 1) + 0.5)]); };
  return {at(0.5), at(0.1), at(0.9)};
}

// Values in [-1, 1) from a hash of the index (device-side, for the large activation buffers).
template <typename T>
__global__ void FillKernel(T* p, int64_t n, uint32_t seed) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    uint32_t h = static_cast<uint32_t>(i) * 2654435761u ^ seed;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    swb::Store(p + i, static_cast<float>(h & 0xffffu) / 32768.f - 1.f);
  }
}

void* DeviceFill(size_t n, swb_dtype t, uint32_t seed) {
  void* p = nullptr;
  CUDA_OK(cudaMalloc(&p, n * (t == SWB_F32 ? 4 : 2)));
  if (t == SWB_F32)
    FillKernel<<<swb::GridFor(static_cast<int64_t>(n), 256), 256>>>(static_cast<float*>(p), static_cast<int64_t>(n),
                                                                     seed);
  else
    FillKernel<<<swb::GridFor(static_cast<int64_t>(n), 256), 256>>>(static_cast<__half*>(p), static_cast<int64_t>(n),
                                                                     seed);
  CUDA_OK(cudaGetLastError());
  return p;
}

int64_t Padded(int64_t n) { return (n + kWindow - 1) / kWindow * kWindow; }

// The bytes each step of one block moves at least (every padded row it reads and writes once, a GEMM's weights
// once; the attention bias comes from L2 and is not counted), and the per-stage output copy.
struct Floors {
  static constexpr int kSteps = 7;
  const char* name[kSteps] = {"LN1 + roll + partition", "qkv GEMM",   "window attention", "proj GEMM",
                              "reverse + residual + LN2", "fc1 GEMM", "fc2 GEMM"};
  double bytes[kSteps] = {};
  double block = 0, unpad = 0;
  double Stage() const { return kDepth * block + unpad; }
};

Floors FloorsOf(const Model& m, int64_t T, size_t es) {
  const double t = static_cast<double>(T), e = static_cast<double>(es), C = static_cast<double>(m.C);
  const double Cp = static_cast<double>(swb::Align8(m.C)), Hp = static_cast<double>(swb::Align8(m.hidden));
  Floors f;
  const double b[Floors::kSteps] = {
      2 * t * Cp * e,                       // x (act) -> win
      (t * Cp + 3 * Cp * Cp + 3 * t * Cp) * e,  // win, Wqkv -> big
      (3 * t * Cp + t * Cp) * e,            // big -> win
      (2 * t * Cp + Cp * Cp) * e,           // win, Wproj -> big
      4 * t * Cp * e,                       // big, act -> act, win
      (t * Cp + Hp * Cp + t * Hp) * e,      // win, W1 -> big
      (t * Hp + Cp * Hp + 2 * t * Cp) * e,  // big, W2, act -> act
  };
  for (int i = 0; i < Floors::kSteps; ++i) f.bytes[i] = b[i], f.block += b[i];
  f.unpad = t * (Cp + C) * e;
  return f;
}

// The DRAM bandwidth in bytes per second: --bandwidth, else the device's memory clock x bus width x 2 (DDR).
double Bandwidth(const Options& o, const char** source) {
  if (o.bandwidth_gbs > 0) {
    *source = "--bandwidth";
    return o.bandwidth_gbs * 1e9;
  }
  int clock_khz = 0, bus_bits = 0;
  CUDA_OK(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, 0));
  CUDA_OK(cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, 0));
  *source = "device: memory clock x bus width x 2";
  return 2.0 * clock_khz * 1e3 * bus_bits / 8.0;
}

// The chain's own kernels (steps 1, 3 and 5) of one block, each variant, timed one by one on the model's shapes
// (mean of shift 0 and shift 4), next to every step's memory floor.
void KernelTable(const Model& m, int64_t lr_h, int64_t lr_w, const Options& o) {
  namespace sb = swb::block;
  const char* bw_source = nullptr;
  const double bw = Bandwidth(o, &bw_source);
  const int64_t H = Padded(lr_h), W = Padded(lr_w), B = o.batch, T = B * H * W;
  const int C = static_cast<int>(m.C), Cp = static_cast<int>(swb::Align8(m.C)), heads = static_cast<int>(m.heads);
  const int N = static_cast<int>(kWindow * kWindow), ws = static_cast<int>(kWindow);
  const size_t es = o.dtype == SWB_F32 ? 4 : 2;
  const Floors f = FloorsOf(m, T, es);
  std::printf("%s %lldx%lld (padded %lldx%lld) B=%lld %s: %lld tokens, DRAM %.0f GB/s (%s)\n", m.name,
              static_cast<long long>(lr_h), static_cast<long long>(lr_w), static_cast<long long>(H),
              static_cast<long long>(W), static_cast<long long>(B), o.dtype == SWB_F16 ? "fp16" : "fp32",
              static_cast<long long>(T), bw / 1e9, bw_source);

  // buffers: act (the residual, rows of Cp), win, big (3Cp), act2; LayerNorm parameters; the arranged bias
  void* act = DeviceFill(static_cast<size_t>(T) * Cp, o.dtype, 1);
  void* act2 = DeviceFill(static_cast<size_t>(T) * Cp, o.dtype, 2);
  void* win = DeviceFill(static_cast<size_t>(T) * Cp, o.dtype, 3);
  void* big = DeviceFill(static_cast<size_t>(T) * 3 * Cp, o.dtype, 4);
  float* lnw = static_cast<float*>(DeviceFill(static_cast<size_t>(Cp), SWB_F32, 5));
  float* lnb = static_cast<float*>(DeviceFill(static_cast<size_t>(Cp), SWB_F32, 6));
  float* bias = static_cast<float*>(DeviceFill(static_cast<size_t>(heads) * N * N, SWB_F32, 7));
  float* arranged = nullptr;
  CUDA_OK(cudaMalloc(&arranged, static_cast<size_t>(heads) * sb::kAttnBiasPerHead * sizeof(float)));
  CUDA_OK(sb::LaunchArrangeAttnBias(bias, N, heads, arranged, nullptr));
  int optin = 0;
  CUDA_OK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, 0));
  cudaEvent_t a, b;
  CUDA_OK(cudaEventCreate(&a));
  CUDA_OK(cudaEventCreate(&b));
  CUDA_OK(cudaDeviceSynchronize());

  constexpr int kReps = 10;  // per shift
  // microseconds per launch of launch(shift), averaged over shift 0 and 4; -1 where it failed
  auto time_us = [&](auto&& launch) {
    for (int s : {0, 4})
      if (launch(s) != SWB_OK) return -1.0;
    CUDA_OK(cudaEventRecord(a, nullptr));
    for (int s : {0, 4})
      for (int i = 0; i < kReps; ++i) launch(s);
    CUDA_OK(cudaEventRecord(b, nullptr));
    CUDA_OK(cudaEventSynchronize(b));
    float ms = 0;
    CUDA_OK(cudaEventElapsedTime(&ms, a, b));
    return 1e3 * ms / (2 * kReps);
  };
  auto rows = [&](int shift) {
    return sb::RowStep{{static_cast<int>(H), static_cast<int>(W), ws, shift, static_cast<int>(W) / ws,
                        static_cast<int>((H / kWindow) * (W / kWindow)), N},
                       static_cast<int>(T), C, Cp};
  };
  double us[Floors::kSteps][2];
  for (int v = 0; v < 2; ++v) {
    const sb::KernelVariant variant = v == 0 ? sb::kV1 : sb::kV2;
    us[0][v] = time_us([&](int s) {
      return sb::LaunchLn1(variant, o.dtype, rows(s), act, Cp, lnw, lnb, 1e-5f, win, nullptr, g_msg, sizeof g_msg);
    });
    us[4][v] = time_us([&](int s) {
      return sb::LaunchAddLn2(variant, o.dtype, rows(s), big, act, Cp, act2, win, lnw, lnb, 1e-5f, nullptr, g_msg,
                              sizeof g_msg);
    });
    const sb::AttnPlan plan = sb::PlanChainAttention(variant, o.dtype, N, C, heads, Cp, optin);
    us[2][v] = -1;
    if (plan.variant == (v + 1)) {
      CUDA_OK(sb::ConfigureChainAttention(plan));
      us[2][v] = time_us([&](int s) {
        const sb::AttnStep step{static_cast<unsigned int>(B * (H / kWindow) * (W / kWindow)), N, C, Cp, heads,
                                static_cast<int>(H), static_cast<int>(W), ws, s, 0.18f};
        return sb::LaunchChainAttention(plan, step, big, arranged, win, nullptr, g_msg, sizeof g_msg);
      });
    }
  }
  CUDA_OK(cudaDeviceSynchronize());
  std::printf("  %-26s %9s %9s | %9s %7s | %9s %7s\n", "step (one block)", "MB", "floor us", "v1 us", "x floor",
              "v2 us", "x floor");
  for (int i = 0; i < Floors::kSteps; ++i) {
    const double floor_us = 1e6 * f.bytes[i] / bw;
    std::printf("  %-26s %9.1f %9.1f |", f.name[i], f.bytes[i] / 1e6, floor_us);
    if (i == 0 || i == 2 || i == 4) {
      for (int v = 0; v < 2; ++v)
        if (us[i][v] >= 0) std::printf(" %9.1f %7.2f%s", us[i][v], us[i][v] / floor_us, v == 0 ? " |" : "");
        else std::printf(" %9s %7s%s", "-", "-", v == 0 ? " |" : "");
      std::printf("\n");
    } else {
      std::printf(" cuBLASLt (times: ncu)\n");
    }
  }
  std::printf("  %-26s %9.1f %9.1f | per stage (6 blocks + act -> y): %.1f MB, floor %.1f us; body (%lld stages): "
              "floor %.2f ms\n",
              "block", f.block / 1e6, 1e6 * f.block / bw, f.Stage() / 1e6, 1e6 * f.Stage() / bw,
              static_cast<long long>(m.stages), 1e3 * m.stages * f.Stage() / bw);
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  for (void* p : {act, act2, win, big, static_cast<void*>(lnw), static_cast<void*>(lnb), static_cast<void*>(bias),
                  static_cast<void*>(arranged)})
    cudaFree(p);
}

void Bench(const Model& m, int64_t lr_h, int64_t lr_w, const VariantSet& variant, bool graph, bool tune,
           const Options& o) {
  // read by create
  setenv("SWB_SWIN_BLOCK_GEMM_TUNE", tune ? "1" : "0", 1);
  setenv("SWB_SWIN_BLOCK_ROWS", variant.rows, 1);
  setenv("SWB_SWIN_BLOCK_ATTN", variant.attn, 1);
  const int64_t H = Padded(lr_h), W = Padded(lr_w);
  const int64_t B = o.batch, T = B * H * W;
  const size_t es = o.dtype == SWB_F32 ? 4 : 2, bytes = static_cast<size_t>(T * m.C) * es;
  std::mt19937 rng(1234);
  std::vector<swb_swin_block*> stages;
  const int64_t stage_count = o.ncu ? 1 : m.stages;
  for (int64_t s = 0; s < stage_count; ++s)
    stages.push_back(CreateStage(m, o, graph ? SWB_SWIN_BLOCK_CUDA_GRAPH : 0, rng));
  void* x = DeviceFill(static_cast<size_t>(T * m.C), o.dtype, 1234);
  void* y = nullptr;
  CUDA_OK(cudaMalloc(&y, bytes));
  cudaStream_t stream;
  CUDA_OK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  auto stage = [&](swb_swin_block* h, const void* in, void* out) {
    Swb(swb_swin_block_run(h, B, H, W, in, out, stream, g_msg, sizeof g_msg), "swb_swin_block_run");
  };
  auto body = [&] {
    for (size_t s = 0; s < stages.size(); ++s) stage(stages[s], s == 0 ? x : y, y);
  };

  char mode[48];
  std::snprintf(mode, sizeof mode, "%-4s %s%s", variant.name, graph ? "graph" : "direct", tune ? "" : "/heur");
  // stage 0's first run: buffers, GEMM algorithms, masks, graph capture
  CUDA_OK(cudaDeviceSynchronize());
  const auto first_start = std::chrono::steady_clock::now();
  stage(stages[0], x, y);
  CUDA_OK(cudaStreamSynchronize(stream));
  const double first_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - first_start).count();
  if (o.ncu) {
    body();  // warm-up: the other stages' first runs
    CUDA_OK(cudaStreamSynchronize(stream));
    CUDA_OK(cudaProfilerStart());
    body();
    CUDA_OK(cudaStreamSynchronize(stream));
    CUDA_OK(cudaProfilerStop());
    std::printf("%s %lldx%lld (padded %lldx%lld) B=%lld %s %s (rows %s, attention %s): one stage ran once for "
                "profiling\n",
                m.name, static_cast<long long>(lr_h), static_cast<long long>(lr_w), static_cast<long long>(H),
                static_cast<long long>(W), static_cast<long long>(B), o.dtype == SWB_F16 ? "fp16" : "fp32", mode,
                variant.rows, variant.attn);
  } else {
    cudaEvent_t a, b;
    CUDA_OK(cudaEventCreate(&a));
    CUDA_OK(cudaEventCreate(&b));
    auto time = [&](auto&& f) {
      for (int i = 0; i < o.warmup; ++i) f();
      CUDA_OK(cudaStreamSynchronize(stream));
      std::vector<float> ms;
      for (int i = 0; i < o.runs; ++i) {
        CUDA_OK(cudaEventRecord(a, stream));
        f();
        CUDA_OK(cudaEventRecord(b, stream));
        CUDA_OK(cudaEventSynchronize(b));
        float t = 0;
        CUDA_OK(cudaEventElapsedTime(&t, a, b));
        ms.push_back(t);
      }
      return Summarize(ms);
    };
    const Summary one = time([&] { stage(stages[0], x, y); });
    const Summary all = time(body);
    swb_swin_block_stats st{};
    Swb(swb_swin_block_stats_get(stages[0], &st, g_msg, sizeof g_msg), "stats");
    const char* bw_source = nullptr;
    const double floor_ms = 1e3 * FloorsOf(m, T, es).Stage() / Bandwidth(o, &bw_source);
    std::printf(
        "%-11s %4lldx%-4lld (padded %4lldx%-4lld) B=%lld %s %-16s | stage (6 blocks): median %7.3f ms p10 %7.3f p90 "
        "%7.3f (x%.2f floor) | body (%lld stages, %lld blocks): median %7.3f ms p10 %7.3f p90 %7.3f | per block "
        "%.3f ms | first run %.1f ms | work %.0f MB/stage, weights %.1f MB/stage, replays %lld\n",
        m.name, static_cast<long long>(lr_h), static_cast<long long>(lr_w), static_cast<long long>(H),
        static_cast<long long>(W), static_cast<long long>(B), o.dtype == SWB_F16 ? "fp16" : "fp32", mode, one.median,
        one.p10, one.p90, one.median / floor_ms, static_cast<long long>(m.stages),
        static_cast<long long>(m.stages * kDepth), all.median, all.p10, all.p90,
        all.median / static_cast<double>(m.stages * kDepth), first_ms, st.workspace_bytes / 1e6,
        st.weight_bytes / 1e6, static_cast<long long>(st.graph_replays));
    cudaEventDestroy(a);
    cudaEventDestroy(b);
  }
  for (swb_swin_block* h : stages) swb_swin_block_destroy(h);
  CUDA_OK(cudaStreamDestroy(stream));
  cudaFree(x);
  cudaFree(y);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::fprintf(stderr, "swin_block_bench: no CUDA device\n");
    return 1;
  }
  cudaDeviceProp prop{};
  CUDA_OK(cudaGetDeviceProperties(&prop, 0));
  std::printf("%s; device %s (%d SMs)\n", swb_build_info(), prop.name, prop.multiProcessorCount);
  for (const Model& m : o.models)
    for (const auto& size : o.sizes) {
      if (o.kernels && !o.ncu) KernelTable(m, size.first, size.second, o);
      for (const VariantSet& v : o.variants)
        for (bool graph : o.graphs)
          for (bool tune : o.tunes) Bench(m, size.first, size.second, v, graph, tune, o);
    }
  return 0;
}
