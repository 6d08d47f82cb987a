// The ONNX Runtime front end of LnRollPartition and WindowAttention on the CPU execution provider: one-node models
// (tools/onnx_writer.h) run through ONNX Runtime with libswinbench_ort.so registered, compared bit for bit with the C ABI
// CPU kernels on the same inputs, plus the inferred output shapes and the named errors (attributes, input shapes).
//   test_ort_ops <libswinbench_ort.so>   (ONNX Runtime: $SWINBENCH_ORT_LIB, else the NuGet package's libonnxruntime.so)
// Exits 77 (skipped) when ONNX Runtime's library is not there.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "onnx_writer.h"
#include "ort_runtime.h"
#include "test_util.h"

using swbtool::AttrValue;
using swbtool::kFloat;
using swbtool::kFloat16;
using swbtool::ValueSpec;
using Dims = std::vector<int64_t>;

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

// Runs the one-node model op_type with node inputs node_inputs ("" = absent) on the CPU EP; the output is "y" of out_type.
Result Run(const std::string& op_type, const std::vector<Input>& inputs, const std::vector<std::string>& node_inputs,
           int out_type, const std::vector<AttrValue>& attrs) {
  Result r;
  std::vector<ValueSpec> specs;
  for (const auto& in : inputs) specs.push_back(in.spec);
  const std::string model =
      swbtool::SingleNodeModel(op_type, "swinbench", specs, node_inputs, {{"y", out_type, {}}}, attrs);
  try {
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(1);
    options.RegisterCustomOpsLibrary(op_library);
    Ort::Session session(*env, model.data(), model.size(), options);
    const Ort::TypeInfo type_info = session.GetOutputTypeInfo(0);  // owns what the shape info points into
    r.inferred = type_info.GetTensorTypeAndShapeInfo().GetShape();
    const auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
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
  } catch (const Ort::Exception& e) {
    r.error = e.what();
  }
  return r;
}

std::string Text(const Dims& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + ")";
}

bool Has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

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
  for (const int type : {kFloat, kFloat16}) {
    TestLnRollPartition(c, type);
    TestWindowAttention(c, type);
  }
  return c.Done();
}
