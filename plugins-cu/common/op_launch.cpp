// The launch of each op (op_launch.h): the kernel geometry from the contract, then the op's CPU or CUDA entry point.
#include "op_launch.h"

#include "status.h"

namespace swinbench::ops {
namespace {

using contract::Op;

struct Run {
  const contract::Attrs& attrs;
  const Node& node;
  bool cuda;
  void* stream;
  SwinBlockCache& cache;
  char* msg;
  size_t size;
};

// WindowMask(image) -> mask (nW, N, N) float32
int LaunchWindowMask(const Run& r) {
  const swb_window_geometry g = contract::WindowGeometry(Op::WindowMask, r.attrs, r.node.dims);
  void* mask = r.node.outputs[0];
  return r.cuda ? swb_window_mask_cuda(&g, SWB_F32, mask, r.stream, r.msg, r.size)
                : swb_window_mask_cpu(&g, SWB_F32, mask, r.msg, r.size);
}

// ReverseRollAdd(windows (B*nW, N, C), residual (B, H*W, C), image) -> y (B, H*W, C)
int LaunchReverseRollAdd(const Run& r) {
  const swb_window_geometry g = contract::WindowGeometry(Op::ReverseRollAdd, r.attrs, r.node.dims);
  const auto& in = r.node.inputs;
  const swb_dtype t = r.node.types[0];
  void* y = r.node.outputs[0];
  return r.cuda ? swb_reverse_roll_add_cuda(&g, t, in[0], in[1], y, r.stream, r.msg, r.size)
                : swb_reverse_roll_add_cpu(&g, t, in[0], in[1], y, r.msg, r.size);
}

// QkvSplit(qkv (B_, N, 3C)) -> q, k, v (B_, heads, N, C/heads), q scaled
int LaunchQkvSplit(const Run& r) {
  const swb_qkv_geometry g = contract::QkvGeometry(Op::QkvSplit, r.attrs, r.node.dims);
  const auto& out = r.node.outputs;
  const swb_dtype t = r.node.types[0];
  const float scale = r.attrs.scale;
  return r.cuda ? swb_qkv_split_cuda(&g, scale, t, r.node.inputs[0], out[0], out[1], out[2], r.stream, r.msg, r.size)
                : swb_qkv_split_cpu(&g, scale, t, r.node.inputs[0], out[0], out[1], out[2], r.msg, r.size);
}

// LayerNormFp32(x (..., C), weight (C), bias (C)) -> y like x, float32 accumulation
int LaunchLayerNormFp32(const Run& r) {
  const swb_rows_geometry g = contract::RowsGeometry(r.node.dims);
  const auto& in = r.node.inputs;
  const swb_dtype t = r.node.types[0], p = r.node.types[1];
  const float eps = r.attrs.epsilon;
  void* y = r.node.outputs[0];
  return r.cuda ? swb_layer_norm_fp32_cuda(&g, eps, t, p, in[0], in[1], in[2], y, r.stream, r.msg, r.size)
                : swb_layer_norm_fp32_cpu(&g, eps, t, p, in[0], in[1], in[2], y, r.msg, r.size);
}

// LnRollPartition(x (B, H*W, C), weight (C), bias (C), image) -> windows (B*nW, N, C)
int LaunchLnRollPartition(const Run& r) {
  const swb_window_geometry g = contract::WindowGeometry(Op::LnRollPartition, r.attrs, r.node.dims);
  const auto& in = r.node.inputs;
  const swb_dtype t = r.node.types[0], p = r.node.types[1];
  const float eps = r.attrs.epsilon;
  void* windows = r.node.outputs[0];
  return r.cuda ? swb_ln_roll_partition_cuda(&g, eps, t, p, in[0], in[1], in[2], windows, r.stream, r.msg, r.size)
                : swb_ln_roll_partition_cpu(&g, eps, t, p, in[0], in[1], in[2], windows, r.msg, r.size);
}

// WindowAttention(qkv (B_, N, 3C), bias float32 (heads, N, N), [mask float32 (nW, N, N)]) -> out (B_, N, C)
int LaunchWindowAttention(const Run& r) {
  const swb_qkv_geometry g = contract::QkvGeometry(Op::WindowAttention, r.attrs, r.node.dims);
  const auto& in = r.node.inputs;
  const bool masked = in.size() == 3;
  const auto* bias = static_cast<const float*>(in[1]);
  const auto* mask = masked ? static_cast<const float*>(in[2]) : nullptr;
  const int64_t windows = masked ? r.node.dims[2][0] : 0;
  const swb_dtype t = r.node.types[0];
  const float scale = r.attrs.scale;
  void* out = r.node.outputs[0];
  return r.cuda
             ? swb_window_attention_cuda(&g, scale, t, in[0], bias, mask, windows, out, r.stream, r.msg, r.size)
             : swb_window_attention_cpu(&g, scale, t, in[0], bias, mask, windows, out, r.msg, r.size);
}

// SwinBlock(x (B, H*W, C), the 13 weights of one block, image) -> y (B, H*W, C), through the node's handle
int LaunchSwinBlock(const Run& r) {
  return r.cache.Run(r.cuda ? Device::Cuda : Device::Cpu, r.attrs, r.node, r.stream, r.msg, r.size);
}

#define SWB_OP_LAUNCH(name, ...) &Launch##name,
constexpr int (*kLaunches[])(const Run&) = {SWB_OP_TABLE(SWB_OP_LAUNCH)};  // in enumerator order
#undef SWB_OP_LAUNCH

}  // namespace

int Launch(Op op, const contract::Attrs& attrs, const Node& node, Device device, void* stream, SwinBlockCache& cache,
           char* msg, size_t size) {
  const Run run{attrs, node, device == Device::Cuda, stream, cache, msg, size};
  return kLaunches[static_cast<int>(op)](run);
}

}  // namespace swinbench::ops
