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
//               [--ep KEY=VALUE]...   (any other CUDA EP option, e.g. cudnn_conv_use_max_workspace=0, fuse_conv_bias=1)
//   ort_profile --conv CIN,COUT,K [--dtype fp16|fp32] ...   (instead of --model: one Conv node, K x K, padding K/2,
//               random weights and bias, on an (N, CIN, H, W) input; SwinIR's body convolution is 180,180,3)
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

#include "onnx_writer.h"
#include "ort_runtime.h"

namespace {

struct Args {
  std::string model, ops, provider = "cuda", profile = "ort_profile", ort_lib, conv_search = "EXHAUSTIVE", dtype = "fp16";
  std::vector<std::pair<std::string, std::string>> ep;  // extra CUDA EP options
  int64_t conv_in = 0, conv_out = 0, conv_k = 0;        // --conv: one Conv node instead of --model
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
    else if (name == "dtype") a.dtype = v;
    else if (name == "ep") {
      const size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) Die("--ep needs KEY=VALUE, got '" + v + "'");
      a.ep.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (name == "conv") {
      std::stringstream parts(v);
      std::string cin, cout, k;
      if (!std::getline(parts, cin, ',') || !std::getline(parts, cout, ',') || !std::getline(parts, k) )
        Die("--conv needs CIN,COUT,K, got '" + v + "'");
      a.conv_in = ToInt(name, cin), a.conv_out = ToInt(name, cout), a.conv_k = ToInt(name, k);
      if (a.conv_in < 1 || a.conv_out < 1 || a.conv_k < 1 || a.conv_k % 2 == 0)
        Die("--conv needs positive CIN, COUT and an odd K, got '" + v + "'");
    } else Die("unknown option --" + name);
  }
  if (a.model.empty() == (a.conv_k == 0)) Die("give exactly one of --model M.onnx and --conv CIN,COUT,K");
  if (a.dtype != "fp16" && a.dtype != "fp32") Die("--dtype must be fp16 or fp32, got '" + a.dtype + "'");
  if (a.provider != "cuda" && a.provider != "cpu") Die("--provider must be cuda or cpu, got '" + a.provider + "'");
  if (a.iters < 1) Die("--iters must be >= 1");
  if (a.conv_search != "EXHAUSTIVE" && a.conv_search != "HEURISTIC" && a.conv_search != "DEFAULT")
    Die("--conv-search must be EXHAUSTIVE, HEURISTIC or DEFAULT, got '" + a.conv_search + "'");
  return a;
}

// One Conv node (weights and bias as initializers, seeded random values) over an (N, CIN, H, W) input with symbolic
// N, H, W: the serialized ModelProto (field numbers from onnx/onnx.proto).
std::string ConvModel(const Args& a) {
  using swbtool::Proto;
  const int elem = a.dtype == "fp16" ? swbtool::kFloat16 : swbtool::kFloat;
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  auto tensor = [&](const std::string& name, const std::vector<int64_t>& dims) {
    size_t n = 1;
    for (int64_t d : dims) n *= static_cast<size_t>(d);
    std::string raw;
    for (size_t i = 0; i < n; ++i) {
      const float x = dist(rng);
      if (elem == swbtool::kFloat16) {
        const uint16_t h = Ort::Float16_t(x).val;
        raw.append(reinterpret_cast<const char*>(&h), 2);
      } else {
        raw.append(reinterpret_cast<const char*>(&x), 4);
      }
    }
    Proto t;  // TensorProto: dims 1, data_type 2, name 8, raw_data 9
    for (int64_t d : dims) t.Varint(1, static_cast<uint64_t>(d));
    t.Varint(2, static_cast<uint64_t>(elem)).Bytes(8, name).Bytes(9, raw);
    return t;
  };
  auto value = [&](const std::string& name, const std::vector<std::string>& dims) {
    Proto shape;  // TensorShapeProto.Dimension: dim_value 1, dim_param 2
    for (const auto& d : dims)
      shape.Message(1, std::isdigit(static_cast<unsigned char>(d[0])) ? Proto().Varint(1, std::stoull(d)) : Proto().Bytes(2, d));
    Proto tensor;
    tensor.Varint(1, static_cast<uint64_t>(elem)).Message(2, shape);
    Proto type;
    type.Message(1, tensor);
    return Proto().Bytes(1, name).Message(2, type);
  };
  const int64_t pad = a.conv_k / 2;
  Proto node;  // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
  node.Bytes(1, "x").Bytes(1, "w").Bytes(1, "b").Bytes(2, "y").Bytes(3, "conv").Bytes(4, "Conv");
  Proto kernel, pads;  // AttributeProto: name 1, ints 8, type 20 (INTS 7)
  kernel.Bytes(1, "kernel_shape").Varint(8, a.conv_k).Varint(8, a.conv_k).Varint(20, 7);
  pads.Bytes(1, "pads").Varint(8, pad).Varint(8, pad).Varint(8, pad).Varint(8, pad).Varint(20, 7);
  node.Message(5, kernel).Message(5, pads);
  Proto graph;  // GraphProto: node 1, name 2, initializer 5, input 11, output 12
  graph.Message(1, node).Bytes(2, "conv");
  graph.Message(5, tensor("w", {a.conv_out, a.conv_in, a.conv_k, a.conv_k})).Message(5, tensor("b", {a.conv_out}));
  graph.Message(11, value("x", {"N", std::to_string(a.conv_in), "H", "W"}));
  graph.Message(12, value("y", {"N", std::to_string(a.conv_out), "H", "W"}));
  Proto model;  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8
  model.Varint(1, 8).Bytes(2, "ort_profile").Message(7, graph).Message(8, Proto().Bytes(1, "").Varint(2, 17));
  return model.Data();
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
      std::vector<std::pair<std::string, std::string>> settings = {
          {"device_id", std::to_string(a.device)}, {"cudnn_conv_algo_search", a.conv_search}, {"use_tf32", "0"}};
      if (a.nhwc) settings.emplace_back("prefer_nhwc", "1");
      settings.insert(settings.end(), a.ep.begin(), a.ep.end());
      std::vector<const char*> keys, values;
      for (const auto& [k, v] : settings) keys.push_back(k.c_str()), values.push_back(v.c_str());
      Ort::ThrowOnError(Ort::GetApi().UpdateCUDAProviderOptions(cuda, keys.data(), values.data(), keys.size()));
      options.AppendExecutionProvider_CUDA_V2(*cuda);
      Ort::GetApi().ReleaseCUDAProviderOptions(cuda);
    }
    const std::string conv = a.conv_k > 0 ? ConvModel(a) : std::string();
    Ort::Session session = conv.empty() ? Ort::Session(env, a.model.c_str(), options)
                                        : Ort::Session(env, conv.data(), conv.size(), options);
    const std::string model_name = conv.empty() ? a.model
                                                : "conv " + std::to_string(a.conv_in) + "->" + std::to_string(a.conv_out) +
                                                      " " + std::to_string(a.conv_k) + "x" + std::to_string(a.conv_k) + " " + a.dtype;

    if (session.GetInputCount() != 1) Die(model_name + ": expected one input, got " + std::to_string(session.GetInputCount()));
    Ort::AllocatorWithDefaultOptions host;
    const std::string input_name = session.GetInputNameAllocated(0, host).get();
    const Ort::TypeInfo type_info = session.GetInputTypeInfo(0);  // owns what info points into
    const auto info = type_info.GetTensorTypeAndShapeInfo();
    const ONNXTensorElementDataType type = info.GetElementType();
    if (type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT && type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16)
      Die(model_name + ": input '" + input_name + "' is neither float32 nor float16");
    std::vector<int64_t> dims = info.GetShape();
    if (dims.size() != 4) Die(model_name + ": input '" + input_name + "' is not NCHW (rank 4)");
    const int64_t fill[4] = {a.batch, a.conv_k > 0 ? a.conv_in : 3, a.height, a.width};
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
    std::printf("model %s\nops library %s\nprovider %s, input %s (", model_name.c_str(), a.ops.empty() ? "(none)" : a.ops.c_str(),
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
