// The TensorRT plugins' logic that needs no TensorRT: which op is which, the output-shape arithmetic (written once over a
// dimension algebra, so the plugins run it on IDimensionExpr and the tests on int64), the attribute fields and their
// (de)serialization, the dtype rules, and the engine cache file name. Built and tested everywhere (tests/test_trt_logic.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace swinbench::trt {

// The swinbench ops as the ONNX emitter writes them (harness/Onnx/CUSTOM_OPS.md): domain "swinbench", version 1.
enum class Op { WindowMask, RollPartition, ReverseRollAdd, QkvSplit, LayerNormFp32 };
constexpr Op kOps[] = {Op::WindowMask, Op::RollPartition, Op::ReverseRollAdd, Op::QkvSplit, Op::LayerNormFp32};
constexpr const char* kDomain = "swinbench";
constexpr const char* kPluginVersion = "1";

const char* OpName(Op op);
bool OpFromName(const std::string& name, Op& op);
int NbInputs(Op op);
int NbOutputs(Op op);

// ---- attributes -----------------------------------------------------------------------------------------------------
struct Attrs {
  int64_t window_size = 0;
  int64_t shift_size = 0;
  int64_t num_heads = 0;
  float scale = 0.0f;
  float epsilon = 1e-5f;
};

// One attribute as a plugin field: what TensorRT's PluginField carries, without TensorRT's types.
enum class FieldType { Int32, Int64, Float32, Float64 };
struct Field {
  std::string name;
  FieldType type;
  const void* data;
  int32_t length;
};

// The attribute names of an op, in order, with the type the plugin writes them as (Int64 for ints, Float32 for floats).
std::vector<std::pair<std::string, FieldType>> FieldSchema(Op op);
// The attributes of op as fields pointing into attrs (valid while attrs lives).
std::vector<Field> ToFields(Op op, const Attrs& attrs);
// Reads the fields of op (ints as Int32 or Int64, floats as Float32 or Float64, what the ONNX parser or a serialized
// engine gives), applies defaults (epsilon), and checks them. False with a message when a required one is missing or invalid.
bool FromFields(Op op, const std::vector<Field>& fields, Attrs& attrs, std::string& error);
bool CheckAttrs(Op op, const Attrs& attrs, std::string& error);

// ---- output shapes ----------------------------------------------------------------------------------------------------
// A dimension algebra: D is a dimension value, A supplies Const(int64), Mul(D, D), FloorDiv(D, D).
// Inputs are the input dims (each a vector of D); returns the output dims, or false when ranks are wrong.
template <typename D, typename A>
bool OutputShapes(Op op, const Attrs& a, const std::vector<std::vector<D>>& in, std::vector<std::vector<D>>& out, A& alg) {
  out.clear();
  const auto windows = [&](const std::vector<D>& image) {  // nW = (H / ws) * (W / ws)
    const D ws = alg.Const(a.window_size);
    return alg.Mul(alg.FloorDiv(image[2], ws), alg.FloorDiv(image[3], ws));
  };
  const D n = alg.Const(a.window_size * a.window_size);
  switch (op) {
    case Op::WindowMask:  // image (B, C, H, W) -> (nW, N, N)
      if (in.size() != 1 || in[0].size() != 4) return false;
      out.push_back({windows(in[0]), n, n});
      return true;
    case Op::RollPartition:  // x (B, H*W, C), image -> (B*nW, N, C)
      if (in.size() != 2 || in[0].size() != 3 || in[1].size() != 4) return false;
      out.push_back({alg.Mul(in[0][0], windows(in[1])), n, in[0][2]});
      return true;
    case Op::ReverseRollAdd:  // windows, residual (B, H*W, C), image -> residual's shape
      if (in.size() != 3 || in[1].size() != 3 || in[2].size() != 4) return false;
      out.push_back(in[1]);
      return true;
    case Op::QkvSplit: {  // qkv (B_, N, 3C) -> 3 x (B_, heads, N, 3C / (3 * heads))
      if (in.size() != 1 || in[0].size() != 3) return false;
      const std::vector<D> qkv = {in[0][0], alg.Const(a.num_heads), in[0][1],
                                  alg.FloorDiv(in[0][2], alg.Const(3 * a.num_heads))};
      out = {qkv, qkv, qkv};
      return true;
    }
    case Op::LayerNormFp32:  // x (..., C), weight, bias -> x's shape
      if (in.size() != 3 || in[0].empty()) return false;
      out.push_back(in[0]);
      return true;
  }
  return false;
}

// The algebra on concrete sizes (what the tests and the kernels' geometry use).
struct IntAlgebra {
  int64_t Const(int64_t v) const { return v; }
  int64_t Mul(int64_t x, int64_t y) const { return x * y; }
  int64_t FloorDiv(int64_t x, int64_t y) const { return y == 0 ? 0 : x / y; }
};

// Checks concrete input dims against the op (H, W multiples of ws, H*W tokens, 3C divisible by 3*heads, ...).
bool CheckInputDims(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in, std::string& error);

// ---- dtypes --------------------------------------------------------------------------------------------------------
enum class DType { F32, F16, Other };
// Whether the tensor at position pos (inputs, then outputs) may have dtype t, given the dtypes of the earlier positions
// (TensorRT's supportsFormatCombination asks in that order). T = F32 or F16, the same for every T tensor of one node;
// the image input of the window ops is any float type; WindowMask's output is always F32.
bool SupportsType(Op op, int pos, const std::vector<DType>& earlier, DType t);
// The output dtypes from the input dtypes.
std::vector<DType> OutputTypes(Op op, const std::vector<DType>& in);

// ---- engine cache ----------------------------------------------------------------------------------------------------
// "<dir>/<stem>.<variant>.<gpu>.trt<version>.engine" beside the ONNX file, every part reduced to [A-Za-z0-9._-]
// ("NVIDIA H100 80GB HBM3" -> "NVIDIA-H100-80GB-HBM3"), e.g. "models/swinir_s_x2.fp16-h64-1024.NVIDIA-H100-80GB-HBM3.trt10.16.0.engine".
std::string EngineCacheFileName(const std::string& onnx_path, const std::string& gpu_name,
                                const std::string& trt_version, const std::string& variant);
std::string SanitizeName(const std::string& s);

}  // namespace swinbench::trt
