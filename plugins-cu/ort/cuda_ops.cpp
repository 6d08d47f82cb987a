// CUDA-EP kernels of the swinbench domain (built only with CUDA). The CUDA kernels of plugins-cu come with the
// plugins issue; until they exist nothing is registered here, so graphs on the CUDA EP run the CPU kernels
// (ONNX Runtime copies their inputs and outputs across).
#include "cuda_ops.h"

namespace swinbench::Cuda {

void RegisterOps(Ort::CustomOpDomain&) {}

}  // namespace swinbench::Cuda
