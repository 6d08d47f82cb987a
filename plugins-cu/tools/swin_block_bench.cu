// swin_block_bench: times the CUDA Swin block chain (swb_swin_block_*) with random weights.
// For each model (classical: C 180, 6 heads, hidden 360, 6 stages; lightweight: C 60, 6 heads, hidden 120, 4 stages;
// both depth 6, window 8, shifts 0 / 4 alternating), each input size (padded up to multiples of the window) and graph
// off / on, it prints the median, p10 and p90 (CUDA events, after warm-up) of one stage (one handle run of 6 blocks)
// and of the whole body (every stage's handle run back to back, in place), and the wall time of stage 0's first run
// (buffers, GEMM algorithm timing when the problem is new to the process, masks, graph capture).
//   swin_block_bench [--size HxW]... [--model classical|lightweight|both] [--graph on|off|both] [--runs N]
//                    [--warmup N] [--batch B] [--dtype f16|f32] [--gemm-tune on|off|both] [--ncu]
// --gemm-tune off sets SWB_SWIN_BLOCK_GEMM_TUNE=0 for the handles it creates (the heuristic's first algorithm).
// --ncu: no timing; creates one stage only and runs it once after one warm-up run, between cudaProfilerStart and
// cudaProfilerStop (for `ncu --profile-from-start off --section SpeedOfLight --print-summary per-kernel` or nsys
// --capture-range=cudaProfilerApi: the chain's launches only, not the weight copies or the GEMM timing).
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

struct Options {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  std::vector<Model> models{kClassical, kLightweight};
  std::vector<bool> graphs{false, true};
  std::vector<bool> tunes{true};
  int runs = 100, warmup = 10;
  int64_t batch = 1;
  swb_dtype dtype = SWB_F16;
  bool ncu = false;
};

[[noreturn]] void Usage(const char* error) {
  std::fprintf(stderr,
               "%s\nusage: swin_block_bench [--size HxW]... [--model classical|lightweight|both] "
               "[--graph on|off|both] [--runs N>=50] [--warmup N] [--batch B] [--dtype f16|f32] "
               "[--gemm-tune on|off|both] [--ncu]\n",
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
    } else if (a == "--ncu") {
      o.ncu = true;
    } else {
      Usage(("unknown argument " + a).c_str());
    }
  }
  if (o.sizes.empty()) o.sizes = {{384, 512}, {114, 172}};
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

void Bench(const Model& m, int64_t lr_h, int64_t lr_w, bool graph, bool tune, const Options& o) {
  setenv("SWB_SWIN_BLOCK_GEMM_TUNE", tune ? "1" : "0", 1);  // read by create
  const int64_t H = (lr_h + kWindow - 1) / kWindow * kWindow, W = (lr_w + kWindow - 1) / kWindow * kWindow;
  const int64_t B = o.batch, T = B * H * W;
  const size_t es = o.dtype == SWB_F32 ? 4 : 2, bytes = static_cast<size_t>(T * m.C) * es;
  std::mt19937 rng(1234);
  std::vector<swb_swin_block*> stages;
  const int64_t stage_count = o.ncu ? 1 : m.stages;
  for (int64_t s = 0; s < stage_count; ++s)
    stages.push_back(CreateStage(m, o, graph ? SWB_SWIN_BLOCK_CUDA_GRAPH : 0, rng));
  void* x = DeviceRandom(static_cast<size_t>(T * m.C), 1.f, o.dtype, rng);
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

  const char* mode = graph ? (tune ? "graph" : "graph/heur") : (tune ? "direct" : "direct/heur");
  // stage 0's first run: buffers, GEMM algorithms, masks, graph capture
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
    std::printf("%s %lldx%lld (padded %lldx%lld) B=%lld %s %s: one stage ran once for profiling\n", m.name,
                static_cast<long long>(lr_h), static_cast<long long>(lr_w), static_cast<long long>(H),
                static_cast<long long>(W), static_cast<long long>(B), o.dtype == SWB_F16 ? "fp16" : "fp32", mode);
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
    std::printf(
        "%-11s %4lldx%-4lld (padded %4lldx%-4lld) B=%lld %s %-11s | stage (6 blocks): median %7.3f ms p10 %7.3f p90 "
        "%7.3f | body (%lld stages, %lld blocks): median %7.3f ms p10 %7.3f p90 %7.3f | per block %.3f ms | "
        "first run %.1f ms | work %.0f MB/stage, weights %.1f MB/stage, replays %lld\n",
        m.name, static_cast<long long>(lr_h), static_cast<long long>(lr_w), static_cast<long long>(H),
        static_cast<long long>(W), static_cast<long long>(B), o.dtype == SWB_F16 ? "fp16" : "fp32", mode, one.median,
        one.p10, one.p90, static_cast<long long>(m.stages), static_cast<long long>(m.stages * kDepth), all.median,
        all.p10, all.p90, all.median / static_cast<double>(m.stages * kDepth), first_ms, st.workspace_bytes / 1e6,
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
    for (const auto& size : o.sizes)
      for (bool graph : o.graphs)
        for (bool tune : o.tunes) Bench(m, size.first, size.second, graph, tune, o);
  return 0;
}
