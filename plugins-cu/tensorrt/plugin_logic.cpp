#include "plugin_logic.h"

#include <cstring>

namespace swinbench::trt {

const char* OpName(Op op) {
  switch (op) {
    case Op::WindowMask: return "WindowMask";
    case Op::RollPartition: return "RollPartition";
    case Op::ReverseRollAdd: return "ReverseRollAdd";
    case Op::QkvSplit: return "QkvSplit";
    case Op::LayerNormFp32: return "LayerNormFp32";
  }
  return "?";
}

bool OpFromName(const std::string& name, Op& op) {
  for (Op o : kOps)
    if (name == OpName(o)) {
      op = o;
      return true;
    }
  return false;
}

int NbInputs(Op op) {
  switch (op) {
    case Op::WindowMask: return 1;
    case Op::RollPartition: return 2;
    case Op::ReverseRollAdd: return 3;
    case Op::QkvSplit: return 1;
    case Op::LayerNormFp32: return 3;
  }
  return 0;
}

int NbOutputs(Op op) { return op == Op::QkvSplit ? 3 : 1; }

// ---- attributes -----------------------------------------------------------------------------------------------------
std::vector<std::pair<std::string, FieldType>> FieldSchema(Op op) {
  switch (op) {
    case Op::WindowMask:
    case Op::RollPartition:
    case Op::ReverseRollAdd: return {{"window_size", FieldType::Int64}, {"shift_size", FieldType::Int64}};
    case Op::QkvSplit: return {{"num_heads", FieldType::Int64}, {"scale", FieldType::Float32}};
    case Op::LayerNormFp32: return {{"epsilon", FieldType::Float32}};
  }
  return {};
}

namespace {
const void* FieldAddress(const Attrs& a, const std::string& name) {
  if (name == "window_size") return &a.window_size;
  if (name == "shift_size") return &a.shift_size;
  if (name == "num_heads") return &a.num_heads;
  if (name == "scale") return &a.scale;
  if (name == "epsilon") return &a.epsilon;
  return nullptr;
}

bool ReadInt(const Field& f, int64_t& v) {
  if (f.data == nullptr || f.length < 1) return false;
  if (f.type == FieldType::Int64) { std::memcpy(&v, f.data, sizeof v); return true; }
  if (f.type == FieldType::Int32) { int32_t x; std::memcpy(&x, f.data, sizeof x); v = x; return true; }
  return false;
}

bool ReadFloat(const Field& f, float& v) {
  if (f.data == nullptr || f.length < 1) return false;
  if (f.type == FieldType::Float32) { std::memcpy(&v, f.data, sizeof v); return true; }
  if (f.type == FieldType::Float64) { double x; std::memcpy(&x, f.data, sizeof x); v = static_cast<float>(x); return true; }
  return false;
}
}  // namespace

std::vector<Field> ToFields(Op op, const Attrs& attrs) {
  std::vector<Field> fields;
  for (const auto& [name, type] : FieldSchema(op)) fields.push_back({name, type, FieldAddress(attrs, name), 1});
  return fields;
}

bool FromFields(Op op, const std::vector<Field>& fields, Attrs& attrs, std::string& error) {
  attrs = Attrs{};
  for (const auto& [name, type] : FieldSchema(op)) {
    const Field* found = nullptr;
    for (const auto& f : fields)
      if (f.name == name) found = &f;
    if (found == nullptr) {
      if (name == "epsilon") continue;  // the one attribute with a default
      error = std::string(OpName(op)) + ": attribute '" + name + "' is missing";
      return false;
    }
    const bool ok = type == FieldType::Int64
                        ? ReadInt(*found, const_cast<int64_t&>(*static_cast<const int64_t*>(FieldAddress(attrs, name))))
                        : ReadFloat(*found, const_cast<float&>(*static_cast<const float*>(FieldAddress(attrs, name))));
    if (!ok) {
      error = std::string(OpName(op)) + ": attribute '" + name + "' has the wrong type or no value";
      return false;
    }
  }
  return CheckAttrs(op, attrs, error);
}

bool CheckAttrs(Op op, const Attrs& a, std::string& error) {
  const std::string name = OpName(op);
  switch (op) {
    case Op::WindowMask:
    case Op::RollPartition:
    case Op::ReverseRollAdd:
      if (a.window_size < 1) { error = name + ": window_size must be >= 1, got " + std::to_string(a.window_size); return false; }
      if (a.shift_size < 0 || a.shift_size >= a.window_size) {
        error = name + ": shift_size must be in [0, window_size), got " + std::to_string(a.shift_size);
        return false;
      }
      return true;
    case Op::QkvSplit:
      if (a.num_heads < 1) { error = name + ": num_heads must be >= 1, got " + std::to_string(a.num_heads); return false; }
      return true;
    case Op::LayerNormFp32:
      if (!(a.epsilon >= 0.0f)) { error = name + ": epsilon must be >= 0"; return false; }
      return true;
  }
  return true;
}

// ---- shapes ---------------------------------------------------------------------------------------------------------
namespace {
std::string DimsText(const std::vector<int64_t>& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + ")";
}
}  // namespace

bool CheckInputDims(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in, std::string& error) {
  const std::string name = OpName(op);
  IntAlgebra alg;
  std::vector<std::vector<int64_t>> out;
  if (static_cast<int>(in.size()) != NbInputs(op) || !OutputShapes(op, a, in, out, alg)) {
    error = name + ": wrong number of inputs or wrong ranks";
    return false;
  }
  const auto image_ok = [&](const std::vector<int64_t>& image) {
    if (image[2] % a.window_size != 0 || image[3] % a.window_size != 0) {
      error = name + ": image H, W " + DimsText(image) + " must be multiples of window_size " + std::to_string(a.window_size);
      return false;
    }
    return true;
  };
  switch (op) {
    case Op::WindowMask: return image_ok(in[0]);
    case Op::RollPartition:
      if (!image_ok(in[1])) return false;
      if (in[0][1] != in[1][2] * in[1][3]) { error = name + ": x " + DimsText(in[0]) + " does not hold H*W tokens of image " + DimsText(in[1]); return false; }
      return true;
    case Op::ReverseRollAdd: {
      if (!image_ok(in[2])) return false;
      if (in[1][1] != in[2][2] * in[2][3]) { error = name + ": residual " + DimsText(in[1]) + " does not hold H*W tokens of image " + DimsText(in[2]); return false; }
      const int64_t nW = (in[2][2] / a.window_size) * (in[2][3] / a.window_size);
      const std::vector<int64_t> expect{in[1][0] * nW, a.window_size * a.window_size, in[1][2]};
      if (in[0] != expect) { error = name + ": windows must be " + DimsText(expect) + ", got " + DimsText(in[0]); return false; }
      return true;
    }
    case Op::QkvSplit:
      if (in[0][2] % (3 * a.num_heads) != 0) { error = name + ": qkv " + DimsText(in[0]) + ": last dim must be 3 * C with C a multiple of num_heads " + std::to_string(a.num_heads); return false; }
      return true;
    case Op::LayerNormFp32: {
      const int64_t c = in[0].back();
      if (in[1] != std::vector<int64_t>{c} || in[2] != std::vector<int64_t>{c}) { error = name + ": weight and bias must be (" + std::to_string(c) + ")"; return false; }
      return true;
    }
  }
  return true;
}

// ---- dtypes ---------------------------------------------------------------------------------------------------------
namespace {
bool IsImage(Op op, int pos) {
  return (op == Op::WindowMask && pos == 0) || (op == Op::RollPartition && pos == 1) || (op == Op::ReverseRollAdd && pos == 2);
}
}  // namespace

bool SupportsType(Op op, int pos, const std::vector<DType>& earlier, DType t) {
  if (t == DType::Other) return false;
  if (IsImage(op, pos)) return true;                                      // any float type, data never read
  if (op == Op::WindowMask) return t == DType::F32;                       // the mask is float32
  for (int i = 0; i < pos && i < static_cast<int>(earlier.size()); ++i)  // T: the same as the first T tensor
    if (!IsImage(op, i)) return t == earlier[i];
  return true;
}

std::vector<DType> OutputTypes(Op op, const std::vector<DType>& in) {
  if (op == Op::WindowMask) return {DType::F32};
  const DType t = in.empty() ? DType::F32 : in[0];
  return std::vector<DType>(NbOutputs(op), t);
}

// ---- engine cache -----------------------------------------------------------------------------------------------------
std::string SanitizeName(const std::string& s) {
  std::string r;
  for (char c : s) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    const char x = keep ? c : '-';
    if (x == '-' && !r.empty() && r.back() == '-') continue;
    r += x;
  }
  while (!r.empty() && r.back() == '-') r.pop_back();
  return r.empty() ? "unknown" : r;
}

std::string EngineCacheFileName(const std::string& onnx_path, const std::string& gpu_name, const std::string& trt_version,
                                const std::string& variant) {
  const auto slash = onnx_path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : onnx_path.substr(0, slash + 1);
  std::string stem = slash == std::string::npos ? onnx_path : onnx_path.substr(slash + 1);
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".onnx") == 0) stem.resize(stem.size() - 5);
  std::string name = stem;
  if (!variant.empty()) name += "." + SanitizeName(variant);
  return dir + name + "." + SanitizeName(gpu_name) + ".trt" + SanitizeName(trt_version) + ".engine";
}

}  // namespace swinbench::trt
