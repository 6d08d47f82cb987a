// The ONNX Runtime front end on the CPU execution provider: the kernels libswinbench_ort.so registers (swb_ort_ops:
// every op of the table in every type combination, per provider), and LnRollPartition, WindowAttention and SwinBlock as
// one-node models (tools/onnx_writer.h) run through ONNX Runtime with the library registered, compared bit for bit with
// the C ABI CPU kernels (SwinBlock: a swb_swin_block handle) on the same inputs, plus the inferred output shapes and the
// named errors (attributes, input shapes).
//   test_ort_ops <libswinbench_ort.so>   (ONNX Runtime: $SWINBENCH_ORT_LIB, else the NuGet package's libonnxruntime.so)
// Exits 77 (skipped) when ONNX Runtime's library is not there.
#include <dlfcn.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "onnx_writer.h"
#include "op_contracts.h"
#include "ort_runtime.h"
#include "test_util.h"

using swbtool::AttrValue;
using swbtool::kFloat;
using swbtool::kFloat16;
using swbtool::ValueSpec;
using Dims = std::vector<int64_t>;

namespace swinbench_block_names {
// SwinBlock's input names, in order (the contract's swin_block::InputName)
const char* const kNames[] = {"x",          "norm1_weight", "norm1_bias", "qkv_weight", "qkv_bias",
                              "attn_bias",  "proj_weight",  "proj_bias",  "norm2_weight", "norm2_bias",
                              "fc1_weight", "fc1_bias",     "fc2_weight", "fc2_bias",   "image"};
}  // namespace swinbench_block_names

namespace {

const char* op_library = nullptr;
Ort::Env* env = nullptr;

struct Input {
  ValueSpec spec;
  std::vector<uint8_t> bytes;
};

template <typename E>
Input MakeInput(const std::string& name, int type, const Dims& dims, const std::vector<E>& data) {
  Input in{{name, type, dims}, {}};
  in.bytes.resize(data.size() * sizeof(E));
  std::memcpy(in.bytes.data(), data.data(), in.bytes.size());
  return in;
}

// data as elements of type (float32 or the float16 bits of it)
Input Tensor(const std::string& name, int type, const Dims& dims, const std::vector<float>& data) {
  return type == kFloat16 ? MakeInput(name, type, dims, test::ToHalf(data)) : MakeInput(name, type, dims, data);
}

size_t Count(const Dims& d) {
  size_t n = 1;
  for (int64_t x : d) n *= static_cast<size_t>(x);
  return n;
}

struct Result {
  bool ok = false;
  std::string error;
  Dims inferred;  // the output shape ONNX Runtime inferred at session creation
  Dims shape;
  std::vector<uint8_t> data;
};

// Runs the one-node model op_type with node inputs node_inputs ("" = absent) on the CPU EP, once per input set of runs
// (the same names and types, in one session; a graph input whose dims differ between the runs is declared without a
// shape); the output is "y" of out_type. One result per run; a failure (session creation or a run) ends the list with
// a result that is not ok.
std::vector<Result> RunEach(const std::string& op_type, const std::vector<std::vector<Input>>& runs,
                            const std::vector<std::string>& node_inputs, int out_type,
                            const std::vector<AttrValue>& attrs) {
  std::vector<Result> results;
  std::vector<ValueSpec> specs;
  for (const auto& in : runs.at(0)) specs.push_back(in.spec);
  for (const auto& inputs : runs)
    for (size_t i = 0; i < specs.size(); ++i)
      if (inputs[i].spec.dims != specs[i].dims) specs[i].dims.clear();
  const std::string model =
      swbtool::SingleNodeModel(op_type, "swinbench", specs, node_inputs, {{"y", out_type, {}}}, attrs);
  Dims inferred;
  try {
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(1);
    options.RegisterCustomOpsLibrary(op_library);
    Ort::Session session(*env, model.data(), model.size(), options);
    const Ort::TypeInfo type_info = session.GetOutputTypeInfo(0);  // owns what the shape info points into
    inferred = type_info.GetTensorTypeAndShapeInfo().GetShape();
    const auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    for (const auto& inputs : runs) {
      Result r;
      r.inferred = inferred;
      std::vector<Ort::Value> values;
      std::vector<const char*> names;
      for (const auto& in : inputs) {
        values.push_back(Ort::Value::CreateTensor(memory, const_cast<uint8_t*>(in.bytes.data()), in.bytes.size(),
                                                  in.spec.dims.data(), in.spec.dims.size(),
                                                  static_cast<ONNXTensorElementDataType>(in.spec.elem_type)));
        names.push_back(in.spec.name.c_str());
      }
      const char* output = "y";
      auto outs = session.Run(Ort::RunOptions{nullptr}, names.data(), values.data(), values.size(), &output, 1);
      const auto info = outs[0].GetTensorTypeAndShapeInfo();
      r.shape = info.GetShape();
      const size_t bytes = info.GetElementCount() * (out_type == kFloat16 ? 2 : 4);
      const auto* p = static_cast<const uint8_t*>(outs[0].GetTensorRawData());
      r.data.assign(p, p + bytes);
      r.ok = true;
      results.push_back(std::move(r));
    }
  } catch (const Ort::Exception& e) {
    Result r;
    r.inferred = inferred;
    r.error = e.what();
    results.push_back(std::move(r));
  }
  return results;
}

// RunEach with one input set.
Result Run(const std::string& op_type, const std::vector<Input>& inputs, const std::vector<std::string>& node_inputs,
           int out_type, const std::vector<AttrValue>& attrs) {
  return RunEach(op_type, {inputs}, node_inputs, out_type, attrs).back();
}

std::string Text(const Dims& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + ")";
}

bool Has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// What the library registers: per provider, each op of the table once per combination of its T, Image and Param
// types (float or float16 each), and nothing else.
void TestRegistered(test::Checker& c) {
  using namespace swinbench::contract;
  void* lib = dlopen(op_library, RTLD_NOW | RTLD_LOCAL);
  const auto list = lib != nullptr ? reinterpret_cast<const char* (*)()>(dlsym(lib, "swb_ort_ops")) : nullptr;
  if (!c.Expect(list != nullptr, "swb_ort_ops not found in %s", op_library)) return;
  std::map<std::string, std::map<std::string, int>> kernels;  // provider -> op type -> kernels
  std::istringstream lines(list());
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string op, provider;
    words >> op >> provider;
    ++kernels[provider][op];
  }
  c.Expect(kernels.count("CPUExecutionProvider") == 1, "no CPU kernels registered");
  for (const auto& [provider, ops] : kernels) {
    c.Expect(ops.size() == std::size(kOps), "%s: %zu op types, the table has %zu", provider.c_str(), ops.size(),
             std::size(kOps));
    for (Op op : kOps) {
      int variables = 0;
      for (const Kind k : {Kind::T, Kind::Image, Kind::Param})
        for (int i = 0; i < MaxInputs(op); ++i)
          if (InputKind(op, i) == k) {
            ++variables;
            break;
          }
      const auto found = ops.find(OpName(op));
      c.Expect(found != ops.end() && found->second == 1 << variables, "%s %s: %d kernels, expected %d",
               provider.c_str(), OpName(op), found == ops.end() ? 0 : found->second, 1 << variables);
    }
  }
  dlclose(lib);
}

void TestLnRollPartition(test::Checker& c, int type) {
  const swb_window_geometry g{2, 16, 24, 12, 8, 4, 0};  // nW = 2 * 3 = 6, N = 64
  const float eps = 1e-5f;
  const swb_dtype t = type == kFloat16 ? SWB_F16 : SWB_F32;
  const size_t esize = type == kFloat16 ? 2 : 4;
  const Dims x_dims{g.batch, g.height * g.width, g.channels};
  const auto x = test::Random(Count(x_dims), 11);
  const auto w = test::Random(g.channels, 12, 0.5f, 1.5f);
  const auto b = test::Random(g.channels, 13);
  const int image_type = type == kFloat16 ? kFloat : kFloat16;  // the image may be of another float type
  const std::vector<Input> inputs = {Tensor("x", type, x_dims, x), Tensor("weight", type, {g.channels}, w),
                                     Tensor("bias", type, {g.channels}, b),
                                     Tensor("image", image_type, {g.batch, 3, g.height, g.width},
                                            std::vector<float>(Count({g.batch, 3, g.height, g.width}), 0.0f))};
  const std::vector<AttrValue> attrs = {{"window_size", false, 8, 0}, {"shift_size", false, 4, 0}, {"epsilon", true, 0, eps}};
  const Result r = Run("LnRollPartition", inputs, {"x", "weight", "bias", "image"}, type, attrs);
  if (!c.Expect(r.ok, "LnRollPartition type %d: %s", type, r.error.c_str())) return;
  const Dims expect{g.batch * 6, 64, g.channels};
  c.Expect(r.inferred == expect, "LnRollPartition inferred %s, expected %s", Text(r.inferred).c_str(), Text(expect).c_str());
  c.Expect(r.shape == expect, "LnRollPartition output %s, expected %s", Text(r.shape).c_str(), Text(expect).c_str());
  std::vector<uint8_t> ref(Count(expect) * esize);
  char msg[256];
  c.Status(swb_ln_roll_partition_cpu(&g, eps, t, t, inputs[0].bytes.data(), inputs[1].bytes.data(),
                                     inputs[2].bytes.data(), ref.data(), msg, sizeof msg),
           SWB_OK, msg, "reference ln_roll_partition");
  c.Expect(r.data == ref, "LnRollPartition type %d: ORT output differs from swb_ln_roll_partition_cpu", type);

  // a missing attribute fails session creation, naming op and attribute
  const Result missing = Run("LnRollPartition", inputs, {"x", "weight", "bias", "image"}, type, {{"window_size", false, 8, 0}});
  c.Expect(!missing.ok && Has(missing.error, "swinbench::LnRollPartition: attribute 'shift_size' is missing"),
           "missing shift_size: %s", missing.error.c_str());
  // an image that is not a multiple of the window fails at run time, naming the image
  std::vector<Input> odd = inputs;
  odd[3] = Tensor("image", image_type, {g.batch, 3, 16, 20}, std::vector<float>(Count({g.batch, 3, 16, 20}), 0.0f));
  const Result bad = Run("LnRollPartition", odd, {"x", "weight", "bias", "image"}, type, attrs);
  c.Expect(!bad.ok && Has(bad.error, "multiples of window_size 8"), "odd image: %s", bad.error.c_str());
}

void TestWindowAttention(test::Checker& c, int type) {
  const swb_window_geometry wg{2, 16, 24, 16, 8, 4, 0};  // nW = 6, N = 64
  const swb_qkv_geometry g{12, 64, 16, 2, 0, 0};          // B_ = 2 * 6, C = 16, 2 heads
  const float scale = 0.25f;
  const swb_dtype t = type == kFloat16 ? SWB_F16 : SWB_F32;
  const size_t esize = type == kFloat16 ? 2 : 4;
  const Dims qkv_dims{g.batch_windows, g.tokens, 3 * g.channels};
  const auto qkv = test::Random(Count(qkv_dims), 21);
  const auto bias = test::Random(Count({g.heads, g.tokens, g.tokens}), 22);
  std::vector<float> mask(6 * 64 * 64);
  char msg[256];
  c.Status(swb_window_mask_cpu(&wg, SWB_F32, mask.data(), msg, sizeof msg), SWB_OK, msg, "window mask");
  const Input q = Tensor("qkv", type, qkv_dims, qkv);
  const Input b = Tensor("bias", kFloat, {g.heads, g.tokens, g.tokens}, bias);
  const Input m = Tensor("mask", kFloat, {6, g.tokens, g.tokens}, mask);
  const std::vector<AttrValue> attrs = {{"num_heads", false, g.heads, 0}, {"scale", true, 0, scale}};
  const Dims expect{g.batch_windows, g.tokens, g.channels};

  std::vector<uint8_t> unmasked;
  for (const bool masked : {false, true}) {
    const Result r = masked ? Run("WindowAttention", {q, b, m}, {"qkv", "bias", "mask"}, type, attrs)
                            : Run("WindowAttention", {q, b}, {"qkv", "bias"}, type, attrs);
    if (!c.Expect(r.ok, "WindowAttention type %d masked %d: %s", type, masked, r.error.c_str())) continue;
    c.Expect(r.inferred == expect, "WindowAttention inferred %s", Text(r.inferred).c_str());
    c.Expect(r.shape == expect, "WindowAttention output %s", Text(r.shape).c_str());
    std::vector<uint8_t> ref(Count(expect) * esize);
    c.Status(swb_window_attention_cpu(&g, scale, t, q.bytes.data(), bias.data(), masked ? mask.data() : nullptr,
                                      masked ? 6 : 0, ref.data(), msg, sizeof msg),
             SWB_OK, msg, "reference window_attention");
    c.Expect(r.data == ref, "WindowAttention type %d masked %d: ORT output differs from swb_window_attention_cpu", type,
             masked);
    if (!masked) unmasked = r.data;
    else c.Expect(r.data != unmasked, "WindowAttention type %d: the mask changed nothing", type);
  }

  // an absent mask written as an empty input name (not left out) is the unmasked op too
  const Result empty = Run("WindowAttention", {q, b}, {"qkv", "bias", ""}, type, attrs);
  if (c.Expect(empty.ok, "WindowAttention with mask '': %s", empty.error.c_str())) {
    c.Expect(empty.inferred == expect, "WindowAttention with mask '': inferred %s", Text(empty.inferred).c_str());
    c.Expect(empty.data == unmasked, "WindowAttention type %d with mask '': differs from the two-input node", type);
  }
  // wrong bias and mask shapes fail at run time, naming the input and the shape it must have
  const Input b49 = Tensor("bias", kFloat, {g.heads, 49, 49}, std::vector<float>(g.heads * 49 * 49, 0.0f));
  const Result bad_bias = Run("WindowAttention", {q, b49}, {"qkv", "bias"}, type, attrs);
  c.Expect(!bad_bias.ok && Has(bad_bias.error, "bias must be (num_heads, N, N) = (2, 64, 64)"), "bad bias: %s",
           bad_bias.error.c_str());
  const Input m5 = Tensor("mask", kFloat, {5, g.tokens, g.tokens}, std::vector<float>(5 * 64 * 64, 0.0f));
  const Result bad_mask = Run("WindowAttention", {q, b, m5}, {"qkv", "bias", "mask"}, type, attrs);
  c.Expect(!bad_mask.ok && Has(bad_mask.error, "nW dividing B_ = 12"), "bad mask: %s", bad_mask.error.c_str());
}


// SwinBlock: one block (C = 16, 2 heads, ws 4, hidden 40) against a depth-1 handle made and run directly through the C
// ABI on the same inputs, bit for bit. In one session: a second run with other weight buffers (the kernel must make a
// new handle: its result is the reference of the new weights), then a run at another size with the first weights again.
struct BlockData {
  std::vector<std::vector<float>> weights;  // the 13 weights, swin_block::Input order from kNorm1Weight
};

BlockData MakeBlock(int64_t c, int64_t heads, int64_t ws, int64_t hidden, uint32_t seed) {
  const float in_c = 1.0f / std::sqrt(static_cast<float>(c)), in_h = 1.0f / std::sqrt(static_cast<float>(hidden));
  const int64_t n = ws * ws;
  BlockData b;
  b.weights = {test::Random(c, seed + 1, 0.8f, 1.2f),          test::Random(c, seed + 2, -0.1f, 0.1f),
               test::Random(3 * c * c, seed + 3, -in_c, in_c),  test::Random(3 * c, seed + 4, -in_c, in_c),
               test::Random(heads * n * n, seed + 5, -1, 1),    test::Random(c * c, seed + 6, -in_c, in_c),
               test::Random(c, seed + 7, -in_c, in_c),          test::Random(c, seed + 8, 0.8f, 1.2f),
               test::Random(c, seed + 9, -0.1f, 0.1f),          test::Random(hidden * c, seed + 10, -in_c, in_c),
               test::Random(hidden, seed + 11, -in_c, in_c),    test::Random(c * hidden, seed + 12, -in_h, in_h),
               test::Random(c, seed + 13, -in_h, in_h)};
  return b;
}

void TestSwinBlock(test::Checker& c, int type) {
  using namespace swinbench_block_names;
  const int64_t C = 16, heads = 2, ws = 4, shift = 2, hidden = 40, B = 2;
  const float scale = 1.0f / std::sqrt(8.0f), eps = 1e-5f;
  const swb_dtype t = type == kFloat16 ? SWB_F16 : SWB_F32;
  const int image_type = type == kFloat16 ? kFloat : kFloat16;  // the image may be of another float type
  const Dims weight_dims[13] = {{C},          {C}, {3 * C, C}, {3 * C}, {heads, ws * ws, ws * ws}, {C, C}, {C}, {C},
                                {C},          {hidden, C},     {hidden}, {C, hidden},               {C}};
  const auto inputs_of = [&](const BlockData& b, int64_t h, int64_t w, uint32_t x_seed) {
    std::vector<Input> in;
    const Dims x_dims{B, h * w, C};
    in.push_back(Tensor("x", type, x_dims, test::Random(Count(x_dims), x_seed)));
    for (int i = 0; i < 13; ++i)
      in.push_back(Tensor(kNames[i + 1], i == 4 ? kFloat : type, weight_dims[i], b.weights[i]));
    in.push_back(Tensor("image", image_type, {B, 3, h, w}, std::vector<float>(Count({B, 3, h, w}), 0.0f)));
    return in;
  };
  // the reference: a depth-1 handle on the same bytes, made and run through the C ABI
  const auto reference = [&](const std::vector<Input>& in, int64_t h, int64_t w, std::vector<uint8_t>& out) {
    swb_swin_block_desc d{};
    d.channels = C, d.heads = heads, d.hidden = hidden, d.window_size = ws, d.depth = 1;
    d.epsilon = eps, d.scale = scale, d.dtype = t, d.param_dtype = t, d.flags = 0;
    const auto p = [&](int i) { return static_cast<const void*>(in[i].bytes.data()); };
    const swb_swin_block_weights bw{shift, p(1), p(2),  p(3),  p(4),  static_cast<const float*>(p(5)), p(6), p(7),
                                    p(8),  p(9), p(10), p(11), p(12), p(13)};
    char msg[256];
    swb_swin_block* handle = nullptr;
    c.Status(swb_swin_block_create_cpu(&d, &bw, &handle, msg, sizeof msg), SWB_OK, msg, "reference swin_block create");
    out.assign(in[0].bytes.size(), 0);
    c.Status(swb_swin_block_run(handle, B, h, w, p(0), out.data(), nullptr, msg, sizeof msg), SWB_OK, msg,
             "reference swin_block run");
    swb_swin_block_destroy(handle);
  };
  const std::vector<AttrValue> attrs = {{"num_heads", false, heads, 0},
                                        {"window_size", false, ws, 0},
                                        {"shift_size", false, shift, 0},
                                        {"scale", true, 0, scale},
                                        {"epsilon", true, 0, eps}};
  const std::vector<std::string> names(kNames, kNames + 15);
  const BlockData first = MakeBlock(C, heads, ws, hidden, 100), second = MakeBlock(C, heads, ws, hidden, 200);
  const auto run1 = inputs_of(first, 8, 12, 31), run2 = inputs_of(second, 8, 12, 31), run3 = inputs_of(first, 12, 4, 32);
  const auto results = RunEach("SwinBlock", {run1, run2, run3}, names, type, attrs);
  if (!c.Expect(results.size() == 3 && results.back().ok, "SwinBlock type %d: %s", type, results.back().error.c_str()))
    return;
  const Result fixed = Run("SwinBlock", run1, names, type, attrs);  // graph inputs of fixed shape: y's is inferred
  c.Expect(fixed.ok && fixed.inferred == (Dims{B, 96, C}) && fixed.data == results[0].data,
           "SwinBlock type %d with fixed shapes: inferred %s: %s", type, Text(fixed.inferred).c_str(), fixed.error.c_str());
  const int64_t sizes[3][2] = {{8, 12}, {8, 12}, {12, 4}};
  const std::vector<Input>* sets[3] = {&run1, &run2, &run3};
  std::vector<std::vector<uint8_t>> refs(3);
  for (int r = 0; r < 3; ++r) {
    reference(*sets[r], sizes[r][0], sizes[r][1], refs[r]);
    const Dims expect{B, sizes[r][0] * sizes[r][1], C};
    c.Expect(results[r].shape == expect, "SwinBlock run %d output %s", r, Text(results[r].shape).c_str());
    c.Expect(results[r].data == refs[r], "SwinBlock type %d run %d: ORT output differs from the swb_swin_block handle",
             type, r);
  }
  c.Expect(refs[0] != refs[1], "SwinBlock type %d: the second weights changed nothing", type);
  c.Expect(results[0].data != run1[0].bytes, "SwinBlock type %d: y equals x", type);

  // a missing attribute fails session creation, naming op and attribute
  const Result missing = Run("SwinBlock", run1, names, type, {attrs[0], attrs[1], attrs[2]});
  c.Expect(!missing.ok && Has(missing.error, "swinbench::SwinBlock: attribute 'scale' is missing"), "missing scale: %s",
           missing.error.c_str());
  // a weight of the wrong shape and an image that is not a multiple of the window fail at run time, named
  std::vector<Input> bad = run1;
  bad[12] = Tensor("fc2_weight", type, {C, hidden + 1}, std::vector<float>(C * (hidden + 1), 0.0f));
  const Result bad_weight = Run("SwinBlock", bad, names, type, attrs);
  c.Expect(!bad_weight.ok && Has(bad_weight.error, "swinbench::SwinBlock: fc2_weight must be (16, 40), got (16, 41)"),
           "bad fc2_weight: %s", bad_weight.error.c_str());
  bad = run1;
  bad[14] = Tensor("image", image_type, {B, 3, 8, 10}, std::vector<float>(Count({B, 3, 8, 10}), 0.0f));
  bad[0] = Tensor("x", type, {B, 80, C}, std::vector<float>(B * 80 * C, 0.0f));
  const Result bad_image = Run("SwinBlock", bad, names, type, attrs);
  c.Expect(!bad_image.ok && Has(bad_image.error, "multiples of window_size 4"), "odd image: %s",
           bad_image.error.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: test_ort_ops <libswinbench_ort.so>\n");
    return 2;
  }
  op_library = argv[1];
  const char* from_env = std::getenv("SWINBENCH_ORT_LIB");
  const std::string ort = from_env != nullptr && *from_env ? from_env : SWB_DEFAULT_ORT_LIB;
  std::string error;
  if (!swbtool::LoadOrt(ort, error)) {
    std::printf("test_ort_ops: skipped: %s (set SWINBENCH_ORT_LIB)\n", error.c_str());
    return 77;
  }
  Ort::Env ort_env(ORT_LOGGING_LEVEL_FATAL, "test_ort_ops");
  env = &ort_env;
  test::Checker c("ort_ops");
  TestRegistered(c);
  for (const int type : {kFloat, kFloat16}) {
    TestLnRollPartition(c, type);
    TestWindowAttention(c, type);
    TestSwinBlock(c, type);
  }
  return c.Done();
}
