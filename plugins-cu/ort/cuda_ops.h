// CUDA-EP kernels of the swinbench domain. Without CUDA this is an empty inline stub, so the entry point has no #ifdef.
#pragma once

#include "ops_common.h"

namespace swinbench::Cuda {

#if SWINBENCH_WITH_CUDA
void AppendOps(OrtOps& ops);
#else
inline void AppendOps(OrtOps&) {}
#endif

}  // namespace swinbench::Cuda
