// Division by a run-time constant with one multiply-high, for the chain's index mappings (host and device).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define SWB_HOST_DEVICE __host__ __device__
#else
#define SWB_HOST_DEVICE
#endif

namespace swb::block {

// n / d for 0 <= n < 2^31 and 1 <= d < 2^31: l = ceil(log2 d), m = floor(2^32 (2^l - d) / d) + 1,
// n / d = (umulhi(n, m) + n) >> l (the sum stays below 2^32 because n < 2^31).
struct FastDiv {
  uint32_t mul = 1, shift = 0;
};

inline FastDiv MakeFastDiv(uint32_t d) {
  uint32_t l = 0;
  while ((uint64_t{1} << l) < d) ++l;
  FastDiv f;
  f.mul = static_cast<uint32_t>(((uint64_t{1} << 32) * ((uint64_t{1} << l) - d)) / d + 1);
  f.shift = l;
  return f;
}

SWB_HOST_DEVICE inline int Quot(const FastDiv& f, int n) {
  const uint32_t u = static_cast<uint32_t>(n);
#if defined(__CUDA_ARCH__)
  const uint32_t hi = __umulhi(u, f.mul);
#else
  const uint32_t hi = static_cast<uint32_t>((static_cast<uint64_t>(u) * f.mul) >> 32);
#endif
  return static_cast<int>((hi + u) >> f.shift);
}

}  // namespace swb::block
