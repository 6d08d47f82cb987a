// The handle behind swb_swin_block_*: one interface, implemented on the CPU (swin_block_cpu.cpp) and on CUDA
// (swin_block.cu). swin_block_api.cpp holds the C entry points and the checks both share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "swinbench_plugins.h"

struct swb_swin_block {
  virtual ~swb_swin_block() = default;
  // Runs the chain on a checked shape (CheckRun has passed).
  virtual int Run(int64_t batch, int64_t height, int64_t width, const void* x, void* y, void* stream, char* msg,
                  size_t size) = 0;
  virtual int Trim(char* msg, size_t size) = 0;
  virtual void Stats(swb_swin_block_stats* out) const = 0;

  swb_swin_block_desc desc{};
  std::vector<int64_t> shifts;  // per block
};

namespace swb {

// Align8(n): n rounded up to a multiple of 8 elements (16 bytes of FP16), the padded row width of GEMM operands.
inline int64_t Align8(int64_t n) { return (n + 7) / 8 * 8; }

// The description and weight checks of create (both devices): every pointer non-null, shifts in range.
int CheckSwinBlockCreate(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks, int on_cuda, char* msg,
                         size_t size);

// The largest token count one run accepts (B * H * W), so that every work buffer stays far below 2^63 bytes.
constexpr int64_t kSwinBlockMaxTokens = int64_t{1} << 31;

}  // namespace swb
