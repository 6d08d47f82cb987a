// The swinbench ops for ONNX Runtime, written once for every execution provider. Each struct is one op for one
// combination of input types (the lite API derives the schema from Compute's signature). The contract of the op
// (attributes, input checks, output shapes and dtypes: common/op_contracts.h) is shared with the TensorRT plugins;
// ContractOp applies it: attributes at kernel creation, InferShapes for ONNX Runtime's shape inference, Check and
// OutDims in Compute. Target supplies the provider name, the stream, and the C ABI entry points of its kernels (CPU:
// swb_*_cpu on host memory; CUDA: swb_*_cuda on device memory and the EP's stream), including the Swin block handle's
// create and run with the order its runs keep (RunOrder).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

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

// ---------------------------------------------------------------------------------------------------------------
// WindowMask(image) -> mask (nW, N, N) float32
template <typename Target, typename TImage>
struct WindowMask : ContractOp<contract::Op::WindowMask> {
  static constexpr contract::Op kOp = contract::Op::WindowMask;
  WindowMask(const OrtApi*, const OrtKernelInfo* info) : ContractOp(info) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<TImage>& image, Tensor<float>& mask) {
    const Dims in{image.Shape()};
    if (auto s = Check(in); !s.IsOK()) return s;
    const swb_window_geometry g = contract::WindowGeometry(kOp, attrs, in);
    float* out = mask.Allocate(OutDims(in)[0]);
    char msg[256];
    return KernelResult(Target::WindowMask(&g, SWB_F32, out, Target::Stream(ctx), msg, sizeof msg), msg);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// ReverseRollAdd(windows (B*nW, N, C), residual (B, H*W, C), image) -> y (B, H*W, C)
template <typename Target, typename T, typename TImage>
struct ReverseRollAdd : ContractOp<contract::Op::ReverseRollAdd> {
  static constexpr contract::Op kOp = contract::Op::ReverseRollAdd;
  ReverseRollAdd(const OrtApi*, const OrtKernelInfo* info) : ContractOp(info) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& windows, const Tensor<T>& residual,
                      const Tensor<TImage>& image, Tensor<T>& y) {
    const Dims in{windows.Shape(), residual.Shape(), image.Shape()};
    if (auto s = Check(in); !s.IsOK()) return s;
    const swb_window_geometry g = contract::WindowGeometry(kOp, attrs, in);
    T* out = y.Allocate(OutDims(in)[0]);
    char msg[256];
    return KernelResult(Target::ReverseRollAdd(&g, DType<T>::value, windows.Data(), residual.Data(), out, Target::Stream(ctx),
                                         msg, sizeof msg),
                  msg);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// QkvSplit(qkv (B_, N, 3C)) -> q, k, v (B_, heads, N, C/heads), q scaled
template <typename Target, typename T>
struct QkvSplit : ContractOp<contract::Op::QkvSplit> {
  static constexpr contract::Op kOp = contract::Op::QkvSplit;
  QkvSplit(const OrtApi*, const OrtKernelInfo* info) : ContractOp(info) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& qkv, Tensor<T>& q, Tensor<T>& k, Tensor<T>& v) {
    const Dims in{qkv.Shape()};
    if (auto s = Check(in); !s.IsOK()) return s;
    const swb_qkv_geometry g = contract::QkvGeometry(kOp, attrs, in);
    const auto out = OutDims(in);
    T* qp = q.Allocate(out[0]);
    T* kp = k.Allocate(out[1]);
    T* vp = v.Allocate(out[2]);
    char msg[256];
    return KernelResult(Target::QkvSplit(&g, attrs.scale, DType<T>::value, qkv.Data(), qp, kp, vp, Target::Stream(ctx), msg,
                                   sizeof msg),
                  msg);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// LayerNormFp32(x (..., C), weight (C), bias (C)) -> y like x, float32 accumulation
template <typename Target, typename T, typename TParam>
struct LayerNormFp32 : ContractOp<contract::Op::LayerNormFp32> {
  static constexpr contract::Op kOp = contract::Op::LayerNormFp32;
  LayerNormFp32(const OrtApi*, const OrtKernelInfo* info) : ContractOp(info) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& x, const Tensor<TParam>& weight,
                      const Tensor<TParam>& bias, Tensor<T>& y) {
    const Dims in{x.Shape(), weight.Shape(), bias.Shape()};
    if (auto s = Check(in); !s.IsOK()) return s;
    const swb_rows_geometry g = contract::RowsGeometry(in);
    T* out = y.Allocate(OutDims(in)[0]);
    char msg[256];
    return KernelResult(Target::LayerNormFp32(&g, attrs.epsilon, DType<T>::value, DType<TParam>::value, x.Data(),
                                        weight.Data(), bias.Data(), out, Target::Stream(ctx), msg, sizeof msg),
                  msg);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// LnRollPartition(x (B, H*W, C), weight (C), bias (C), image) -> windows (B*nW, N, C): LayerNorm in float32, roll,
// window partition
template <typename Target, typename T, typename TImage>
struct LnRollPartition : ContractOp<contract::Op::LnRollPartition> {
  static constexpr contract::Op kOp = contract::Op::LnRollPartition;
  LnRollPartition(const OrtApi*, const OrtKernelInfo* info) : ContractOp(info) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias,
                      const Tensor<TImage>& image, Tensor<T>& windows) {
    const Dims in{x.Shape(), weight.Shape(), bias.Shape(), image.Shape()};
    if (auto s = Check(in); !s.IsOK()) return s;
    const swb_window_geometry g = contract::WindowGeometry(kOp, attrs, in);
    T* out = windows.Allocate(OutDims(in)[0]);
    char msg[256];
    return KernelResult(Target::LnRollPartition(&g, attrs.epsilon, DType<T>::value, x.Data(), weight.Data(), bias.Data(), out,
                                          Target::Stream(ctx), msg, sizeof msg),
                  msg);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// WindowAttention(qkv (B_, N, 3C), bias float32 (heads, N, N), [mask float32 (nW, N, N)]) -> out (B_, N, C)
template <typename Target, typename T>
struct WindowAttention : ContractOp<contract::Op::WindowAttention> {
  static constexpr contract::Op kOp = contract::Op::WindowAttention;
  WindowAttention(const OrtApi*, const OrtKernelInfo* info) : ContractOp(info) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& qkv, const Tensor<float>& bias,
                      std::optional<const Tensor<float>*> mask, Tensor<T>& out) {
    const bool masked = mask.has_value() && *mask != nullptr;
    Dims in{qkv.Shape(), bias.Shape()};
    if (masked) in.push_back((*mask)->Shape());
    if (auto s = Check(in); !s.IsOK()) return s;
    const swb_qkv_geometry g = contract::QkvGeometry(kOp, attrs, in);
    T* y = out.Allocate(OutDims(in)[0]);
    const float* mask_data = masked ? (*mask)->Data() : nullptr;
    const int64_t num_windows = masked ? in[2][0] : 0;
    char msg[256];
    return KernelResult(Target::WindowAttention(&g, attrs.scale, DType<T>::value, qkv.Data(), bias.Data(), mask_data,
                                          num_windows, y, Target::Stream(ctx), msg, sizeof msg),
                  msg);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// SwinBlock(x (B, H*W, C), the 13 weights of one block (attn_bias float32), image) -> y (B, H*W, C): one Swin
// Transformer block through a depth-1 swb_swin_block handle. The first Compute makes the handle from the weight inputs
// (initializers, so the same buffers every run); it is kept while the weights stay where they were
// (contract::SwinBlockKey: their data pointers, the dtype, C and hidden) and made again when they move. The runs of one
// kernel are serialized (the handle's work buffers are shared), on the op's stream; y is its own buffer (x != y).
template <typename Target, typename T, typename TImage>
struct SwinBlock : ContractOp<contract::Op::SwinBlock> {
  static constexpr contract::Op kOp = contract::Op::SwinBlock;
  SwinBlock(const OrtApi*, const OrtKernelInfo* info) : ContractOp(info) {}
  ~SwinBlock() { swb_swin_block_destroy(handle_); }
  SwinBlock(const SwinBlock&) = delete;
  SwinBlock& operator=(const SwinBlock&) = delete;

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& x, const Tensor<T>& norm1_weight,
                      const Tensor<T>& norm1_bias, const Tensor<T>& qkv_weight, const Tensor<T>& qkv_bias,
                      const Tensor<float>& attn_bias, const Tensor<T>& proj_weight, const Tensor<T>& proj_bias,
                      const Tensor<T>& norm2_weight, const Tensor<T>& norm2_bias, const Tensor<T>& fc1_weight,
                      const Tensor<T>& fc1_bias, const Tensor<T>& fc2_weight, const Tensor<T>& fc2_bias,
                      const Tensor<TImage>& image, Tensor<T>& y) {
    const Ort::Custom::TensorBase* inputs[contract::swin_block::kInputs] = {
        &x,           &norm1_weight, &norm1_bias, &qkv_weight, &qkv_bias,   &attn_bias, &proj_weight, &proj_bias,
        &norm2_weight, &norm2_bias,  &fc1_weight, &fc1_bias,   &fc2_weight, &fc2_bias,  &image};
    Dims in;
    const void* data[contract::swin_block::kInputs];
    for (int i = 0; i < contract::swin_block::kInputs; ++i) {
      in.push_back(inputs[i]->Shape());
      data[i] = inputs[i]->DataRaw();
    }
    if (auto s = Check(in); !s.IsOK()) return s;
    const swb_swin_block_desc desc = contract::SwinBlockDesc(attrs, in, DType<T>::value);
    const contract::SwinBlockKey key = contract::MakeSwinBlockKey(desc, data);
    void* stream = Target::Stream(ctx);
    char msg[256] = "";
    std::lock_guard<std::mutex> lock(mutex_);
    if (handle_ == nullptr || key != key_) {
      swb_swin_block_destroy(handle_);  // waits for the old handle's queued work
      handle_ = nullptr;
      const swb_swin_block_weights weights = contract::SwinBlockWeights(attrs, data);
      const int status = Target::SwinBlockCreate(&desc, &weights, stream, &handle_, msg, sizeof msg);
      if (status != SWB_OK) return KernelResult(status, msg);
      key_ = key;
    }
    T* out = y.Allocate(in[contract::swin_block::kX]);
    const auto& im = in[contract::swin_block::kImage];
    return KernelResult(Target::SwinBlockRun(handle_, in[contract::swin_block::kX][0], im[2], im[3], x.Data(), out,
                                             stream, order_, msg, sizeof msg),
                        msg);
  }

 private:
  std::mutex mutex_;
  swb_swin_block* handle_ = nullptr;
  contract::SwinBlockKey key_;
  typename Target::RunOrder order_;  // CUDA: makes each run wait for the previous one when ORT changes streams
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

template <typename Target, template <typename...> class Op, typename... Ts>
void AddOp(Ort::CustomOpDomain& domain, std::vector<std::unique_ptr<Ort::Custom::OrtLiteCustomOp>>& ops) {
  using Kernel = Op<Target, Ts...>;
  ops.emplace_back(Ort::Custom::CreateLiteCustomOp<Kernel>(Kernel::Name(), Target::kProvider));
  InstallShapeInference<Kernel>(ops.back().get());
  CountNamedInputs<Kernel>(ops.back().get());
  domain.Add(ops.back().get());
}

// Registers every op and type combination for Target's provider.
template <typename Target>
void RegisterAll(Ort::CustomOpDomain& domain) {
  // kept for the life of the process, like the domain that points at them
  static auto* ops = new std::vector<std::unique_ptr<Ort::Custom::OrtLiteCustomOp>>();
  using F16 = Ort::Float16_t;
  AddOp<Target, WindowMask, float>(domain, *ops);
  AddOp<Target, WindowMask, F16>(domain, *ops);
  AddOp<Target, ReverseRollAdd, float, float>(domain, *ops);
  AddOp<Target, ReverseRollAdd, float, F16>(domain, *ops);
  AddOp<Target, ReverseRollAdd, F16, float>(domain, *ops);
  AddOp<Target, ReverseRollAdd, F16, F16>(domain, *ops);
  AddOp<Target, QkvSplit, float>(domain, *ops);
  AddOp<Target, QkvSplit, F16>(domain, *ops);
  AddOp<Target, LayerNormFp32, float, float>(domain, *ops);
  AddOp<Target, LayerNormFp32, F16, float>(domain, *ops);
  AddOp<Target, LayerNormFp32, F16, F16>(domain, *ops);
  AddOp<Target, LayerNormFp32, float, F16>(domain, *ops);
  AddOp<Target, LnRollPartition, float, float>(domain, *ops);
  AddOp<Target, LnRollPartition, float, F16>(domain, *ops);
  AddOp<Target, LnRollPartition, F16, float>(domain, *ops);
  AddOp<Target, LnRollPartition, F16, F16>(domain, *ops);
  AddOp<Target, WindowAttention, float>(domain, *ops);
  AddOp<Target, WindowAttention, F16>(domain, *ops);
  AddOp<Target, SwinBlock, float, float>(domain, *ops);
  AddOp<Target, SwinBlock, float, F16>(domain, *ops);
  AddOp<Target, SwinBlock, F16, float>(domain, *ops);
  AddOp<Target, SwinBlock, F16, F16>(domain, *ops);
}

}  // namespace swinbench
