// The swinbench ops, one row each. Generated from this table: contract::Op and the ops' names, arities and dtype
// kinds (op_contracts.h/.cpp), the launch table (op_launch.cpp), the CUDA stubs of a build without a kernel
// (cuda_stubs.cpp), swb_ops() (geometry.cpp), the ONNX Runtime registration (ort/) and the TensorRT plugin list
// (tensorrt/). C# holds the same rows in ModelOptions.KernelTokens; a test checks them against the built libraries.
//
// SWB_OP_TABLE(X) expands X(name, token, entry, inputs, outputs, cuda_params) once per op, in the order of the C# flags:
//   name         the ONNX op type (domain "swinbench"), the TensorRT plugin name and the contract::Op enumerator
//   token        the kernel's folder kernels/<token>/ and its token in C# and in swb_ops()
//   entry        the C entry points swb_<entry>_cpu and swb_<entry>_cuda (include/swinbench_plugins.h)
//   inputs       the dtype kind of each input, in order; outputs: of each output (contract::Kind):
//                  T       float32 or float16, one type for every T tensor of a node
//                  Image   the padded NCHW network input, any float type; only its H and W are read
//                  Param   float32 or float16 whatever T is
//                  F32     float32
//                  OptF32  float32, an optional last input
//   cuda_params  the parameter types of swb_<entry>_cuda, for its stub in a build without that CUDA kernel
#pragma once

// clang-format off
#define SWB_OP_TABLE(X)                                                                                               \
  X(WindowMask, window_mask, window_mask, (Image), (F32),                                                             \
    (const swb_window_geometry*, swb_dtype, void*, void*, char*, size_t))                                             \
  X(LnRollPartition, ln_roll_partition, ln_roll_partition, (T, T, T, Image), (T),                                     \
    (const swb_window_geometry*, float, swb_dtype, swb_dtype, const void*, const void*, const void*, void*, void*,    \
     char*, size_t))                                                                                                  \
  X(ReverseRollAdd, reverse_roll_add, reverse_roll_add, (T, T, Image), (T),                                           \
    (const swb_window_geometry*, swb_dtype, const void*, const void*, void*, void*, char*, size_t))                   \
  X(QkvSplit, qkv_split, qkv_split, (T), (T, T, T),                                                                   \
    (const swb_qkv_geometry*, float, swb_dtype, const void*, void*, void*, void*, void*, char*, size_t))              \
  X(LayerNormFp32, layer_norm_fp32, layer_norm_fp32, (T, Param, Param), (T),                                          \
    (const swb_rows_geometry*, float, swb_dtype, swb_dtype, const void*, const void*, const void*, void*, void*,      \
     char*, size_t))                                                                                                  \
  X(WindowAttention, window_attention, window_attention, (T, F32, OptF32), (T),                                       \
    (const swb_qkv_geometry*, float, swb_dtype, const void*, const float*, const float*, int64_t, void*, void*,       \
     char*, size_t))                                                                                                  \
  X(SwinBlock, swin_block, swin_block_create, (T, T, T, T, T, F32, T, T, T, T, T, T, T, T, Image), (T),               \
    (const swb_swin_block_desc*, const swb_swin_block_weights*, void*, swb_swin_block**, char*, size_t))
// clang-format on

// (a, b, c) -> a, b, c: a row's parenthesized list as a comma-separated one.
#define SWB_UNPAREN(...) __VA_ARGS__
