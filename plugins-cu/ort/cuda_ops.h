// CUDA-EP kernels of the swinbench domain. Without CUDA this is an empty inline stub, so the entry point has no #ifdef.
#pragma once

#include "onnxruntime_cxx_api.h"

namespace swinbench::Cuda {

#if SWINBENCH_WITH_CUDA
void RegisterOps(Ort::CustomOpDomain& domain);
#else
inline void RegisterOps(Ort::CustomOpDomain&) {}
#endif

}  // namespace swinbench::Cuda
