// Every swinbench op for ONNX Runtime, for every execution provider, from the op table (common/op_table.h).
// OrtKernel<kOp, Target, T, TImage, TParam> is the lite-API kernel of one op and one combination of types: its Compute
// signature, which the lite API reads as the op's schema, is built from the op's input and output kinds. It only
// translates: the attributes at kernel creation and the shape inference (ContractOp, common/op_contracts.h), then in
// Compute the input checks and output shapes of the contract and the op's shared launch (common/op_launch.h). Target
// supplies the provider, the device, the stream and, for SwinBlock, the order of its runs.
#pragma once

#include <iterator>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "op_launch.h"
#include "ops_common.h"

namespace swinbench {

using Ort::Custom::Tensor;
using Shape = ShapeIO::Shape;
using Dims = std::vector<std::vector<int64_t>>;

inline contract::DType ContractType(ONNXTensorElementDataType t) {
  return t == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT     ? contract::DType::F32
         : t == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 ? contract::DType::F16
                                                      : contract::DType::Other;
}

inline ONNXTensorElementDataType OnnxType(contract::DType t) {
  return t == contract::DType::F16 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 : ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
}

// What every op takes from the contract.
template <contract::Op kOp>
struct ContractOp {
  contract::Attrs attrs;

  explicit ContractOp(const OrtKernelInfo* info) : attrs(KernelAttrs(kOp, info)) {}

  static const char* Name() { return contract::OpName(kOp); }

  // The input dims checked against the contract ("swinbench::Op: ..." naming the input and its shape).
  Ort::Status Check(const Dims& in) const {
    std::string error;
    if (!contract::CheckInputDims(kOp, attrs, in, error))
      return Ort::Status((std::string(kDomain) + "::" + error).c_str(), ORT_INVALID_ARGUMENT);
    return Ort::Status{nullptr};
  }

  // The output dims of checked input dims.
  std::vector<std::vector<int64_t>> OutDims(const Dims& in) const { return contract::OutputDims(kOp, attrs, in); }

  // The kernel's status and message as an ORT status.
  static Ort::Status KernelResult(int status, const char* message) { return FromKernel(Name(), status, message); }

  // Output shapes (symbolic where the inputs are) and dtypes for ONNX Runtime. Leaves them unset when the attributes
  // or ranks do not fit, or a known image dim is not a multiple of window_size (Compute then names the problem).
  static void InferShapes(ShapeIO& io) {
    contract::Attrs a;
    std::string error;
    const auto get_int = [&io](const char* name, int64_t& v) {
      try {
        v = io.Int(name);
        return true;
      } catch (...) {
        return false;
      }
    };
    const auto get_float = [&io](const char* name, float& v) {
      try {
        v = io.Float(name);
        return true;
      } catch (...) {
        return false;
      }
    };
    if (!contract::ReadAttrs(kOp, get_int, get_float, a, error)) return;
    DimAlgebra d;
    std::vector<std::vector<DimAlgebra::Expr>> in;
    std::vector<contract::DType> types;
    for (size_t i = 0; i < io.InputCount(); ++i) {
      in.emplace_back();
      for (const auto& dim : io.Input(i)) in.back().push_back(d.In(dim));
      types.push_back(ContractType(io.InputType(i)));
    }
    const int image = contract::ImageInput(kOp);
    if (image >= 0 && image < static_cast<int>(in.size()) && in[image].size() == 4)
      for (size_t k = 2; k < 4; ++k)
        if (in[image][k].known && in[image][k].value % a.window_size != 0) return;
    std::vector<std::vector<DimAlgebra::Expr>> out;
    if (!contract::OutputShapes(kOp, a, in, out, d)) return;
    const auto out_types = contract::OutputTypes(kOp, types);
    for (size_t i = 0; i < out.size(); ++i) {
      Shape shape;
      for (const auto& e : out[i]) shape.push_back(d.Out(e));
      io.SetOutput(i, shape, OnnxType(out_types[i]));
    }
  }
};

// The element type of a tensor of kind K in a node whose T, Image and Param types are T, TImage and TParam.
template <contract::Kind K, typename T, typename TImage, typename TParam>
using ElementOf = std::conditional_t<
    K == contract::Kind::T, T,
    std::conditional_t<K == contract::Kind::Image, TImage, std::conditional_t<K == contract::Kind::Param, TParam, float>>>;

// Compute's parameter for an input of kind K (an optional one may be absent), and for an output.
template <contract::Kind K, typename T, typename TImage, typename TParam>
using InputArg = std::conditional_t<K == contract::Kind::OptF32, std::optional<const Tensor<float>*>,
                                    const Tensor<ElementOf<K, T, TImage, TParam>>&>;
template <contract::Kind K, typename T>
using OutputArg = Tensor<ElementOf<K, T, T, T>>&;

template <typename E>
void AddInput(ops::Node& node, const Tensor<E>& t) {
  node.dims.push_back(t.Shape());
  node.inputs.push_back(t.DataRaw());
  node.types.push_back(DType<E>::value);
}
inline void AddInput(ops::Node& node, const std::optional<const Tensor<float>*>& t) {
  if (t.has_value() && *t != nullptr) AddInput(node, **t);
}

template <contract::Op kOp, typename Target, typename T, typename TImage, typename TParam,
          typename = std::make_index_sequence<std::size(contract::Schema<kOp>::kInputs)>,
          typename = std::make_index_sequence<std::size(contract::Schema<kOp>::kOutputs)>>
struct OrtKernel;

template <contract::Op kOp, typename Target, typename T, typename TImage, typename TParam, size_t... I, size_t... O>
struct OrtKernel<kOp, Target, T, TImage, TParam, std::index_sequence<I...>, std::index_sequence<O...>>
    : ContractOp<kOp> {
  using Schema = contract::Schema<kOp>;

  OrtKernel(const OrtApi*, const OrtKernelInfo* info) : ContractOp<kOp>(info), cache_(Target::MakeRunOrder()) {}

  Ort::Status Compute(OrtKernelContext* ctx, InputArg<Schema::kInputs[I], T, TImage, TParam>... in,
                      OutputArg<Schema::kOutputs[O], T>... out) {
    ops::Node node;
    (AddInput(node, in), ...);
    if (auto s = this->Check(node.dims); !s.IsOK()) return s;
    const Dims out_dims = this->OutDims(node.dims);
    (node.outputs.push_back(out.Allocate(out_dims[O])), ...);
    char msg[256] = "";
    const int status =
        ops::Launch(kOp, this->attrs, node, Target::kDevice, Target::Stream(ctx), cache_, msg, sizeof msg);
    return this->KernelResult(status, msg);
  }

 private:
  ops::SwinBlockCache cache_;  // SwinBlock's handle (kept for the kernel's life)
};

// Kernel creation of a lite op that leaves out trailing inputs without a name. ONNX Runtime 1.31's lite API builds a
// tensor for every input index below the node's input count, and crashes on an absent optional input written as an
// empty name (WindowAttention "qkv, bias, ''"); counting only the named ones makes that input std::nullopt instead.
// Otherwise what the lite API's own CreateKernel does (its Kernel record, from onnxruntime_lite_custom_op.h).
template <typename Kernel>
void CountNamedInputs(OrtCustomOp* op) {
  using Lite = Ort::Custom::OrtLiteCustomStruct<Kernel>;
  op->CreateKernel = [](const OrtCustomOp* self, const OrtApi* api, const OrtKernelInfo* info) -> void* {
    auto kernel = std::make_unique<typename Lite::Kernel>();
    Ort::ThrowOnError(api->KernelInfo_GetInputCount(info, &kernel->num_input_));
    Ort::ThrowOnError(api->KernelInfo_GetOutputCount(info, &kernel->num_output_));
    const Ort::ConstKernelInfo ki(info);
    while (kernel->num_input_ > 0 && ki.GetInputName(kernel->num_input_ - 1).empty()) --kernel->num_input_;
    kernel->custom_op_ = std::make_unique<Kernel>(api, info);
    kernel->ep_ = static_cast<const Lite*>(self)->execution_provider_;
    return kernel.release();
  };
}

template <typename Kernel>
void AddOp(OrtOps& ops, const char* provider) {
  ops.emplace_back(Ort::Custom::CreateLiteCustomOp<Kernel>(Kernel::Name(), provider));
  InstallShapeInference<Kernel>(ops.back().get());
  CountNamedInputs<Kernel>(ops.back().get());
}

template <typename E>
struct TypeTag {
  using type = E;
};

// Calls f with each element type a kind ranges over: float and float16 where the op has that kind, else float alone
// (a placeholder that no Compute parameter uses).
template <bool kUsed, typename F>
void ForTypes(F&& f) {
  f(TypeTag<float>{});
  if constexpr (kUsed) f(TypeTag<Ort::Float16_t>{});
}

template <size_t N>
constexpr bool HasKind(const contract::Kind (&kinds)[N], contract::Kind k) {
  for (contract::Kind x : kinds)
    if (x == k) return true;
  return false;
}

// One kernel per combination of the op's T, Image and Param types.
template <contract::Op kOp, typename Target>
void AddOpTypes(OrtOps& ops) {
  using S = contract::Schema<kOp>;
  ForTypes<HasKind(S::kInputs, contract::Kind::T)>([&](auto t) {
    ForTypes<HasKind(S::kInputs, contract::Kind::Image)>([&](auto image) {
      ForTypes<HasKind(S::kInputs, contract::Kind::Param)>([&](auto param) {
        using Kernel = OrtKernel<kOp, Target, typename decltype(t)::type, typename decltype(image)::type,
                                 typename decltype(param)::type>;
        AddOp<Kernel>(ops, Target::kProvider);
      });
    });
  });
}

template <typename Target, size_t... I>
void AppendOpsOf(OrtOps& ops, std::index_sequence<I...>) {
  (AddOpTypes<contract::kOps[I], Target>(ops), ...);
}

// Every op of the table, in every type combination, for Target's provider.
template <typename Target>
void AppendAll(OrtOps& ops) {
  AppendOpsOf<Target>(ops, std::make_index_sequence<std::size(contract::kOps)>{});
}

}  // namespace swinbench
