// CUDA-EP kernels of the swinbench domain (built only with CUDA): the ops of ops_impl.h on the CUDA kernels of
// plugins-cu, on device memory and the CUDA execution provider's compute stream.
#include "cuda_ops.h"

#include <cuda_runtime_api.h>

#include <cstdio>

#include "ops_impl.h"

namespace swinbench::Cuda {
namespace {

struct CudaTarget {
  static constexpr const char* kProvider = "CUDAExecutionProvider";
  static void* Stream(OrtKernelContext* ctx) { return Ort::KernelContext(ctx).GetGPUComputeStream(); }
  static int WindowMask(const swb_window_geometry* g, swb_dtype t, void* out, void* s, char* m, size_t n) {
    return swb_window_mask_cuda(g, t, out, s, m, n);
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

  // The runs of one Swin block handle share its work buffers. An event recorded after each run, which the next run's
  // stream waits for, keeps them in order when ONNX Runtime hands a kernel another stream (on one stream it is a no-op).
  struct RunOrder {
    cudaEvent_t done = nullptr;
    RunOrder() = default;
    RunOrder(const RunOrder&) = delete;
    RunOrder& operator=(const RunOrder&) = delete;
    ~RunOrder() {
      if (done != nullptr) cudaEventDestroy(done);
    }
  };
  static int SwinBlockCreate(const swb_swin_block_desc* d, const swb_swin_block_weights* w, void* s, swb_swin_block** h,
                             char* m, size_t n) {
    return swb_swin_block_create_cuda(d, w, s, h, m, n);
  }
  static int SwinBlockRun(swb_swin_block* h, int64_t b, int64_t height, int64_t width, const void* x, void* y, void* s,
                          RunOrder& order, char* m, size_t n) {
    const auto stream = static_cast<cudaStream_t>(s);
    const auto cuda_error = [&](const char* what, cudaError_t e) {
      std::snprintf(m, n, "swin_block: %s: %s", what, cudaGetErrorString(e));
      return static_cast<int>(SWB_ERR_CUDA);
    };
    if (order.done != nullptr) {
      if (cudaError_t e = cudaStreamWaitEvent(stream, order.done, 0); e != cudaSuccess)
        return cuda_error("cudaStreamWaitEvent", e);
    } else if (cudaError_t e = cudaEventCreateWithFlags(&order.done, cudaEventDisableTiming); e != cudaSuccess) {
      order.done = nullptr;
      return cuda_error("cudaEventCreateWithFlags", e);
    }
    const int status = swb_swin_block_run(h, b, height, width, x, y, s, m, n);
    if (status != SWB_OK) return status;
    if (cudaError_t e = cudaEventRecord(order.done, stream); e != cudaSuccess) return cuda_error("cudaEventRecord", e);
    return SWB_OK;
  }
};

}  // namespace

void RegisterOps(Ort::CustomOpDomain& domain) { RegisterAll<CudaTarget>(domain); }

}  // namespace swinbench::Cuda
