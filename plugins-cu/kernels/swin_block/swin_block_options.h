// The CUDA Swin block chain's run-time switches, read from the environment once per handle at create, so that one
// process can build handles of each variant and compare them (swin_block_bench, test_cuda_swin_block):
//   SWB_SWIN_BLOCK_ROWS=v1|v2       the row kernels of steps 1 and 5 (swin_rows.cuh / swin_rows_v2.cuh)
//   SWB_SWIN_BLOCK_ATTN=v1|v2       the chain's window attention of step 3 (swin_attention.cuh / swin_attention_v2.cuh)
//   SWB_SWIN_BLOCK_GEMM_TUNE=0      keep cuBLASLt's first heuristic algorithm instead of timing the candidates
// Unset or empty: the defaults below. Any other value of ROWS / ATTN is an argument error naming the variable.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "status.h"

namespace swb::block {

enum KernelVariant { kV1 = 1, kV2 = 2 };
constexpr KernelVariant kDefaultRows = kV2, kDefaultAttn = kV2;

struct ChainOptions {
  KernelVariant rows = kDefaultRows, attn = kDefaultAttn;
  bool gemm_tune = true;
};

inline const char* VariantName(KernelVariant v) { return v == kV1 ? "v1" : "v2"; }

inline int ReadChainOptions(ChainOptions* out, char* msg, size_t size) {
  *out = ChainOptions{};
  const struct {
    const char* name;
    KernelVariant* to;
  } vars[] = {{"SWB_SWIN_BLOCK_ROWS", &out->rows}, {"SWB_SWIN_BLOCK_ATTN", &out->attn}};
  for (const auto& v : vars) {
    const char* value = std::getenv(v.name);
    if (value == nullptr || value[0] == '\0') continue;
    if (std::strcmp(value, "v1") == 0)
      *v.to = kV1;
    else if (std::strcmp(value, "v2") == 0)
      *v.to = kV2;
    else
      return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: %s=%s (expected v1 or v2)", v.name, value);
  }
  const char* tune = std::getenv("SWB_SWIN_BLOCK_GEMM_TUNE");
  out->gemm_tune = tune == nullptr || std::strcmp(tune, "0") != 0;
  return Ok(msg, size);
}

// The chain's own attention kernel for a description (swin_launch.cuh's PlanChainAttention): variant 1 or 2 with the
// head dim padded to dp (16, 32, 64) and its dynamic shared memory; variant 0: swb_window_attention_cuda with mask
// tensors.
struct AttnPlan {
  int variant = 0, dp = 0;
  size_t shared = 0;
};

}  // namespace swb::block
