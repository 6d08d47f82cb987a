// CPU-EP kernels of the swinbench domain: every op of op_kernel.h on the reference CPU entry points (host memory).
#pragma once

#include "ops_common.h"

namespace swinbench::Cpu {

void AppendOps(OrtOps& ops);

}  // namespace swinbench::Cpu
