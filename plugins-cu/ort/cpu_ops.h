// CPU-EP kernels of the swinbench domain: thin adapters over the swb_*_cpu entry points of swinbench_plugins.h.
#pragma once

#include "onnxruntime_cxx_api.h"

namespace swinbench::Cpu {

void RegisterOps(Ort::CustomOpDomain& domain);

}  // namespace swinbench::Cpu
