// Helpers of the swinbench ONNX Runtime custom ops (op_kernel.h): dtype mapping, attributes, status conversion and
// symbolic shape inference. Compiled with ORT_API_MANUAL_INIT (RegisterCustomOps sets the API).
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "onnxruntime_lite_custom_op.h"
#include "op_contracts.h"
#include "swinbench_plugins.h"

namespace swinbench {

constexpr const char* kDomain = contract::kDomain;

// The lite ops of the library, kept for the life of the process (ONNX Runtime's domain points at them).
using OrtOps = std::vector<std::unique_ptr<Ort::Custom::OrtLiteCustomOp>>;

template <typename T>
struct DType;
template <>
struct DType<float> {
  static constexpr swb_dtype value = SWB_F32;
};
template <>
struct DType<Ort::Float16_t> {
  static constexpr swb_dtype value = SWB_F16;
};

// "swinbench::Op: text" as an ORT status (INVALID_ARGUMENT for bad inputs, FAIL otherwise).
inline Ort::Status OpError(const char* op, const std::string& text, OrtErrorCode code = ORT_INVALID_ARGUMENT) {
  return Ort::Status((std::string(kDomain) + "::" + op + ": " + text).c_str(), code);
}

// Turns a kernel's swb_status and message into an ORT status.
inline Ort::Status FromKernel(const char* op, int status, const char* message) {
  if (status == SWB_OK) return Ort::Status{nullptr};
  return OpError(op, message, status == SWB_ERR_ARGUMENT ? ORT_INVALID_ARGUMENT : ORT_FAIL);
}

inline std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

// The attributes of op (contract::AttrSchema) at kernel creation: a missing or invalid one fails session creation
// with the op and the attribute named.
inline contract::Attrs KernelAttrs(contract::Op op, const OrtKernelInfo* info) {
  const OrtApi& api = Ort::GetApi();
  const auto found = [&api](OrtStatus* status) {
    if (status == nullptr) return true;
    api.ReleaseStatus(status);
    return false;
  };
  const auto get_int = [&](const char* name, int64_t& value) {
    int64_t v = 0;
    if (!found(api.KernelInfoGetAttribute_int64(info, name, &v))) return false;
    value = v;
    return true;
  };
  const auto get_float = [&](const char* name, float& value) {
    float v = 0;
    if (!found(api.KernelInfoGetAttribute_float(info, name, &v))) return false;
    value = v;
    return true;
  };
  contract::Attrs attrs;
  std::string error;
  if (!contract::ReadAttrs(op, get_int, get_float, attrs, error))
    ORT_CXX_API_THROW(std::string(kDomain) + "::" + error, ORT_INVALID_ARGUMENT);
  return attrs;
}

// Output dims for shape inference: a value, or a symbolic expression of the input dims ("B*(H/8)*(W/8)"), so that
// dynamic H/W need no Shape/Gather chains in the graph. An input dim that is neither gets a fresh symbol of its own.
class DimAlgebra {
 public:
  using Dim = Ort::ShapeInferContext::SymbolicInteger;

  struct Expr {
    bool known = false;
    int64_t value = 0;
    std::string text;
  };

  Expr In(const Dim& d) {
    if (!d.IsInt()) return {false, 0, d.AsSym()};
    if (d.AsInt() >= 0) return {true, d.AsInt(), {}};
    static std::atomic<int> next{0};
    return {false, 0, "swinbench_dim" + std::to_string(next++)};
  }

  static Expr Value(int64_t v) { return {true, v, {}}; }

  static Expr Mul(const Expr& a, const Expr& b) {
    if (a.known && b.known) return Value(a.value * b.value);
    if (a.known && a.value == 1) return b;
    if (b.known && b.value == 1) return a;
    return {false, 0, Text(a) + "*" + Text(b)};
  }

  static Expr Div(const Expr& a, int64_t k) {
    if (a.known) return Value(k == 0 ? 0 : a.value / k);
    if (k == 1) return a;
    return {false, 0, "(" + a.text + "/" + std::to_string(k) + ")"};
  }

  // The dimension algebra of contract::OutputShapes.
  static Expr Const(int64_t v) { return Value(v); }
  static Expr FloorDiv(const Expr& a, const Expr& b) {
    if (b.known) return Div(a, b.value);
    return {false, 0, "(" + Text(a) + "/" + b.text + ")"};
  }

  // The dim to hand to SetOutputShape; symbol text stays alive as long as this object.
  Dim Out(const Expr& e) {
    if (e.known) return Dim(e.value);
    texts_.push_back(e.text);
    return Dim(texts_.back().c_str());
  }

  Ort::ShapeInferContext::Shape Copy(const Ort::ShapeInferContext::Shape& shape) {
    Ort::ShapeInferContext::Shape out;
    for (const auto& d : shape) out.push_back(Out(In(d)));
    return out;
  }

 private:
  static std::string Text(const Expr& e) { return e.known ? std::to_string(e.value) : e.text; }
  std::deque<std::string> texts_;
};

// The shape-inference side of one node: input shapes and attributes through Ort::ShapeInferContext, outputs set
// through the C API with -1 for symbolic dims (the C++ wrapper's SetOutputShape passes -2, which ONNX Runtime 1.31
// rejects, so its shapes would be dropped).
class ShapeIO {
 public:
  using Shape = Ort::ShapeInferContext::Shape;

  explicit ShapeIO(OrtShapeInferContext* ctx) : ctx_(ctx), reader_(&Ort::GetApi(), ctx) {}

  size_t InputCount() const { return reader_.GetInputCount(); }
  const Shape& Input(size_t i) const { return reader_.GetInputShape(i); }
  int64_t Int(const char* name) { return reader_.GetAttrInt(name); }
  float Float(const char* name) { return reader_.GetAttrFloat(name); }

  // Element type of input i (the info stays owned by the context).
  ONNXTensorElementDataType InputType(size_t i) const {
    const OrtApi& api = Ort::GetApi();
    OrtTensorTypeAndShapeInfo* info = nullptr;
    Ort::ThrowOnError(api.ShapeInferContext_GetInputTypeShape(ctx_, i, &info));
    ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
    Ort::ThrowOnError(api.GetTensorElementType(info, &type));
    return type;
  }

  // Sets output index to shape and type (ONNX Runtime applies both).
  void SetOutput(size_t index, const Shape& shape, ONNXTensorElementDataType type) {
    const OrtApi& api = Ort::GetApi();
    std::vector<int64_t> dims;
    std::vector<const char*> names;
    for (const auto& d : shape) {
      dims.push_back(d.IsInt() ? d.AsInt() : -1);
      names.push_back(d.IsInt() ? "" : d.AsSym());
    }
    OrtTensorTypeAndShapeInfo* info = nullptr;
    Ort::ThrowOnError(api.CreateTensorTypeAndShapeInfo(&info));
    std::unique_ptr<OrtTensorTypeAndShapeInfo, void (*)(OrtTensorTypeAndShapeInfo*)> owned(
        info, [](OrtTensorTypeAndShapeInfo* p) { Ort::GetApi().ReleaseTensorTypeAndShapeInfo(p); });
    Ort::ThrowOnError(api.SetTensorElementType(info, type));
    Ort::ThrowOnError(api.SetDimensions(info, dims.data(), dims.size()));
    Ort::ThrowOnError(api.SetSymbolicDimensions(info, names.data(), names.size()));
    Ort::ThrowOnError(api.ShapeInferContext_SetOutputTypeShape(ctx_, index, info));
  }

 private:
  OrtShapeInferContext* ctx_;
  Ort::ShapeInferContext reader_;
};

// Installs Op::InferShapes as the op's shape inference. ONNX Runtime ignores the returned status, so a failure
// leaves the shape unset (the kernel reports the problem at run time) and nothing throws across the C boundary.
template <typename Op>
void InstallShapeInference(OrtCustomOp* op) {
  op->InferOutputShapeFn = [](const OrtCustomOp*, OrtShapeInferContext* ctx) -> OrtStatusPtr {
    try {
      ShapeIO io(ctx);
      Op::InferShapes(io);
    } catch (...) {
    }
    return nullptr;
  };
}

}  // namespace swinbench
