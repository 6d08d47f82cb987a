// The swinbench ops for ONNX Runtime, written once for every execution provider. Each struct is one op for one
// combination of input types (the lite API derives the schema from Compute's signature); InferShapes gives ONNX Runtime
// the output shapes from the input shapes and attributes. Target supplies the provider name, the stream, and the
// C ABI entry points of its kernels (CPU: swb_*_cpu on host memory; CUDA: swb_*_cuda on device memory and the EP's stream).
#pragma once

#include <memory>
#include <vector>

#include "ops_common.h"

namespace swinbench {

using Ort::Custom::Tensor;
using Shape = ShapeIO::Shape;

// Whether an input dim can be a padded size of window ws (unknown and symbolic dims can).
inline bool FitsWindow(const Ort::ShapeInferContext::SymbolicInteger& d, int64_t ws) {
  return !d.IsInt() || d.AsInt() < 0 || d.AsInt() % ws == 0;
}

// The window geometry of a padded NCHW image and a (B, H*W, C) token map, checked.
inline Ort::Status Geometry(const char* op, const WindowAttrs& a, const std::vector<int64_t>& image, int64_t batch,
                     int64_t channels, swb_window_geometry& g) {
  if (image.size() != 4) return OpError(op, "image must be NCHW (rank 4), got " + ShapeText(image));
  g = {batch, image[2], image[3], channels, a.window_size, a.shift_size, 0};
  char msg[256];
  return FromKernel(op, swb_window_geometry_check(&g, batch < 0, msg, sizeof msg), msg);
}

// ---------------------------------------------------------------------------------------------------------------
// WindowMask(image) -> mask (nW, N, N) float32
template <typename Target, typename TImage>
struct WindowMask {
  static constexpr const char* kName = "WindowMask";
  WindowAttrs attrs;

  WindowMask(const OrtApi*, const OrtKernelInfo* info) : attrs(WindowAttrs::Read(info, kName)) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<TImage>& image, Tensor<float>& mask) {
    swb_window_geometry g{};
    if (auto s = Geometry(kName, attrs, image.Shape(), -1, -1, g); !s.IsOK()) return s;
    const int64_t nW = (g.height / g.window_size) * (g.width / g.window_size), N = g.window_size * g.window_size;
    float* out = mask.Allocate({nW, N, N});
    char msg[256];
    return FromKernel(kName, Target::WindowMask(&g, SWB_F32, out, Target::Stream(ctx), msg, sizeof msg), msg);
  }

  static void InferShapes(ShapeIO& io) {
    const auto& image = io.Input(0);
    if (image.size() != 4) return;
    const int64_t ws = io.Int("window_size");
    if (ws < 1 || !FitsWindow(image[2], ws) || !FitsWindow(image[3], ws)) return;
    DimAlgebra d;
    const auto nW = DimAlgebra::Mul(DimAlgebra::Div(d.In(image[2]), ws), DimAlgebra::Div(d.In(image[3]), ws));
    io.SetOutput(0, {d.Out(nW), ws * ws, ws * ws}, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// RollPartition(x (B, H*W, C), image) -> windows (B*nW, N, C)
template <typename Target, typename T, typename TImage>
struct RollPartition {
  static constexpr const char* kName = "RollPartition";
  WindowAttrs attrs;

  RollPartition(const OrtApi*, const OrtKernelInfo* info) : attrs(WindowAttrs::Read(info, kName)) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& x, const Tensor<TImage>& image, Tensor<T>& windows) {
    const auto& xs = x.Shape();
    if (xs.size() != 3) return OpError(kName, "x must be (B, H*W, C), got " + ShapeText(xs));
    swb_window_geometry g{};
    if (auto s = Geometry(kName, attrs, image.Shape(), xs[0], xs[2], g); !s.IsOK()) return s;
    if (xs[1] != g.height * g.width)
      return OpError(kName, "x " + ShapeText(xs) + " does not hold the H*W = " + std::to_string(g.height * g.width) +
                                " tokens of image " + ShapeText(image.Shape()));
    const int64_t nW = (g.height / g.window_size) * (g.width / g.window_size), N = g.window_size * g.window_size;
    T* out = windows.Allocate({g.batch * nW, N, g.channels});
    char msg[256];
    return FromKernel(kName, Target::RollPartition(&g, DType<T>::value, x.Data(), out, Target::Stream(ctx), msg, sizeof msg), msg);
  }

  static void InferShapes(ShapeIO& io) {
    const auto& x = io.Input(0);
    const auto& image = io.Input(1);
    if (x.size() != 3 || image.size() != 4) return;
    const int64_t ws = io.Int("window_size");
    if (ws < 1 || !FitsWindow(image[2], ws) || !FitsWindow(image[3], ws)) return;
    DimAlgebra d;
    const auto nW = DimAlgebra::Mul(DimAlgebra::Div(d.In(image[2]), ws), DimAlgebra::Div(d.In(image[3]), ws));
    io.SetOutput(0, {d.Out(DimAlgebra::Mul(d.In(x[0]), nW)), ws * ws, d.Out(d.In(x[2]))}, io.InputType(0));
  }
};

// ---------------------------------------------------------------------------------------------------------------
// ReverseRollAdd(windows (B*nW, N, C), residual (B, H*W, C), image) -> y (B, H*W, C)
template <typename Target, typename T, typename TImage>
struct ReverseRollAdd {
  static constexpr const char* kName = "ReverseRollAdd";
  WindowAttrs attrs;

  ReverseRollAdd(const OrtApi*, const OrtKernelInfo* info) : attrs(WindowAttrs::Read(info, kName)) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& windows, const Tensor<T>& residual, const Tensor<TImage>& image, Tensor<T>& y) {
    const auto& ws_shape = windows.Shape();
    const auto& rs = residual.Shape();
    if (rs.size() != 3) return OpError(kName, "residual must be (B, H*W, C), got " + ShapeText(rs));
    swb_window_geometry g{};
    if (auto s = Geometry(kName, attrs, image.Shape(), rs[0], rs[2], g); !s.IsOK()) return s;
    const int64_t nW = (g.height / g.window_size) * (g.width / g.window_size), N = g.window_size * g.window_size;
    if (rs[1] != g.height * g.width)
      return OpError(kName, "residual " + ShapeText(rs) + " does not hold the H*W = " +
                                std::to_string(g.height * g.width) + " tokens of image " + ShapeText(image.Shape()));
    if (ws_shape != std::vector<int64_t>{g.batch * nW, N, g.channels})
      return OpError(kName, "windows must be (B*nW, N, C) = " + ShapeText({g.batch * nW, N, g.channels}) + ", got " +
                                ShapeText(ws_shape));
    T* out = y.Allocate(rs);
    char msg[256];
    return FromKernel(kName,
                      Target::ReverseRollAdd(&g, DType<T>::value, windows.Data(), residual.Data(), out, Target::Stream(ctx), msg, sizeof msg),
                      msg);
  }

  static void InferShapes(ShapeIO& io) {
    const auto& residual = io.Input(1);
    if (residual.size() != 3) return;
    DimAlgebra d;
    io.SetOutput(0, d.Copy(residual), io.InputType(1));
  }
};

// ---------------------------------------------------------------------------------------------------------------
// QkvSplit(qkv (B_, N, 3C)) -> q, k, v (B_, heads, N, C/heads), q scaled
template <typename Target, typename T>
struct QkvSplit {
  static constexpr const char* kName = "QkvSplit";
  int64_t heads;
  float scale;

  QkvSplit(const OrtApi*, const OrtKernelInfo* info)
      : heads(IntAttr(info, kName, "num_heads")), scale(FloatAttr(info, kName, "scale")) {}

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& qkv, Tensor<T>& q, Tensor<T>& k, Tensor<T>& v) {
    const auto& s = qkv.Shape();
    if (s.size() != 3 || s[2] % 3 != 0)
      return OpError(kName, "qkv must be (B_, N, 3C), got " + ShapeText(s));
    const swb_qkv_geometry g{s[0], s[1], s[2] / 3, heads, 0, 0};
    if (heads < 1 || g.channels % heads != 0)
      return OpError(kName, "C = " + std::to_string(g.channels) + " is not a multiple of num_heads = " +
                                std::to_string(heads));
    const std::vector<int64_t> out_shape{g.batch_windows, heads, g.tokens, g.channels / heads};
    T* qp = q.Allocate(out_shape);
    T* kp = k.Allocate(out_shape);
    T* vp = v.Allocate(out_shape);
    char msg[256];
    return FromKernel(kName, Target::QkvSplit(&g, scale, DType<T>::value, qkv.Data(), qp, kp, vp, Target::Stream(ctx), msg, sizeof msg),
                      msg);
  }

  static void InferShapes(ShapeIO& io) {
    const auto& qkv = io.Input(0);
    if (qkv.size() != 3) return;
    const int64_t heads = io.Int("num_heads");
    if (heads < 1) return;
    DimAlgebra d;
    const auto head_dim = DimAlgebra::Div(DimAlgebra::Div(d.In(qkv[2]), 3), heads);
    const Shape out{d.Out(d.In(qkv[0])), heads, d.Out(d.In(qkv[1])), d.Out(head_dim)};
    for (size_t i = 0; i < 3; ++i) io.SetOutput(i, out, io.InputType(0));
  }
};

// ---------------------------------------------------------------------------------------------------------------
// LayerNormFp32(x (..., C), weight (C), bias (C)) -> y like x, float32 accumulation
template <typename Target, typename T, typename TParam>
struct LayerNormFp32 {
  static constexpr const char* kName = "LayerNormFp32";
  float epsilon;

  LayerNormFp32(const OrtApi*, const OrtKernelInfo* info) {
    const float default_epsilon = 1e-5f;
    epsilon = FloatAttr(info, kName, "epsilon", &default_epsilon);
  }

  Ort::Status Compute(OrtKernelContext* ctx, const Tensor<T>& x, const Tensor<TParam>& weight, const Tensor<TParam>& bias, Tensor<T>& y) {
    const auto& s = x.Shape();
    if (s.empty()) return OpError(kName, "x must have at least one dim");
    const int64_t cols = s.back();
    if (weight.NumberOfElement() != cols || bias.NumberOfElement() != cols)
      return OpError(kName, "weight " + ShapeText(weight.Shape()) + " and bias " + ShapeText(bias.Shape()) +
                                " must hold the last dim of x " + ShapeText(s));
    const swb_rows_geometry g{cols == 0 ? 0 : x.NumberOfElement() / cols, cols, 0};
    T* out = y.Allocate(s);
    char msg[256];
    return FromKernel(kName,
                      Target::LayerNormFp32(&g, epsilon, DType<T>::value, DType<TParam>::value, x.Data(), weight.Data(), bias.Data(), out, Target::Stream(ctx), msg, sizeof msg),
                      msg);
  }

  static void InferShapes(ShapeIO& io) {
    const auto& x = io.Input(0);
    if (x.empty()) return;
    DimAlgebra d;
    io.SetOutput(0, d.Copy(x), io.InputType(0));
  }
};

template <typename Target, template <typename...> class Op, typename... Ts>
void AddOp(Ort::CustomOpDomain& domain, std::vector<std::unique_ptr<Ort::Custom::OrtLiteCustomOp>>& ops) {
  using Kernel = Op<Target, Ts...>;
  ops.emplace_back(Ort::Custom::CreateLiteCustomOp<Kernel>(Kernel::kName, Target::kProvider));
  InstallShapeInference<Kernel>(ops.back().get());
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
  AddOp<Target, RollPartition, float, float>(domain, *ops);
  AddOp<Target, RollPartition, float, F16>(domain, *ops);
  AddOp<Target, RollPartition, F16, float>(domain, *ops);
  AddOp<Target, RollPartition, F16, F16>(domain, *ops);
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
}

}  // namespace swinbench
