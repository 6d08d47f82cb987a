// CUDA-EP kernels of the swinbench domain (built only with CUDA): the ops of op_kernel.h on the swb_*_cuda entry
// points, on device memory and the CUDA execution provider's compute stream.
#include "cuda_ops.h"

#include <cuda_runtime_api.h>

#include <cstdio>

#include "op_kernel.h"

namespace swinbench::Cuda {
namespace {

// The runs of one Swin block handle share its work buffers. An event recorded after each run, which the next run's
// stream waits for, keeps them in order when ONNX Runtime hands a kernel another stream (on one stream it is a no-op).
class EventOrder final : public ops::RunOrder {
 public:
  EventOrder() = default;
  EventOrder(const EventOrder&) = delete;
  EventOrder& operator=(const EventOrder&) = delete;
  ~EventOrder() override {
    if (done_ != nullptr) cudaEventDestroy(done_);
  }

  int Before(void* stream, char* msg, size_t size) override {
    if (done_ != nullptr) {
      if (cudaError_t e = cudaStreamWaitEvent(static_cast<cudaStream_t>(stream), done_, 0); e != cudaSuccess)
        return Error("cudaStreamWaitEvent", e, msg, size);
    } else if (cudaError_t e = cudaEventCreateWithFlags(&done_, cudaEventDisableTiming); e != cudaSuccess) {
      done_ = nullptr;
      return Error("cudaEventCreateWithFlags", e, msg, size);
    }
    return SWB_OK;
  }

  int After(void* stream, char* msg, size_t size) override {
    if (cudaError_t e = cudaEventRecord(done_, static_cast<cudaStream_t>(stream)); e != cudaSuccess)
      return Error("cudaEventRecord", e, msg, size);
    return SWB_OK;
  }

 private:
  static int Error(const char* what, cudaError_t e, char* msg, size_t size) {
    std::snprintf(msg, size, "swin_block: %s: %s", what, cudaGetErrorString(e));
    return SWB_ERR_CUDA;
  }

  cudaEvent_t done_ = nullptr;
};

struct CudaTarget {
  static constexpr const char* kProvider = "CUDAExecutionProvider";
  static constexpr ops::Device kDevice = ops::Device::Cuda;
  static void* Stream(OrtKernelContext* ctx) { return Ort::KernelContext(ctx).GetGPUComputeStream(); }
  static std::unique_ptr<ops::RunOrder> MakeRunOrder() { return std::make_unique<EventOrder>(); }
};

}  // namespace

void AppendOps(OrtOps& ops) { AppendAll<CudaTarget>(ops); }

}  // namespace swinbench::Cuda
