// The TensorRT plugins' plain logic (no TensorRT needed): the op contracts as the plugins see them (output shapes,
// dtype rules), attribute fields and their (de)serialization, cache names.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "check.h"
#include "plugin_logic.h"

using namespace swinbench::trt;
using Dims = std::vector<int64_t>;


static std::vector<Dims> Shapes(Op op, const Attrs& a, const std::vector<Dims>& in) {
  IntAlgebra alg;
  std::vector<Dims> out;
  CHECK(OutputShapes(op, a, in, out, alg));
  return out;
}

// A symbolic algebra: proves the shapes are expressions of the inputs (what getOutputShapes builds), not constants.
struct TextAlgebra {
  std::string Const(int64_t v) const { return std::to_string(v); }
  std::string Mul(const std::string& x, const std::string& y) const { return "(" + x + "*" + y + ")"; }
  std::string FloorDiv(const std::string& x, const std::string& y) const { return "(" + x + "/" + y + ")"; }
};

static void TestNames() {
  for (Op op : kOps) {
    Op back;
    CHECK(OpFromName(OpName(op), back) && back == op);
  }
  Op op;
  CHECK(!OpFromName("LayerNormalization", op));
  CHECK(std::string(kDomain) == "swinbench" && std::string(kPluginVersion) == "1");
  CHECK(MaxInputs(Op::ReverseRollAdd) == 3 && NbOutputs(Op::QkvSplit) == 3 && NbOutputs(Op::WindowMask) == 1);
  // a creator for every op of the table, in the parser's namespace "" and in the ONNX domain's
  const auto registered = PluginRegistrations();
  CHECK(registered.size() == 2 * std::size(kOps));
  for (Op o : kOps)
    for (const std::string ns : {"", "swinbench"})
      CHECK(std::count(registered.begin(), registered.end(), std::make_pair(o, ns)) == 1);
}

static void TestShapes() {
  Attrs w{8, 4, 0, 0.0f, 1e-5f};
  const Dims image{2, 3, 64, 96};  // nW = 8 * 12 = 96, N = 64
  CHECK(Shapes(Op::WindowMask, w, {image}) == (std::vector<Dims>{{96, 64, 64}}));
  CHECK(Shapes(Op::LnRollPartition, w, {{2, 64 * 96, 60}, {60}, {60}, image}) == (std::vector<Dims>{{192, 64, 60}}));
  CHECK(Shapes(Op::ReverseRollAdd, w, {{192, 64, 60}, {2, 64 * 96, 60}, image}) == (std::vector<Dims>{{2, 64 * 96, 60}}));
  Attrs q{0, 0, 6, 0.3162f, 1e-5f};
  CHECK(Shapes(Op::QkvSplit, q, {{192, 64, 180}}) == (std::vector<Dims>(3, Dims{192, 6, 64, 10})));
  Attrs ln;
  CHECK(Shapes(Op::LayerNormFp32, ln, {{2, 6144, 60}, {60}, {60}}) == (std::vector<Dims>{{2, 6144, 60}}));

  IntAlgebra alg;
  std::vector<Dims> out;
  CHECK(!OutputShapes(Op::LnRollPartition, w, {{2, 64, 60}, {60}, {60}}, out, alg));  // one input short
  CHECK(!OutputShapes(Op::WindowMask, w, {{2, 3, 64}}, out, alg));             // rank 3 image

  TextAlgebra text;
  std::vector<std::vector<std::string>> sym;
  CHECK(OutputShapes(Op::LnRollPartition, w,
                     std::vector<std::vector<std::string>>{{"B", "HW", "C"}, {"C"}, {"C"}, {"B", "3", "H", "W"}}, sym, text));
  CHECK(sym.size() == 1 && sym[0][0] == "(B*((H/8)*(W/8)))" && sym[0][1] == "64" && sym[0][2] == "C");
  CHECK(OutputShapes(Op::QkvSplit, q, std::vector<std::vector<std::string>>{{"Bw", "N", "C3"}}, sym, text));
  CHECK(sym.size() == 3 && sym[2] == (std::vector<std::string>{"Bw", "6", "N", "(C3/18)"}));

  std::string e;
  CHECK(CheckInputDims(Op::LnRollPartition, w, {{2, 64 * 96, 60}, {60}, {60}, image}, e));
  CHECK(!CheckInputDims(Op::LnRollPartition, w, {{2, 64 * 96, 60}, {60}, {60}, {2, 3, 60, 96}}, e) &&
        e.find("multiples") != std::string::npos);
  CHECK(!CheckInputDims(Op::LnRollPartition, w, {{2, 100, 60}, {60}, {60}, image}, e) && e.find("H*W") != std::string::npos);
  CHECK(!CheckInputDims(Op::ReverseRollAdd, w, {{191, 64, 60}, {2, 64 * 96, 60}, image}, e));
  CHECK(!CheckInputDims(Op::QkvSplit, q, {{192, 64, 181}}, e));
  CHECK(!CheckInputDims(Op::LayerNormFp32, ln, {{2, 6144, 60}, {59}, {60}}, e));
  CHECK(CheckInputDims(Op::LayerNormFp32, ln, {{2, 6144, 60}, {60}, {60}}, e));
}

static void TestFields() {
  Attrs a{8, 4, 6, 0.125f, 1e-6f};
  for (Op op : kOps) {  // round trip through the fields the plugin serializes
    Attrs back;
    std::string e;
    CHECK(FromFields(op, ToFields(op, a), back, e));
    if (op == Op::QkvSplit) CHECK(back.num_heads == 6 && back.scale == 0.125f);
    if (op == Op::ReverseRollAdd) CHECK(back.window_size == 8 && back.shift_size == 4);
    if (op == Op::LayerNormFp32) CHECK(back.epsilon == 1e-6f);
    if (op == Op::LnRollPartition) CHECK(back.window_size == 8 && back.shift_size == 4 && back.epsilon == 1e-6f);
    if (op == Op::WindowAttention) CHECK(back.num_heads == 6 && back.scale == 0.125f);
  }
  const auto ln_schema = FieldSchema(Op::LnRollPartition);
  CHECK(ln_schema.size() == 3 && ln_schema[0].first == "window_size" && ln_schema[2].first == "epsilon" &&
        ln_schema[0].second == FieldType::Int64 && ln_schema[2].second == FieldType::Float32);
  // What the ONNX parser may hand over: int32 ints and float64 floats.
  const int32_t ws = 8, shift = 0, heads = 3;
  const double scale = 0.5;
  Attrs r;
  std::string e;
  CHECK(FromFields(Op::ReverseRollAdd, {{"window_size", FieldType::Int32, &ws, 1}, {"shift_size", FieldType::Int32, &shift, 1}}, r, e));
  CHECK(r.window_size == 8 && r.shift_size == 0);
  CHECK(FromFields(Op::QkvSplit, {{"num_heads", FieldType::Int32, &heads, 1}, {"scale", FieldType::Float64, &scale, 1}}, r, e));
  CHECK(r.num_heads == 3 && r.scale == 0.5f);
  CHECK(FromFields(Op::LayerNormFp32, {}, r, e) && r.epsilon == 1e-5f);  // default epsilon
  CHECK(!FromFields(Op::WindowMask, {{"window_size", FieldType::Int32, &ws, 1}}, r, e) && e.find("shift_size") != std::string::npos);
  CHECK(!FromFields(Op::QkvSplit, {{"num_heads", FieldType::Float64, &scale, 1}, {"scale", FieldType::Float64, &scale, 1}}, r, e) &&
        e.find("'num_heads' has the wrong type") != std::string::npos);
  CHECK(FromFields(Op::WindowAttention, {{"num_heads", FieldType::Int32, &heads, 1}, {"scale", FieldType::Float64, &scale, 1}}, r, e));
  CHECK(r.num_heads == 3 && r.scale == 0.5f);
  CHECK(!FromFields(Op::WindowAttention, {{"num_heads", FieldType::Int32, &heads, 1}}, r, e) && e.find("'scale' is missing") != std::string::npos);
  const int32_t bad_shift = 8;
  CHECK(!FromFields(Op::WindowMask, {{"window_size", FieldType::Int32, &ws, 1}, {"shift_size", FieldType::Int32, &bad_shift, 1}}, r, e));
}

static void TestTypes() {
  using D = DType;
  CHECK(SupportsType(Op::WindowMask, MaxInputs(Op::WindowMask), 0, {}, D::F16) && SupportsType(Op::WindowMask, MaxInputs(Op::WindowMask), 1, {D::F16}, D::F32));
  CHECK(!SupportsType(Op::WindowMask, MaxInputs(Op::WindowMask), 1, {D::F32}, D::F16));
  const int ln = MaxInputs(Op::LnRollPartition);
  CHECK(SupportsType(Op::LnRollPartition, ln, 3, {D::F16, D::F16, D::F16}, D::F32));  // image of another float type
  CHECK(SupportsType(Op::LnRollPartition, ln, 4, {D::F16, D::F16, D::F16, D::F32}, D::F16));
  CHECK(!SupportsType(Op::LnRollPartition, ln, 4, {D::F16, D::F16, D::F16, D::F32}, D::F32));
  CHECK(!SupportsType(Op::ReverseRollAdd, MaxInputs(Op::ReverseRollAdd), 1, {D::F32}, D::F16));
  CHECK(SupportsType(Op::QkvSplit, MaxInputs(Op::QkvSplit), 3, {D::F16, D::F16, D::F16}, D::F16));
  CHECK(!SupportsType(Op::LayerNormFp32, MaxInputs(Op::LayerNormFp32), 0, {}, D::Other));
  CHECK(OutputTypes(Op::WindowMask, {D::F16}) == std::vector<D>{D::F32});
  CHECK(OutputTypes(Op::QkvSplit, {D::F16}) == std::vector<D>(3, D::F16));
}

static void TestCacheName() {
  CHECK(EngineCacheFileName("models/swinir_s_x2.onnx", "NVIDIA H100 80GB HBM3", "10.16.0", "fp16-h64-1024") ==
        "models/swinir_s_x2.fp16-h64-1024.NVIDIA-H100-80GB-HBM3.trt10.16.0.engine");
  CHECK(EngineCacheFileName("m.onnx", "NVIDIA H200", "10.16.0", "") == "m.NVIDIA-H200.trt10.16.0.engine");
  CHECK(EngineCacheFileName("/a/b/c.onnx", "GPU/x:y", "10", "fp32 min=64") == "/a/b/c.fp32-min-64.GPU-x-y.trt10.engine");
  CHECK(EngineCacheFileName("m.onnx", "A", "10", "v1") != EngineCacheFileName("m.onnx", "A", "10", "v2"));
  CHECK(EngineCacheFileName("m.onnx", "A", "10", "v") != EngineCacheFileName("m.onnx", "B", "10", "v"));
  CHECK(SanitizeName("") == "unknown");
}

// SwinBlock as the plugin sees it: fields, shapes, the dtype walk of supportsFormatCombination.
static void TestSwinBlock() {
  namespace sb = swinbench::contract::swin_block;
  const auto schema = FieldSchema(Op::SwinBlock);
  const std::vector<std::pair<std::string, FieldType>> expect_schema = {{"num_heads", FieldType::Int64},
                                                                         {"window_size", FieldType::Int64},
                                                                         {"shift_size", FieldType::Int64},
                                                                         {"scale", FieldType::Float32},
                                                                         {"epsilon", FieldType::Float32}};
  CHECK(schema == expect_schema);

  // the ONNX parser's int32 and float64 fields; epsilon left out takes its default
  const int32_t heads = 6, ws = 8, shift = 4;
  const double scale = 0.25;
  Attrs a;
  std::string e;
  CHECK(FromFields(Op::SwinBlock, {{"num_heads", FieldType::Int32, &heads, 1}, {"window_size", FieldType::Int32, &ws, 1},
                                   {"shift_size", FieldType::Int32, &shift, 1}, {"scale", FieldType::Float64, &scale, 1}},
                   a, e));
  CHECK(a.num_heads == 6 && a.window_size == 8 && a.shift_size == 4 && a.scale == 0.25f && a.epsilon == 1e-5f);
  Attrs back;
  CHECK(FromFields(Op::SwinBlock, ToFields(Op::SwinBlock, a), back, e) && back.num_heads == 6 && back.window_size == 8 &&
        back.shift_size == 4 && back.scale == 0.25f && back.epsilon == 1e-5f);
  CHECK(!FromFields(Op::SwinBlock, {{"num_heads", FieldType::Int32, &heads, 1}, {"window_size", FieldType::Int32, &ws, 1},
                                    {"scale", FieldType::Float64, &scale, 1}},
                    back, e) &&
        e == "SwinBlock: attribute 'shift_size' is missing");
  const int32_t shift8 = 8;
  CHECK(!FromFields(Op::SwinBlock, {{"num_heads", FieldType::Int32, &heads, 1}, {"window_size", FieldType::Int32, &ws, 1},
                                    {"shift_size", FieldType::Int32, &shift8, 1}, {"scale", FieldType::Float64, &scale, 1}},
                    back, e) &&
        e.find("shift_size must be in [0, window_size 8)") != std::string::npos);

  // shapes: y is x's shape (concrete and symbolic)
  const Dims image{2, 3, 64, 96}, x{2, 64 * 96, 60};
  std::vector<Dims> in = {x,  {60}, {60}, {180, 60}, {180}, {6, 64, 64}, {60, 60}, {60}, {60}, {60}, {120, 60}, {120},
                          {60, 120}, {60}, image};
  CHECK(Shapes(Op::SwinBlock, a, in) == (std::vector<Dims>{x}));
  TextAlgebra text;
  std::vector<std::vector<std::string>> sym_in(15, std::vector<std::string>{"c"}), sym;
  sym_in[sb::kX] = {"B", "HW", "C"};
  sym_in[sb::kImage] = {"B", "3", "H", "W"};
  CHECK(OutputShapes(Op::SwinBlock, a, sym_in, sym, text) && sym.size() == 1 && sym[0] == sym_in[sb::kX]);

  // supportsFormatCombination asks position by position with the earlier types fixed: exactly x and the weights T,
  // attn_bias float32, the image any float type, y T
  using D = DType;
  for (const D t : {D::F32, D::F16}) {
    const D other = t == D::F32 ? D::F16 : D::F32;
    std::vector<D> chosen;
    for (int pos = 0; pos < 16; ++pos) {
      const bool t_ok = SupportsType(Op::SwinBlock, 15, pos, chosen, t);
      const bool other_ok = SupportsType(Op::SwinBlock, 15, pos, chosen, other);
      CHECK(!SupportsType(Op::SwinBlock, 15, pos, chosen, D::Other));
      if (pos == 0 || pos == sb::kImage) CHECK(t_ok && other_ok);
      else if (pos == sb::kAttnBias) CHECK((t == D::F32) == t_ok && (other == D::F32) == other_ok);
      else CHECK(t_ok && !other_ok);
      chosen.push_back(pos == sb::kAttnBias ? D::F32 : pos == sb::kImage ? other : t);
    }
    CHECK(OutputTypes(Op::SwinBlock, chosen) == std::vector<D>{t});
  }
}

int main() {
  TestNames();
  TestShapes();
  TestFields();
  TestTypes();
  TestCacheName();
  TestSwinBlock();
  return Finish("test_trt_logic");
}
