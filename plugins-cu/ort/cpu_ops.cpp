// CPU-EP kernels of the swinbench domain: the ops of ops_impl.h on the reference CPU kernels (host memory).
#include "cpu_ops.h"

#include "ops_impl.h"

namespace swinbench::Cpu {
namespace {

struct CpuTarget {
  static constexpr const char* kProvider = "CPUExecutionProvider";
  static void* Stream(OrtKernelContext*) { return nullptr; }
  static int WindowMask(const swb_window_geometry* g, swb_dtype t, void* out, void*, char* m, size_t n) {
    return swb_window_mask_cpu(g, t, out, m, n);
  }
  static int ReverseRollAdd(const swb_window_geometry* g, swb_dtype t, const void* w, const void* r, void* y, void*,
                            char* m, size_t n) {
    return swb_reverse_roll_add_cpu(g, t, w, r, y, m, n);
  }
  static int QkvSplit(const swb_qkv_geometry* g, float scale, swb_dtype t, const void* qkv, void* q, void* k, void* v,
                      void*, char* m, size_t n) {
    return swb_qkv_split_cpu(g, scale, t, qkv, q, k, v, m, n);
  }
  static int LayerNormFp32(const swb_rows_geometry* g, float eps, swb_dtype t, swb_dtype pt, const void* x,
                           const void* w, const void* b, void* y, void*, char* m, size_t n) {
    return swb_layer_norm_fp32_cpu(g, eps, t, pt, x, w, b, y, m, n);
  }
  static int LnRollPartition(const swb_window_geometry* g, float eps, swb_dtype t, const void* x, const void* w,
                             const void* b, void* y, void*, char* m, size_t n) {
    return swb_ln_roll_partition_cpu(g, eps, t, t, x, w, b, y, m, n);
  }
  static int WindowAttention(const swb_qkv_geometry* g, float scale, swb_dtype t, const void* qkv, const float* bias,
                             const float* mask, int64_t num_windows, void* out, void*, char* m, size_t n) {
    return swb_window_attention_cpu(g, scale, t, qkv, bias, mask, num_windows, out, m, n);
  }
  // Host runs finish before they return: nothing to order between them.
  struct RunOrder {};
  static int SwinBlockCreate(const swb_swin_block_desc* d, const swb_swin_block_weights* w, void*, swb_swin_block** h,
                             char* m, size_t n) {
    return swb_swin_block_create_cpu(d, w, h, m, n);
  }
  static int SwinBlockRun(swb_swin_block* h, int64_t b, int64_t height, int64_t width, const void* x, void* y, void*,
                          RunOrder&, char* m, size_t n) {
    return swb_swin_block_run(h, b, height, width, x, y, nullptr, m, n);
  }
};

}  // namespace

void RegisterOps(Ort::CustomOpDomain& domain) { RegisterAll<CpuTarget>(domain); }

}  // namespace swinbench::Cpu
