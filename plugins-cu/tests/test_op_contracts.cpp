// The op contracts (common/op_contracts.h) that the ONNX Runtime ops and the TensorRT plugins share: names and arities,
// attribute schema and reading, output shapes (concrete and symbolic), input checks, dtype rules, kernel geometry.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "check.h"
#include "op_contracts.h"

using namespace swinbench::contract;
using Dims = std::vector<int64_t>;


static bool Has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// A symbolic algebra: the shapes are expressions of the input dims, as ONNX Runtime and TensorRT build them.
struct TextAlgebra {
  std::string Const(int64_t v) const { return std::to_string(v); }
  std::string Mul(const std::string& x, const std::string& y) const { return "(" + x + "*" + y + ")"; }
  std::string FloorDiv(const std::string& x, const std::string& y) const { return "(" + x + "/" + y + ")"; }
};

// Attribute getters over a map, as an adapter hands them over (absent: false).
struct MapAttrs {
  std::map<std::string, int64_t> ints;
  std::map<std::string, float> floats;
  bool Read(Op op, Attrs& a, std::string& e) const {
    const auto get_int = [&](const char* n, int64_t& v) {
      auto it = ints.find(n);
      if (it == ints.end()) return false;
      v = it->second;
      return true;
    };
    const auto get_float = [&](const char* n, float& v) {
      auto it = floats.find(n);
      if (it == floats.end()) return false;
      v = it->second;
      return true;
    };
    return ReadAttrs(op, get_int, get_float, a, e);
  }
};

static void TestNames() {
  for (Op op : kOps) {
    Op back = Op::WindowMask;
    CHECK(OpFromName(OpName(op), back) && back == op);
  }
  Op op;
  CHECK(!OpFromName("LayerNormalization", op));
  CHECK(OpFromName("LnRollPartition", op) && op == Op::LnRollPartition);
  CHECK(OpFromName("WindowAttention", op) && op == Op::WindowAttention);
  CHECK(MinInputs(Op::LnRollPartition) == 4 && MaxInputs(Op::LnRollPartition) == 4 && ImageInput(Op::LnRollPartition) == 3);
  CHECK(MinInputs(Op::WindowAttention) == 2 && MaxInputs(Op::WindowAttention) == 3 && ImageInput(Op::WindowAttention) == -1);
  CHECK(NbOutputs(Op::QkvSplit) == 3 && NbOutputs(Op::WindowAttention) == 1 && ImageInput(Op::ReverseRollAdd) == 2);
}

static void TestAttrs() {
  Attrs a;
  std::string e;
  MapAttrs ln{{{"window_size", 8}, {"shift_size", 4}}, {}};
  CHECK(ln.Read(Op::LnRollPartition, a, e) && a.window_size == 8 && a.shift_size == 4 && a.epsilon == 1e-5f);
  ln.floats["epsilon"] = 1e-6f;
  CHECK(ln.Read(Op::LnRollPartition, a, e) && a.epsilon == 1e-6f);
  MapAttrs no_shift{{{"window_size", 8}}, {}};
  CHECK(!no_shift.Read(Op::LnRollPartition, a, e) && Has(e, "LnRollPartition") && Has(e, "'shift_size' is missing"));
  MapAttrs big_shift{{{"window_size", 8}, {"shift_size", 8}}, {}};
  CHECK(!big_shift.Read(Op::RollPartition, a, e) && Has(e, "shift_size must be in [0, window_size 8)"));
  MapAttrs negative_eps{{{"window_size", 8}, {"shift_size", 0}}, {{"epsilon", -1.0f}}};
  CHECK(!negative_eps.Read(Op::LnRollPartition, a, e) && Has(e, "epsilon"));

  MapAttrs attn{{{"num_heads", 6}}, {{"scale", 0.25f}}};
  CHECK(attn.Read(Op::WindowAttention, a, e) && a.num_heads == 6 && a.scale == 0.25f);
  MapAttrs no_scale{{{"num_heads", 6}}, {}};
  CHECK(!no_scale.Read(Op::WindowAttention, a, e) && Has(e, "WindowAttention: attribute 'scale' is missing"));
  MapAttrs zero_heads{{{"num_heads", 0}}, {{"scale", 0.25f}}};
  CHECK(!zero_heads.Read(Op::WindowAttention, a, e) && Has(e, "num_heads must be >= 1, got 0"));

  // every attribute of every schema has a slot of its kind in Attrs
  for (Op op : kOps)
    for (const AttrSpec& s : AttrSchema(op)) CHECK(s.kind == AttrKind::Int ? IntSlot(a, s.name) != nullptr : FloatSlot(a, s.name) != nullptr);
}

static void TestShapes() {
  const Attrs w{8, 4, 0, 0.0f, 1e-5f};
  const Dims image{2, 3, 64, 96};  // nW = 8 * 12 = 96, N = 64
  const Dims x{2, 64 * 96, 60};
  CHECK(OutputDims(Op::LnRollPartition, w, {x, {60}, {60}, image}) == (std::vector<Dims>{{192, 64, 60}}));
  CHECK(OutputDims(Op::RollPartition, w, {x, image}) == OutputDims(Op::LnRollPartition, w, {x, {60}, {60}, image}));
  const Attrs h{0, 0, 6, 0.3162f, 1e-5f};
  CHECK(OutputDims(Op::WindowAttention, h, {{192, 64, 180}, {6, 64, 64}}) == (std::vector<Dims>{{192, 64, 60}}));
  CHECK(OutputDims(Op::WindowAttention, h, {{192, 64, 180}, {6, 64, 64}, {96, 64, 64}}) ==
        (std::vector<Dims>{{192, 64, 60}}));

  IntAlgebra alg;
  std::vector<Dims> out;
  CHECK(!OutputShapes(Op::LnRollPartition, w, {x, {60}, {60}}, out, alg));                 // image missing
  CHECK(!OutputShapes(Op::LnRollPartition, w, {x, {60}, {60}, {64, 96}}, out, alg));       // rank 2 image
  CHECK(!OutputShapes(Op::WindowAttention, h, {{192, 64, 180}}, out, alg));                // bias missing
  CHECK(!OutputShapes(Op::WindowAttention, h, {{192, 64, 180}, {}, {}, {}}, out, alg));    // one input too many
  CHECK(!OutputShapes(Op::WindowAttention, h, {{192, 180}, {6, 64, 64}}, out, alg));       // rank 2 qkv

  TextAlgebra text;
  std::vector<std::vector<std::string>> sym;
  CHECK(OutputShapes(Op::LnRollPartition, w,
                     std::vector<std::vector<std::string>>{{"B", "HW", "C"}, {"C"}, {"C"}, {"B", "3", "H", "W"}}, sym, text));
  CHECK(sym.size() == 1 && sym[0] == (std::vector<std::string>{"(B*((H/8)*(W/8)))", "64", "C"}));
  CHECK(OutputShapes(Op::WindowAttention, h, std::vector<std::vector<std::string>>{{"Bw", "N", "C3"}, {"6", "N", "N"}}, sym, text));
  CHECK(sym.size() == 1 && sym[0] == (std::vector<std::string>{"Bw", "N", "(C3/3)"}));
}

static void TestChecks() {
  const Attrs w{8, 4, 0, 0.0f, 1e-5f};
  const Dims image{2, 3, 64, 96};
  const Dims x{2, 64 * 96, 60};
  std::string e;
  CHECK(CheckInputDims(Op::LnRollPartition, w, {x, {60}, {60}, image}, e));
  CHECK(!CheckInputDims(Op::LnRollPartition, w, {x, {60}, {60}, {2, 3, 60, 96}}, e) && Has(e, "multiples of window_size 8"));
  CHECK(!CheckInputDims(Op::LnRollPartition, w, {{2, 100, 60}, {60}, {60}, image}, e) && Has(e, "H*W = 6144"));
  CHECK(!CheckInputDims(Op::LnRollPartition, w, {x, {59}, {60}, image}, e) && Has(e, "weight must be (60), got (59)"));
  CHECK(!CheckInputDims(Op::LnRollPartition, w, {x, {60}, {1, 60}, image}, e) && Has(e, "bias must be (60)"));
  CHECK(!CheckInputDims(Op::LnRollPartition, w, {x, {60}, {60}}, e) && Has(e, "takes 4 inputs, got 3"));

  const Attrs h{0, 0, 6, 0.25f, 1e-5f};
  const Dims qkv{192, 64, 180}, bias{6, 64, 64};
  CHECK(CheckInputDims(Op::WindowAttention, h, {qkv, bias}, e));
  CHECK(CheckInputDims(Op::WindowAttention, h, {qkv, bias, {96, 64, 64}}, e));
  CHECK(!CheckInputDims(Op::WindowAttention, h, {{192, 64, 181}, bias}, e) && Has(e, "qkv must be (B_, N, 3C)"));
  CHECK(!CheckInputDims(Op::WindowAttention, h, {{192, 64, 168}, bias}, e) && Has(e, "multiple of num_heads 6"));
  CHECK(!CheckInputDims(Op::WindowAttention, h, {qkv, {6, 49, 49}}, e) && Has(e, "bias must be (num_heads, N, N) = (6, 64, 64)"));
  CHECK(!CheckInputDims(Op::WindowAttention, h, {qkv, bias, {95, 64, 64}}, e) && Has(e, "nW dividing B_ = 192"));
  CHECK(!CheckInputDims(Op::WindowAttention, h, {qkv, bias, {96, 64, 49}}, e) && Has(e, "mask must be (nW, N, N)"));
  CHECK(!CheckInputDims(Op::WindowAttention, h, {qkv}, e) && Has(e, "takes 2 to 3 inputs, got 1"));

  // the five earlier ops keep their checks
  CHECK(!CheckInputDims(Op::ReverseRollAdd, w, {{191, 64, 60}, x, image}, e) && Has(e, "windows must be (B*nW, N, C) = (192, 64, 60)"));
  CHECK(CheckInputDims(Op::ReverseRollAdd, w, {{192, 64, 60}, x, image}, e));
  CHECK(!CheckInputDims(Op::LayerNormFp32, w, {x, {59}, {60}}, e) && Has(e, "weight must be (60)"));
  CHECK(!CheckInputDims(Op::WindowMask, w, {{2, 3, 64}}, e) && Has(e, "rank 4"));
}

static void TestTypes() {
  using D = DType;
  // LnRollPartition: x, weight, bias T; image any float; windows T
  CHECK(SupportsType(Op::LnRollPartition, 4, 1, {D::F16}, D::F16) && !SupportsType(Op::LnRollPartition, 4, 1, {D::F16}, D::F32));
  CHECK(SupportsType(Op::LnRollPartition, 4, 3, {D::F16, D::F16, D::F16}, D::F32));
  CHECK(SupportsType(Op::LnRollPartition, 4, 4, {D::F16, D::F16, D::F16, D::F32}, D::F16));
  CHECK(!SupportsType(Op::LnRollPartition, 4, 4, {D::F16, D::F16, D::F16, D::F32}, D::F32));
  // WindowAttention: qkv T, bias and mask F32, out T; the output is position 2 without a mask, 3 with one
  CHECK(SupportsType(Op::WindowAttention, 2, 0, {}, D::F16) && !SupportsType(Op::WindowAttention, 2, 0, {}, D::Other));
  CHECK(SupportsType(Op::WindowAttention, 2, 1, {D::F16}, D::F32) && !SupportsType(Op::WindowAttention, 2, 1, {D::F16}, D::F16));
  CHECK(SupportsType(Op::WindowAttention, 2, 2, {D::F16, D::F32}, D::F16) && !SupportsType(Op::WindowAttention, 2, 2, {D::F16, D::F32}, D::F32));
  CHECK(SupportsType(Op::WindowAttention, 3, 2, {D::F16, D::F32}, D::F32) && !SupportsType(Op::WindowAttention, 3, 2, {D::F16, D::F32}, D::F16));
  CHECK(SupportsType(Op::WindowAttention, 3, 3, {D::F16, D::F32, D::F32}, D::F16));
  CHECK(OutputTypes(Op::WindowAttention, {D::F16, D::F32}) == std::vector<D>{D::F16});
  CHECK(OutputTypes(Op::LnRollPartition, {D::F32, D::F32, D::F32, D::F16}) == std::vector<D>{D::F32});
  CHECK(OutputTypes(Op::WindowMask, {D::F16}) == std::vector<D>{D::F32});
  // LayerNormFp32's weight and bias may be float32 under an FP16 x
  CHECK(SupportsType(Op::LayerNormFp32, 3, 1, {D::F16}, D::F32) && SupportsType(Op::LayerNormFp32, 3, 3, {D::F16, D::F32, D::F32}, D::F16));
}

static void TestGeometry() {
  const Attrs w{8, 4, 0, 0.0f, 1e-5f};
  const Dims image{2, 3, 64, 96};
  const auto g = WindowGeometry(Op::LnRollPartition, w, {{2, 64 * 96, 60}, {60}, {60}, image});
  CHECK(g.batch == 2 && g.height == 64 && g.width == 96 && g.channels == 60 && g.window_size == 8 && g.shift_size == 4 &&
        g.window_stride == 0);
  const auto r = WindowGeometry(Op::ReverseRollAdd, w, {{192, 64, 60}, {2, 64 * 96, 60}, image});
  CHECK(r.batch == 2 && r.channels == 60 && r.height == 64);
  const auto m = WindowGeometry(Op::WindowMask, w, {image});
  CHECK(m.height == 64 && m.width == 96 && m.shift_size == 4);
  const Attrs h{0, 0, 6, 0.25f, 1e-5f};
  const auto q = QkvGeometry(Op::WindowAttention, h, {{192, 64, 180}, {6, 64, 64}});
  CHECK(q.batch_windows == 192 && q.tokens == 64 && q.channels == 60 && q.heads == 6 && q.part_stride == 0 && q.out_stride == 0);
  const auto rows = RowsGeometry({{2, 10, 60}, {60}, {60}});
  CHECK(rows.rows == 20 && rows.cols == 60);
}

int main() {
  TestNames();
  TestAttrs();
  TestShapes();
  TestChecks();
  TestTypes();
  TestGeometry();
  return Finish("test_op_contracts");
}
