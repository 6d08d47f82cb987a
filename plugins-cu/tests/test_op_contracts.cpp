// The op contracts (common/op_contracts.h) that the ONNX Runtime ops and the TensorRT plugins share: names and arities,
// attribute schema and reading, output shapes (concrete and symbolic), input checks, dtype rules, kernel geometry.
#include <cstdio>
#include <limits>
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
  CHECK(std::string(OpToken(Op::LnRollPartition)) == "ln_roll_partition" && std::string(OpToken(Op::SwinBlock)) == "swin_block");
  // the kinds of the op table: the optional mask is WindowAttention's last input, LayerNormFp32's weights are Param
  CHECK(InputKind(Op::WindowAttention, 2) == Kind::OptF32 && InputKind(Op::LayerNormFp32, 1) == Kind::Param);
  CHECK(InputKind(Op::SwinBlock, swin_block::kAttnBias) == Kind::F32 && OutputKind(Op::WindowMask, 0) == Kind::F32);
  for (Op op : kOps) {  // enumerator order is table order; every optional input is last
    CHECK(kOps[static_cast<int>(op)] == op);
    for (int i = 0; i + 1 < MaxInputs(op); ++i) CHECK(InputKind(op, i) != Kind::OptF32);
  }
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
  CHECK(!big_shift.Read(Op::ReverseRollAdd, a, e) && Has(e, "shift_size must be in [0, window_size 8)"));
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

// SwinBlock: x (B, H*W, C), the 13 weights of one block, image; C = 60, 6 heads, ws 8, hidden 120.
static std::vector<Dims> BlockInputs(const Dims& x, const Dims& image) {
  const int64_t c = x[2];
  return {x,  {c}, {c}, {3 * c, c}, {3 * c}, {6, 64, 64}, {c, c}, {c}, {c}, {c}, {2 * c, c}, {2 * c}, {c, 2 * c}, {c},
          image};
}

static void TestSwinBlock() {
  using namespace swin_block;
  Op op;
  CHECK(OpFromName("SwinBlock", op) && op == Op::SwinBlock);
  CHECK(MinInputs(Op::SwinBlock) == 15 && MaxInputs(Op::SwinBlock) == 15 && NbOutputs(Op::SwinBlock) == 1);
  CHECK(ImageInput(Op::SwinBlock) == 14 && kImage == 14 && kWeights == 13 && kAttnBias == 5);
  CHECK(std::string(InputName(kX)) == "x" && std::string(InputName(kQkvWeight)) == "qkv_weight" &&
        std::string(InputName(kFc2Bias)) == "fc2_bias" && std::string(InputName(kImage)) == "image");

  // attributes: num_heads, window_size, shift_size, scale required; epsilon defaults to 1e-5
  Attrs a;
  std::string e;
  MapAttrs block{{{"num_heads", 6}, {"window_size", 8}, {"shift_size", 4}}, {{"scale", 0.25f}}};
  CHECK(block.Read(Op::SwinBlock, a, e) && a.num_heads == 6 && a.window_size == 8 && a.shift_size == 4 &&
        a.scale == 0.25f && a.epsilon == 1e-5f);
  MapAttrs no_heads = block;
  no_heads.ints.erase("num_heads");
  CHECK(!no_heads.Read(Op::SwinBlock, a, e) && Has(e, "SwinBlock: attribute 'num_heads' is missing"));
  MapAttrs no_scale = block;
  no_scale.floats.clear();
  CHECK(!no_scale.Read(Op::SwinBlock, a, e) && Has(e, "SwinBlock: attribute 'scale' is missing"));
  MapAttrs big_shift = block;
  big_shift.ints["shift_size"] = 8;
  CHECK(!big_shift.Read(Op::SwinBlock, a, e) && Has(e, "SwinBlock: shift_size must be in [0, window_size 8)"));
  MapAttrs zero_eps = block;
  zero_eps.floats["epsilon"] = 0.0f;
  CHECK(!zero_eps.Read(Op::SwinBlock, a, e) && Has(e, "SwinBlock: epsilon must be finite and > 0"));
  MapAttrs inf_scale = block;
  inf_scale.floats["scale"] = std::numeric_limits<float>::infinity();
  CHECK(!inf_scale.Read(Op::SwinBlock, a, e) && Has(e, "SwinBlock: scale must be finite and > 0"));
  MapAttrs zero_heads = block;
  zero_heads.ints["num_heads"] = 0;
  CHECK(!zero_heads.Read(Op::SwinBlock, a, e) && Has(e, "num_heads must be >= 1, got 0"));

  // shapes: y is x's shape, concrete and symbolic
  CHECK(block.Read(Op::SwinBlock, a, e));
  const Dims image{2, 3, 64, 96};
  const Dims x{2, 64 * 96, 60};
  const auto in = BlockInputs(x, image);
  CHECK(OutputDims(Op::SwinBlock, a, in) == (std::vector<Dims>{x}));
  IntAlgebra alg;
  std::vector<Dims> out;
  CHECK(!OutputShapes(Op::SwinBlock, a, std::vector<Dims>(in.begin(), in.end() - 1), out, alg));  // image missing
  auto rank2 = in;
  rank2[kX] = {2 * 64 * 96, 60};
  CHECK(!OutputShapes(Op::SwinBlock, a, rank2, out, alg));
  TextAlgebra text;
  std::vector<std::vector<std::string>> sym_in(15, std::vector<std::string>{"1"});
  sym_in[kX] = {"B", "HW", "C"};
  sym_in[kImage] = {"B", "3", "H", "W"};
  std::vector<std::vector<std::string>> sym;
  CHECK(OutputShapes(Op::SwinBlock, a, sym_in, sym, text) && sym.size() == 1 &&
        sym[0] == (std::vector<std::string>{"B", "HW", "C"}));

  // checks: every input named with the shape it must have
  CHECK(CheckInputDims(Op::SwinBlock, a, in, e));
  const auto bad = [&](int index, const Dims& dims, const char* part) {
    auto v = in;
    v[index] = dims;
    const bool rejected = !CheckInputDims(Op::SwinBlock, a, v, e) && Has(e, "SwinBlock: ") && Has(e, part);
    if (!rejected) std::fprintf(stderr, "input %s %s: got '%s'\n", InputName(index), part, e.c_str());
    return rejected;
  };
  CHECK(bad(kImage, {2, 3, 60, 96}, "multiples of window_size 8"));
  CHECK(bad(kX, {2, 100, 60}, "H*W = 6144"));
  CHECK(bad(kNorm1Weight, {59}, "norm1_weight must be (60), got (59)"));
  CHECK(bad(kNorm1Bias, {1, 60}, "norm1_bias must be (60)"));
  CHECK(bad(kQkvWeight, {180, 61}, "qkv_weight must be (180, 60), got (180, 61)"));
  CHECK(bad(kQkvBias, {60}, "qkv_bias must be (180)"));
  CHECK(bad(kAttnBias, {6, 49, 49}, "attn_bias must be (num_heads, N, N) = (6, 64, 64)"));
  CHECK(bad(kProjWeight, {60}, "proj_weight must be (60, 60)"));
  CHECK(bad(kProjBias, {61}, "proj_bias must be (60)"));
  CHECK(bad(kNorm2Weight, {}, "norm2_weight must be (60)"));
  CHECK(bad(kNorm2Bias, {120}, "norm2_bias must be (60)"));
  CHECK(bad(kFc1Weight, {0, 60}, "fc1_weight must be (hidden, 60) with hidden >= 1"));
  CHECK(bad(kFc1Weight, {120, 59}, "fc1_weight must be (hidden, 60)"));
  CHECK(bad(kFc1Bias, {121}, "fc1_bias must be (120)"));
  CHECK(bad(kFc2Weight, {60, 121}, "fc2_weight must be (60, 120)"));
  CHECK(bad(kFc2Bias, {120}, "fc2_bias must be (60)"));
  // the MLP width comes from fc1_weight: a 3x MLP is fine when the other weights agree
  auto wide = in;
  wide[kFc1Weight] = {180, 60};
  wide[kFc1Bias] = {180};
  wide[kFc2Weight] = {60, 180};
  CHECK(CheckInputDims(Op::SwinBlock, a, wide, e));
  auto odd_c = BlockInputs({2, 64 * 96, 62}, image);
  CHECK(!CheckInputDims(Op::SwinBlock, a, odd_c, e) && Has(e, "x channels 62 must be a multiple of num_heads 6"));
  CHECK(!CheckInputDims(Op::SwinBlock, a, std::vector<Dims>(in.begin(), in.end() - 1), e) &&
        Has(e, "takes 15 inputs, got 14"));

  // dtypes: x and every weight T, attn_bias float32, image any float type, y T
  using D = DType;
  const std::vector<D> f16(5, D::F16);
  CHECK(SupportsType(Op::SwinBlock, 15, 0, {}, D::F16) && !SupportsType(Op::SwinBlock, 15, 0, {}, D::Other));
  CHECK(SupportsType(Op::SwinBlock, 15, 1, {D::F16}, D::F16) && !SupportsType(Op::SwinBlock, 15, 1, {D::F16}, D::F32));
  CHECK(SupportsType(Op::SwinBlock, 15, kAttnBias, f16, D::F32) && !SupportsType(Op::SwinBlock, 15, kAttnBias, f16, D::F16));
  std::vector<D> upto_fc2(kFc2Bias, D::F32);
  upto_fc2[kAttnBias] = D::F32;
  CHECK(SupportsType(Op::SwinBlock, 15, kFc2Bias, upto_fc2, D::F32) && !SupportsType(Op::SwinBlock, 15, kFc2Bias, upto_fc2, D::F16));
  std::vector<D> half_weights(kImage, D::F16);
  half_weights[kAttnBias] = D::F32;
  CHECK(SupportsType(Op::SwinBlock, 15, kImage, half_weights, D::F32) && SupportsType(Op::SwinBlock, 15, kImage, half_weights, D::F16));
  half_weights.push_back(D::F32);  // image
  CHECK(SupportsType(Op::SwinBlock, 15, 15, half_weights, D::F16) && !SupportsType(Op::SwinBlock, 15, 15, half_weights, D::F32));
  CHECK(OutputTypes(Op::SwinBlock, half_weights) == std::vector<D>{D::F16});

  // the handle: a depth-1 description from the attributes and dims, the weights in input order, the key
  const swb_swin_block_desc d = SwinBlockDesc(a, wide, SWB_F16);
  CHECK(d.channels == 60 && d.heads == 6 && d.hidden == 180 && d.window_size == 8 && d.depth == 1 &&
        d.epsilon == 1e-5f && d.scale == 0.25f && d.dtype == SWB_F16 && d.param_dtype == SWB_F16 && d.flags == 0);
  char storage[kInputs];
  const void* data[kInputs];
  for (int i = 0; i < kInputs; ++i) data[i] = &storage[i];
  const swb_swin_block_weights w = SwinBlockWeights(a, data);
  CHECK(w.shift_size == 4 && w.norm1_weight == data[kNorm1Weight] && w.norm1_bias == data[kNorm1Bias] &&
        w.qkv_weight == data[kQkvWeight] && w.qkv_bias == data[kQkvBias] &&
        static_cast<const void*>(w.attn_bias) == data[kAttnBias] && w.proj_weight == data[kProjWeight] &&
        w.proj_bias == data[kProjBias] && w.norm2_weight == data[kNorm2Weight] && w.norm2_bias == data[kNorm2Bias] &&
        w.fc1_weight == data[kFc1Weight] && w.fc1_bias == data[kFc1Bias] && w.fc2_weight == data[kFc2Weight] &&
        w.fc2_bias == data[kFc2Bias]);
  const SwinBlockKey key = MakeSwinBlockKey(d, data);
  CHECK(key == MakeSwinBlockKey(d, data));
  data[kX] = &storage[0] + 1;  // x and image are not part of the key
  data[kImage] = &storage[0];
  CHECK(key == MakeSwinBlockKey(d, data));
  data[kFc2Bias] = &storage[0];  // a weight moved: another handle
  CHECK(key != MakeSwinBlockKey(d, data));
  data[kFc2Bias] = &storage[kFc2Bias];
  swb_swin_block_desc d32 = d;
  d32.dtype = d32.param_dtype = SWB_F32;
  CHECK(key != MakeSwinBlockKey(d32, data));
}

int main() {
  TestNames();
  TestAttrs();
  TestShapes();
  TestChecks();
  TestTypes();
  TestGeometry();
  TestSwinBlock();
  return Finish("test_op_contracts");
}
