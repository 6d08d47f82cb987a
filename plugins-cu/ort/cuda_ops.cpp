// CUDA-EP kernels of the swinbench domain (built only with CUDA): the ops of ops_impl.h on the CUDA kernels of
// plugins-cu, on device memory and the CUDA execution provider's compute stream.
#include "cuda_ops.h"

#include "ops_impl.h"

namespace swinbench::Cuda {
namespace {

struct CudaTarget {
  static constexpr const char* kProvider = "CUDAExecutionProvider";
  static void* Stream(OrtKernelContext* ctx) { return Ort::KernelContext(ctx).GetGPUComputeStream(); }
  static int WindowMask(const swb_window_geometry* g, swb_dtype t, void* out, void* s, char* m, size_t n) {
    return swb_window_mask_cuda(g, t, out, s, m, n);
  }
  static int RollPartition(const swb_window_geometry* g, swb_dtype t, const void* x, void* out, void* s, char* m,
                           size_t n) {
    return swb_roll_partition_cuda(g, t, x, out, s, m, n);
  }
  static int ReverseRollAdd(const swb_window_geometry* g, swb_dtype t, const void* w, const void* r, void* y, void* s,
                            char* m, size_t n) {
    return swb_reverse_roll_add_cuda(g, t, w, r, y, s, m, n);
  }
  static int QkvSplit(const swb_qkv_geometry* g, float scale, swb_dtype t, const void* qkv, void* q, void* k, void* v,
                      void* s, char* m, size_t n) {
    return swb_qkv_split_cuda(g, scale, t, qkv, q, k, v, s, m, n);
  }
  static int LayerNormFp32(const swb_rows_geometry* g, float eps, swb_dtype t, swb_dtype pt, const void* x,
                           const void* w, const void* b, void* y, void* s, char* m, size_t n) {
    return swb_layer_norm_fp32_cuda(g, eps, t, pt, x, w, b, y, s, m, n);
  }
  static int LnRollPartition(const swb_window_geometry* g, float eps, swb_dtype t, const void* x, const void* w,
                             const void* b, void* y, void* s, char* m, size_t n) {
    return swb_ln_roll_partition_cuda(g, eps, t, t, x, w, b, y, s, m, n);
  }
  static int WindowAttention(const swb_qkv_geometry* g, float scale, swb_dtype t, const void* qkv, const float* bias,
                             const float* mask, int64_t num_windows, void* out, void* s, char* m, size_t n) {
    return swb_window_attention_cuda(g, scale, t, qkv, bias, mask, num_windows, out, s, m, n);
  }
};

}  // namespace

void RegisterOps(Ort::CustomOpDomain& domain) { RegisterAll<CudaTarget>(domain); }

}  // namespace swinbench::Cuda
