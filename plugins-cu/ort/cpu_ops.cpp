// CPU-EP kernels of the swinbench domain: the ops of op_kernel.h on the swb_*_cpu entry points (host memory).
#include "cpu_ops.h"

#include "op_kernel.h"

namespace swinbench::Cpu {
namespace {

struct CpuTarget {
  static constexpr const char* kProvider = "CPUExecutionProvider";
  static constexpr ops::Device kDevice = ops::Device::Cpu;
  static void* Stream(OrtKernelContext*) { return nullptr; }
  // Host runs finish before they return: nothing to order between them.
  static std::unique_ptr<ops::RunOrder> MakeRunOrder() { return nullptr; }
};

}  // namespace

void AppendOps(OrtOps& ops) { AppendAll<CpuTarget>(ops); }

}  // namespace swinbench::Cpu
