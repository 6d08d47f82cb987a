// CUDA entry points of the kernels that have no CUDA implementation in this build: each one says so.
// CMake defines SWB_HAVE_CUDA_<OP> for every kernel whose .cu it compiles, which removes that kernel's stub.
#include "status.h"

namespace {

[[maybe_unused]] int NoCuda(const char* op, char* msg, size_t size) {
  return swb::Fail(SWB_ERR_NO_CUDA, msg, size,
                   "%s: this build of swinbench_plugins has no CUDA kernel for it (%s); build plugins-cu with nvcc "
                   "on a CUDA machine",
                   op, swb_build_info());
}

}  // namespace

extern "C" {

#ifndef SWB_HAVE_CUDA_WINDOW_MASK
int swb_window_mask_cuda(const swb_window_geometry*, swb_dtype, void*, void*, char* msg, size_t size) {
  return NoCuda("window_mask", msg, size);
}
#endif

#ifndef SWB_HAVE_CUDA_REVERSE_ROLL_ADD
int swb_reverse_roll_add_cuda(const swb_window_geometry*, swb_dtype, const void*, const void*, void*, void*, char* msg,
                              size_t size) {
  return NoCuda("reverse_roll_add", msg, size);
}
#endif

#ifndef SWB_HAVE_CUDA_QKV_SPLIT
int swb_qkv_split_cuda(const swb_qkv_geometry*, float, swb_dtype, const void*, void*, void*, void*, void*, char* msg,
                       size_t size) {
  return NoCuda("qkv_split", msg, size);
}
#endif

#ifndef SWB_HAVE_CUDA_LAYER_NORM_FP32
int swb_layer_norm_fp32_cuda(const swb_rows_geometry*, float, swb_dtype, swb_dtype, const void*, const void*,
                             const void*, void*, void*, char* msg, size_t size) {
  return NoCuda("layer_norm_fp32", msg, size);
}
#endif

#ifndef SWB_HAVE_CUDA_LN_ROLL_PARTITION
int swb_ln_roll_partition_cuda(const swb_window_geometry*, float, swb_dtype, swb_dtype, const void*, const void*,
                               const void*, void*, void*, char* msg, size_t size) {
  return NoCuda("ln_roll_partition", msg, size);
}
#endif

#ifndef SWB_HAVE_CUDA_WINDOW_ATTENTION
int swb_window_attention_cuda(const swb_qkv_geometry*, float, swb_dtype, const void*, const float*, const float*,
                              int64_t, void*, void*, char* msg, size_t size) {
  return NoCuda("window_attention", msg, size);
}
#endif

#ifndef SWB_HAVE_CUDA_SWIN_BLOCK
int swb_swin_block_create_cuda(const swb_swin_block_desc*, const swb_swin_block_weights*, void*, swb_swin_block** out,
                               char* msg, size_t size) {
  if (out != nullptr) *out = nullptr;
  return NoCuda("swin_block", msg, size);
}
#endif

}  // extern "C"
