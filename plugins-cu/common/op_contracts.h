// The contract of every swinbench op (harness/Onnx/CUSTOM_OPS.md), written once for both adapters: the ONNX Runtime
// custom ops (ort/) and the TensorRT plugins (tensorrt/). The ops, their names, arities and dtype kinds come from the
// op table (op_table.h); per op, this file adds the attributes with their types and defaults, the output-shape rule (a
// template over a dimension algebra, so ONNX Runtime runs it on symbolic dims, TensorRT on IDimensionExpr and the
// tests on int64), the input checks, the dtype rule, and the kernel geometry built from concrete dims. Plain C++: no
// ONNX Runtime or TensorRT type; tested by tests/test_op_contracts.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "op_table.h"
#include "swinbench_plugins.h"

namespace swinbench::contract {

constexpr const char* kDomain = "swinbench";
constexpr int kVersion = 1;

#define SWB_OP_ENUMERATOR(name, ...) name,
enum class Op { SWB_OP_TABLE(SWB_OP_ENUMERATOR) };
#undef SWB_OP_ENUMERATOR

#define SWB_OP_VALUE(name, ...) Op::name,
constexpr Op kOps[] = {SWB_OP_TABLE(SWB_OP_VALUE)};
#undef SWB_OP_VALUE

// The dtype kind of an input or output (op_table.h).
enum class Kind { T, Image, Param, F32, OptF32 };

// Each op's input and output kinds at compile time: Schema<Op::X>::kInputs and ::kOutputs.
template <Op>
struct Schema;
namespace kinds {
constexpr Kind T = Kind::T, Image = Kind::Image, Param = Kind::Param, F32 = Kind::F32, OptF32 = Kind::OptF32;
#define SWB_OP_KINDS(name, token, entry, inputs, outputs, cuda_params) \
  struct name {                                                       \
    static constexpr Kind kInputs[] = {SWB_UNPAREN inputs};           \
    static constexpr Kind kOutputs[] = {SWB_UNPAREN outputs};         \
  };
SWB_OP_TABLE(SWB_OP_KINDS)
#undef SWB_OP_KINDS
}  // namespace kinds
#define SWB_OP_SCHEMA(name, ...) \
  template <>                    \
  struct Schema<Op::name> : kinds::name {};
SWB_OP_TABLE(SWB_OP_SCHEMA)
#undef SWB_OP_SCHEMA

const char* OpName(Op op);   // "WindowMask": the ONNX op type and TensorRT plugin name
const char* OpToken(Op op);  // "window_mask": the kernel's folder and token
bool OpFromName(const std::string& name, Op& op);
int MinInputs(Op op);  // inputs a node must have (WindowAttention's trailing mask is optional)
int MaxInputs(Op op);
int NbOutputs(Op op);
Kind InputKind(Op op, int index);
Kind OutputKind(Op op, int index);
// The index of the input of which only dims 2 and 3 (H, W) are read, never the data; -1 when the op has none.
int ImageInput(Op op);

// SwinBlock's inputs: x, the 13 weights of one block in swb_swin_block_weights order, image.
namespace swin_block {
enum Input : int {
  kX,
  kNorm1Weight,
  kNorm1Bias,
  kQkvWeight,
  kQkvBias,
  kAttnBias,
  kProjWeight,
  kProjBias,
  kNorm2Weight,
  kNorm2Bias,
  kFc1Weight,
  kFc1Bias,
  kFc2Weight,
  kFc2Bias,
  kImage,
  kInputs
};
constexpr int kWeights = kFc2Bias - kNorm1Weight + 1;  // 13
// "x", "norm1_weight", ..., "fc2_bias", "image" (the names of the swb_swin_block_weights fields).
const char* InputName(int index);
}  // namespace swin_block

// ---- attributes -----------------------------------------------------------------------------------------------------
struct Attrs {
  int64_t window_size = 0;
  int64_t shift_size = 0;
  int64_t num_heads = 0;
  float scale = 0.0f;
  float epsilon = 1e-5f;
};

enum class AttrKind { Int, Float };  // ONNX INT (int64) and FLOAT (float32)
struct AttrSpec {
  const char* name;
  AttrKind kind;
  bool required;  // false: the default of Attrs applies when absent (only epsilon)
};

// The attributes of op, in order.
const std::vector<AttrSpec>& AttrSchema(Op op);
// Where attribute name lives in attrs (nullptr when attrs has no such field, or it is of the other kind).
int64_t* IntSlot(Attrs& attrs, const char* name);
float* FloatSlot(Attrs& attrs, const char* name);

// Reads the attributes of op through the adapter's getters, bool get_int(const char*, int64_t&) and
// bool get_float(const char*, float&) (false: absent), applies the defaults and checks the values.
// False with "Op: attribute 'name' is missing" (or the check's message) in error.
template <typename GetInt, typename GetFloat>
bool ReadAttrs(Op op, GetInt&& get_int, GetFloat&& get_float, Attrs& attrs, std::string& error);
bool CheckAttrs(Op op, const Attrs& attrs, std::string& error);

// ---- output shapes ----------------------------------------------------------------------------------------------------
// A dimension algebra: D is a dimension value, A supplies Const(int64), Mul(D, D), FloorDiv(D, D).
// in holds the dims of the inputs present; returns the output dims, or false when the input count or a rank is wrong.
template <typename D, typename A>
bool OutputShapes(Op op, const Attrs& a, const std::vector<std::vector<D>>& in, std::vector<std::vector<D>>& out, A& alg);

// The algebra on concrete sizes.
struct IntAlgebra {
  int64_t Const(int64_t v) const { return v; }
  int64_t Mul(int64_t x, int64_t y) const { return x * y; }
  int64_t FloorDiv(int64_t x, int64_t y) const { return y == 0 ? 0 : x / y; }
};

// Checks concrete input dims (H, W multiples of ws, H*W tokens, 3C divisible by 3*heads, weight/bias/mask shapes,
// SwinBlock's 13 weights against C and the hidden width of fc1_weight, ...).
// False with a message naming the op, the input and its shape.
bool CheckInputDims(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in, std::string& error);
// The output dims of checked concrete input dims.
std::vector<std::vector<int64_t>> OutputDims(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in);

// ---- dtypes --------------------------------------------------------------------------------------------------------
// Each input and output has the dtype of its Kind (op_table.h): T is F32 or F16, the same for every T tensor of one
// node; Image and Param are F32 or F16 whatever T is; F32 and OptF32 are F32.
enum class DType { F32, F16, Other };
// Whether the tensor at position pos (inputs, then outputs, of a node with nb_inputs inputs) may have dtype t, given
// the dtypes of the earlier positions (TensorRT's supportsFormatCombination asks in that order).
bool SupportsType(Op op, int nb_inputs, int pos, const std::vector<DType>& earlier, DType t);
// The output dtypes from the input dtypes.
std::vector<DType> OutputTypes(Op op, const std::vector<DType>& in);

// ---- kernel geometry from checked concrete input dims -------------------------------------------------------------
swb_window_geometry WindowGeometry(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in);  // window ops
swb_qkv_geometry QkvGeometry(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in);  // QkvSplit, WindowAttention
swb_rows_geometry RowsGeometry(const std::vector<std::vector<int64_t>>& in);                       // LayerNormFp32

// ---- SwinBlock: the swb_swin_block handle of one node ----------------------------------------------------------------
// The description of a depth-1 handle: C from x, hidden from fc1_weight, the attributes; dtype and param_dtype both
// dtype (the weights are T); no flags (the adapters never capture CUDA graphs).
swb_swin_block_desc SwinBlockDesc(const Attrs& a, const std::vector<std::vector<int64_t>>& in, swb_dtype dtype);
// The node's weights as one block: data[i] is the data of input i (swin_block::Input order); the shift is the node's.
swb_swin_block_weights SwinBlockWeights(const Attrs& a, const void* const* data);

// What a SwinBlock handle was made from: the 13 weight data pointers, the dtype and the sizes. An adapter keeps its
// handle while the key of the next run equals it, and makes a new one otherwise.
struct SwinBlockKey {
  std::array<const void*, swin_block::kWeights> weights{};
  swb_dtype dtype = SWB_F32;
  int64_t channels = 0;
  int64_t hidden = 0;
  bool operator==(const SwinBlockKey& o) const {
    return weights == o.weights && dtype == o.dtype && channels == o.channels && hidden == o.hidden;
  }
  bool operator!=(const SwinBlockKey& o) const { return !(*this == o); }
};
SwinBlockKey MakeSwinBlockKey(const swb_swin_block_desc& d, const void* const* data);

// ---- templates --------------------------------------------------------------------------------------------------------
template <typename GetInt, typename GetFloat>
bool ReadAttrs(Op op, GetInt&& get_int, GetFloat&& get_float, Attrs& attrs, std::string& error) {
  attrs = Attrs{};
  for (const AttrSpec& spec : AttrSchema(op)) {
    const bool found = spec.kind == AttrKind::Int ? get_int(spec.name, *IntSlot(attrs, spec.name))
                                                  : get_float(spec.name, *FloatSlot(attrs, spec.name));
    if (!found && spec.required) {
      error = std::string(OpName(op)) + ": attribute '" + spec.name + "' is missing";
      return false;
    }
  }
  return CheckAttrs(op, attrs, error);
}

template <typename D, typename A>
bool OutputShapes(Op op, const Attrs& a, const std::vector<std::vector<D>>& in, std::vector<std::vector<D>>& out, A& alg) {
  out.clear();
  const int count = static_cast<int>(in.size());
  if (count < MinInputs(op) || count > MaxInputs(op)) return false;
  const int image = ImageInput(op);
  if (image >= 0 && in[image].size() != 4) return false;
  const auto windows = [&] {  // nW = (H / ws) * (W / ws)
    const D ws = alg.Const(a.window_size);
    return alg.Mul(alg.FloorDiv(in[image][2], ws), alg.FloorDiv(in[image][3], ws));
  };
  const D n = alg.Const(a.window_size * a.window_size);
  switch (op) {
    case Op::WindowMask:  // image (B, C, H, W) -> (nW, N, N)
      out.push_back({windows(), n, n});
      return true;
    case Op::LnRollPartition:  // x (B, H*W, C), weight, bias, image -> (B*nW, N, C)
      if (in[0].size() != 3) return false;
      out.push_back({alg.Mul(in[0][0], windows()), n, in[0][2]});
      return true;
    case Op::ReverseRollAdd:  // windows, residual (B, H*W, C), image -> residual's shape
      if (in[1].size() != 3) return false;
      out.push_back(in[1]);
      return true;
    case Op::QkvSplit: {  // qkv (B_, N, 3C) -> 3 x (B_, heads, N, 3C / (3 * heads))
      if (in[0].size() != 3) return false;
      const std::vector<D> part = {in[0][0], alg.Const(a.num_heads), in[0][1],
                                   alg.FloorDiv(in[0][2], alg.Const(3 * a.num_heads))};
      out = {part, part, part};
      return true;
    }
    case Op::LayerNormFp32:  // x (..., C), weight, bias -> x's shape
      if (in[0].empty()) return false;
      out.push_back(in[0]);
      return true;
    case Op::WindowAttention:  // qkv (B_, N, 3C), bias, [mask] -> (B_, N, C)
      if (in[0].size() != 3) return false;
      out.push_back({in[0][0], in[0][1], alg.FloorDiv(in[0][2], alg.Const(3))});
      return true;
    case Op::SwinBlock:  // x (B, H*W, C), 13 weights, image -> x's shape
      if (in[0].size() != 3) return false;
      out.push_back(in[0]);
      return true;
  }
  return false;
}

}  // namespace swinbench::contract
