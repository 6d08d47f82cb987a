// ort_profile: runs one ONNX model with ONNX Runtime (CUDA or CPU EP, optionally with libswinbench_ort.so registered)
// and prints the wall time per run and, from ONNX Runtime's own profiler (SessionOptions EnableProfiling), the time
// per op type, with the provider each op type ran on and the Memcpy nodes ONNX Runtime inserted. Used by
// scripts/profile-ort-ops.sh to compare the plain graph with the swinbench custom-op graph.
//
//   ort_profile --model M.onnx [--ops libswinbench_ort.so] [--provider cuda|cpu] [--device 0]
//               [--height 256] [--width 256] [--batch 1] [--warmup 3] [--iters 10] [--profile PREFIX]
//               [--ort-lib libonnxruntime.so]   (default: $SWINBENCH_ORT_LIB, else the NuGet package's)
//               [--nhwc 0|1]   (CUDA EP prefer_nhwc: convolutions NHWC, the harness's channels_last variants)
//               [--conv-search EXHAUSTIVE|HEURISTIC|DEFAULT]   (CUDA EP cudnn_conv_algo_search; the harness's default
//               is EXHAUSTIVE)
//
// The model has one (N, C, H, W) input; symbolic N, H, W take --batch/--height/--width. The input is bound on the
// host (ONNX Runtime uploads it each run, the same for every model), the outputs on the provider's device.
// Node times from the profiler are host-side: with the CUDA EP they are launch times unless the process runs with
// CUDA_LAUNCH_BLOCKING=1, which makes every launch wait for its kernel (what the script's per-op pass does).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ort_runtime.h"

namespace {

struct Args {
  std::string model, ops, provider = "cuda", profile = "ort_profile", ort_lib, conv_search = "EXHAUSTIVE";
  int device = 0, warmup = 3, iters = 10, nhwc = 0;
  int64_t batch = 1, height = 256, width = 256;
};

[[noreturn]] void Die(const std::string& text) {
  std::fprintf(stderr, "ort_profile: %s\n", text.c_str());
  std::exit(2);
}

int64_t ToInt(const std::string& name, const std::string& v) {
  char* end = nullptr;
  const long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || x < 0) Die("--" + name + " needs a non-negative integer, got '" + v + "'");
  return x;
}

Args Parse(int argc, char** argv) {
  Args a;
  const char* env = std::getenv("SWINBENCH_ORT_LIB");
  a.ort_lib = env != nullptr && *env ? env : SWB_DEFAULT_ORT_LIB;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) Die("expected --option value, got '" + key + "' (see the header)");
    const std::string name = key.substr(2), v = argv[++i];
    if (name == "model") a.model = v;
    else if (name == "ops") a.ops = v;
    else if (name == "provider") a.provider = v;
    else if (name == "profile") a.profile = v;
    else if (name == "ort-lib") a.ort_lib = v;
    else if (name == "device") a.device = static_cast<int>(ToInt(name, v));
    else if (name == "warmup") a.warmup = static_cast<int>(ToInt(name, v));
    else if (name == "iters") a.iters = static_cast<int>(ToInt(name, v));
    else if (name == "batch") a.batch = ToInt(name, v);
    else if (name == "height") a.height = ToInt(name, v);
    else if (name == "width") a.width = ToInt(name, v);
    else if (name == "nhwc") a.nhwc = static_cast<int>(ToInt(name, v)) != 0;
    else if (name == "conv-search") a.conv_search = v;
    else Die("unknown option --" + name);
  }
  if (a.model.empty()) Die("--model is required");
  if (a.provider != "cuda" && a.provider != "cpu") Die("--provider must be cuda or cpu, got '" + a.provider + "'");
  if (a.iters < 1) Die("--iters must be >= 1");
  if (a.conv_search != "EXHAUSTIVE" && a.conv_search != "HEURISTIC" && a.conv_search != "DEFAULT")
    Die("--conv-search must be EXHAUSTIVE, HEURISTIC or DEFAULT, got '" + a.conv_search + "'");
  return a;
}

// ---- the profile: ONNX Runtime writes one JSON event per line; these read the few fields used ------------------------
// The value of "key" in line (a string without its quotes, or a number as text); empty when absent.
std::string Field(const std::string& line, const std::string& key, size_t from = 0) {
  size_t p = line.find("\"" + key + "\"", from);
  if (p == std::string::npos) return {};
  p = line.find(':', p + key.size() + 2);
  if (p == std::string::npos) return {};
  ++p;
  while (p < line.size() && line[p] == ' ') ++p;
  if (p < line.size() && line[p] == '"') {
    const size_t end = line.find('"', p + 1);
    return end == std::string::npos ? std::string() : line.substr(p + 1, end - p - 1);
  }
  size_t end = p;
  while (end < line.size() && (std::isdigit(static_cast<unsigned char>(line[end])) || line[end] == '.' || line[end] == '-')) ++end;
  return line.substr(p, end - p);
}

struct OpTotal {
  int64_t us = 0;
  int64_t calls = 0;
  std::map<std::string, int64_t> providers;  // provider -> calls
};

// Sums the Node events of the runs after the first `skip` model_run events, per op type.
void Summarize(const std::string& path, int skip, int runs, const std::string& expect_provider) {
  std::ifstream in(path);
  if (!in) Die("cannot read the profile " + path);
  struct Event {
    std::string cat, name, op, provider;
    int64_t ts, dur;
  };
  std::vector<Event> events;
  std::vector<std::pair<int64_t, int64_t>> model_runs;
  for (std::string line; std::getline(in, line);) {
    const std::string cat = Field(line, "cat");
    if (cat != "Node" && cat != "Session") continue;
    Event e{cat, Field(line, "name"), {}, {}, std::atoll(Field(line, "ts").c_str()), std::atoll(Field(line, "dur").c_str())};
    if (cat == "Session" && e.name == "model_run") model_runs.emplace_back(e.ts, e.ts + e.dur);
    if (cat != "Node" || e.name.size() < 12 || e.name.compare(e.name.size() - 12, 12, "_kernel_time") != 0) continue;
    const size_t args = line.find("\"args\"");
    if (args == std::string::npos) continue;
    e.op = Field(line, "op_name", args);
    e.provider = Field(line, "provider", args);
    events.push_back(e);
  }
  std::sort(model_runs.begin(), model_runs.end());
  if (static_cast<int>(model_runs.size()) < skip + runs)
    Die("the profile " + path + " has " + std::to_string(model_runs.size()) + " model_run events, expected " +
        std::to_string(skip + runs));
  const int64_t begin = model_runs[skip].first, end = model_runs.back().second;
  std::map<std::string, OpTotal> totals;
  int64_t all_us = 0;
  for (const Event& e : events) {
    if (e.ts < begin || e.ts > end) continue;
    OpTotal& t = totals[e.op];
    t.us += e.dur;
    ++t.calls;
    ++t.providers[e.provider];
    all_us += e.dur;
  }
  std::vector<std::pair<std::string, OpTotal>> sorted(totals.begin(), totals.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.us > b.second.us; });
  std::printf("per op type, per run (mean of %d profiled runs; node times as the profiler measures them):\n", runs);
  std::printf("  %-34s %8s %10s %7s  %s\n", "op_type", "calls", "ms", "share", "provider (calls)");
  for (const auto& [op, t] : sorted) {
    std::string prov;
    for (const auto& [p, n] : t.providers) prov += (prov.empty() ? "" : ", ") + p + " (" + std::to_string(n / runs) + ")";
    std::printf("  %-34s %8lld %10.3f %6.1f%%  %s\n", op.c_str(), static_cast<long long>(t.calls / runs),
                t.us / 1000.0 / runs, all_us ? 100.0 * t.us / all_us : 0.0, prov.c_str());
  }
  std::printf("  %-34s %8s %10.3f\n", "total", "", all_us / 1000.0 / runs);
  for (const auto& [op, t] : sorted)
    for (const auto& [p, n] : t.providers)
      if (p != expect_provider)
        std::printf("NOTE: %lld %s node(s) per run on %s, not %s\n", static_cast<long long>(n / runs), op.c_str(),
                    p.c_str(), expect_provider.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = Parse(argc, argv);
  std::string error;
  if (!swbtool::LoadOrt(a.ort_lib, error)) Die(error);
  try {
    Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "ort_profile");
    Ort::SessionOptions options;
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    options.EnableProfiling(a.profile.c_str());
    if (!a.ops.empty()) options.RegisterCustomOpsLibrary(a.ops.c_str());
    const std::string provider = a.provider == "cuda" ? "CUDAExecutionProvider" : "CPUExecutionProvider";
    if (a.provider == "cuda") {
      // the options the harness uses (harness/Backends/OrtSession.cs AppendCuda, its defaults)
      OrtCUDAProviderOptionsV2* cuda = nullptr;
      Ort::ThrowOnError(Ort::GetApi().CreateCUDAProviderOptions(&cuda));
      const std::string device = std::to_string(a.device);
      const char* keys[] = {"device_id", "cudnn_conv_algo_search", "use_tf32", "prefer_nhwc"};
      const char* values[] = {device.c_str(), a.conv_search.c_str(), "0", "1"};
      Ort::ThrowOnError(Ort::GetApi().UpdateCUDAProviderOptions(cuda, keys, values, a.nhwc ? 4 : 3));
      options.AppendExecutionProvider_CUDA_V2(*cuda);
      Ort::GetApi().ReleaseCUDAProviderOptions(cuda);
    }
    Ort::Session session(env, a.model.c_str(), options);

    if (session.GetInputCount() != 1) Die(a.model + ": expected one input, got " + std::to_string(session.GetInputCount()));
    Ort::AllocatorWithDefaultOptions host;
    const std::string input_name = session.GetInputNameAllocated(0, host).get();
    const Ort::TypeInfo type_info = session.GetInputTypeInfo(0);  // owns what info points into
    const auto info = type_info.GetTensorTypeAndShapeInfo();
    const ONNXTensorElementDataType type = info.GetElementType();
    if (type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT && type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16)
      Die(a.model + ": input '" + input_name + "' is neither float32 nor float16");
    std::vector<int64_t> dims = info.GetShape();
    if (dims.size() != 4) Die(a.model + ": input '" + input_name + "' is not NCHW (rank 4)");
    const int64_t fill[4] = {a.batch, 3, a.height, a.width};
    for (size_t i = 0; i < 4; ++i)
      if (dims[i] < 0) dims[i] = fill[i];
    size_t count = 1;
    for (int64_t d : dims) count *= static_cast<size_t>(d);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> data(count);
    for (float& x : data) x = dist(rng);
    std::vector<Ort::Float16_t> half;
    const Ort::MemoryInfo cpu = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    Ort::Value input{nullptr};
    if (type == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16) {
      for (float x : data) half.emplace_back(x);
      input = Ort::Value::CreateTensor<Ort::Float16_t>(cpu, half.data(), half.size(), dims.data(), dims.size());
    } else {
      input = Ort::Value::CreateTensor<float>(cpu, data.data(), data.size(), dims.data(), dims.size());
    }

    Ort::IoBinding binding(session);
    binding.BindInput(input_name.c_str(), input);
    const Ort::MemoryInfo out_memory = a.provider == "cuda"
                                           ? Ort::MemoryInfo("Cuda", OrtDeviceAllocator, a.device, OrtMemTypeDefault)
                                           : Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    std::vector<std::string> outputs;
    for (size_t i = 0; i < session.GetOutputCount(); ++i) {
      outputs.push_back(session.GetOutputNameAllocated(i, host).get());
      binding.BindOutput(outputs.back().c_str(), out_memory);
    }
    const Ort::RunOptions run;
    std::vector<double> ms;
    for (int i = 0; i < a.warmup + a.iters; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      session.Run(run, binding);
      binding.SynchronizeOutputs();
      const auto t1 = std::chrono::steady_clock::now();
      if (i >= a.warmup) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("model %s\nops library %s\nprovider %s, input %s (", a.model.c_str(), a.ops.empty() ? "(none)" : a.ops.c_str(),
                provider.c_str(), input_name.c_str());
    for (size_t i = 0; i < dims.size(); ++i) std::printf("%s%lld", i ? ", " : "", static_cast<long long>(dims[i]));
    std::printf(") %s\nwall per run: median %.3f ms, min %.3f ms, max %.3f ms over %d runs (after %d warm-up)\n",
                type == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 ? "float16" : "float32", ms[ms.size() / 2], ms.front(),
                ms.back(), a.iters, a.warmup);
    const std::string path = session.EndProfilingAllocated(host).get();
    std::printf("profile %s\n", path.c_str());
    Summarize(path, a.warmup, a.iters, provider);
  } catch (const Ort::Exception& e) {
    Die(e.what());
  }
  return 0;
}
