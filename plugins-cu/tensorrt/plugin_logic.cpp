#include "plugin_logic.h"

#include <cstring>

namespace swinbench::trt {

// ---- attributes as plugin fields ----------------------------------------------------------------------------------------
std::vector<std::pair<std::string, FieldType>> FieldSchema(Op op) {
  std::vector<std::pair<std::string, FieldType>> schema;
  for (const auto& spec : contract::AttrSchema(op))
    schema.emplace_back(spec.name, spec.kind == contract::AttrKind::Int ? FieldType::Int64 : FieldType::Float32);
  return schema;
}

std::vector<Field> ToFields(Op op, Attrs& attrs) {
  std::vector<Field> fields;
  for (const auto& spec : contract::AttrSchema(op)) {
    const void* data = spec.kind == contract::AttrKind::Int ? static_cast<const void*>(contract::IntSlot(attrs, spec.name))
                                                            : static_cast<const void*>(contract::FloatSlot(attrs, spec.name));
    fields.push_back({spec.name, spec.kind == contract::AttrKind::Int ? FieldType::Int64 : FieldType::Float32, data, 1});
  }
  return fields;
}

namespace {
const Field* Find(const std::vector<Field>& fields, const char* name) {
  const Field* found = nullptr;
  for (const auto& f : fields)
    if (f.name == name) found = &f;
  return found;
}
}  // namespace

bool FromFields(Op op, const std::vector<Field>& fields, Attrs& attrs, std::string& error) {
  std::string wrong;  // the first field present with the wrong type or no value
  const auto get_int = [&](const char* name, int64_t& v) {
    const Field* f = Find(fields, name);
    if (f == nullptr) return false;
    if (f->data != nullptr && f->length >= 1 && f->type == FieldType::Int64) {
      std::memcpy(&v, f->data, sizeof v);
      return true;
    }
    if (f->data != nullptr && f->length >= 1 && f->type == FieldType::Int32) {
      int32_t x;
      std::memcpy(&x, f->data, sizeof x);
      v = x;
      return true;
    }
    if (wrong.empty()) wrong = name;
    return true;  // present: reported below, not as missing
  };
  const auto get_float = [&](const char* name, float& v) {
    const Field* f = Find(fields, name);
    if (f == nullptr) return false;
    if (f->data != nullptr && f->length >= 1 && f->type == FieldType::Float32) {
      std::memcpy(&v, f->data, sizeof v);
      return true;
    }
    if (f->data != nullptr && f->length >= 1 && f->type == FieldType::Float64) {
      double x;
      std::memcpy(&x, f->data, sizeof x);
      v = static_cast<float>(x);
      return true;
    }
    if (wrong.empty()) wrong = name;
    return true;
  };
  const bool ok = contract::ReadAttrs(op, get_int, get_float, attrs, error);
  if (!wrong.empty()) {
    error = std::string(OpName(op)) + ": attribute '" + wrong + "' has the wrong type or no value";
    return false;
  }
  return ok;
}

// ---- registration -----------------------------------------------------------------------------------------------------
std::vector<std::pair<Op, std::string>> PluginRegistrations() {
  std::vector<std::pair<Op, std::string>> all;
  for (const char* ns : {"", kDomain})
    for (Op op : kOps) all.emplace_back(op, ns);
  return all;
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
