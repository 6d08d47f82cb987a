// Small helpers of the kernel tests: deterministic data, fp16 references, a check counter.
#pragma once

#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "half.h"
#include "swinbench_plugins.h"

namespace test {

// Reference float -> half: the compiler's _Float16 where it has one (independent of swb::FloatToHalf), else ours.
inline uint16_t RefHalf(float f) {
#ifdef __FLT16_MAX__
  const _Float16 h = static_cast<_Float16>(f);
  uint16_t bits;
  std::memcpy(&bits, &h, sizeof bits);
  return bits;
#else
  return swb::FloatToHalf(f);
#endif
}

inline float RefFloat(uint16_t h) {
#ifdef __FLT16_MAX__
  _Float16 v;
  std::memcpy(&v, &h, sizeof v);
  return static_cast<float>(v);
#else
  return swb::HalfToFloat(h);
#endif
}

inline std::vector<float> Random(size_t n, uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

inline std::vector<uint16_t> ToHalf(const std::vector<float>& v) {
  std::vector<uint16_t> h(v.size());
  for (size_t i = 0; i < v.size(); ++i) h[i] = RefHalf(v[i]);
  return h;
}

// Counts checks and failures; prints the first few failures and a summary line.
class Checker {
 public:
  explicit Checker(const char* name) : name_(name) {}

  bool Expect(bool ok, const char* format, ...) __attribute__((format(printf, 3, 4))) {
    ++checks_;
    if (ok) return true;
    if (++failures_ <= 10) {
      va_list args;
      va_start(args, format);
      std::printf("FAIL %s: ", name_);
      std::vprintf(format, args);
      std::printf("\n");
      va_end(args);
    }
    return false;
  }

  // An swb status check that prints the kernel's message.
  bool Status(int status, int expected, const char* msg, const char* what) {
    return Expect(status == expected, "%s: status %d (expected %d): %s", what, status, expected, msg);
  }

  int Done() const {
    std::printf("%s: %ld checks, %ld failures\n", name_, checks_, failures_);
    return failures_ == 0 ? 0 : 1;
  }

 private:
  const char* name_;
  long checks_ = 0;
  long failures_ = 0;
};

// roll + window partition written out naively, the reference of the window kernels: torch.roll of the (B, H, W, C) map
// by (-shift, -shift) over H and W, then window_partition (view (B, H/ws, ws, W/ws, ws, C), permute (0, 1, 3, 2, 4, 5)).
template <typename T>
std::vector<T> RollPartition(const swb_window_geometry& g, const std::vector<T>& x) {
  const int64_t B = g.batch, H = g.height, W = g.width, C = g.channels, ws = g.window_size, s = g.shift_size;
  std::vector<T> rolled(x.size()), out(x.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j)
        for (int64_t c = 0; c < C; ++c)  // roll(t, -s)[i] = t[(i + s) mod n]
          rolled[((b * H + i) * W + j) * C + c] = x[((b * H + (i + s) % H) * W + (j + s) % W) * C + c];
  const int64_t Hw = H / ws, Ww = W / ws;
  int64_t at = 0;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t wy = 0; wy < Hw; ++wy)
      for (int64_t wx = 0; wx < Ww; ++wx)
        for (int64_t ty = 0; ty < ws; ++ty)
          for (int64_t tx = 0; tx < ws; ++tx)
            for (int64_t c = 0; c < C; ++c) out[at++] = rolled[((b * H + wy * ws + ty) * W + wx * ws + tx) * C + c];
  return out;
}

// Padded sizes of odd images (e.g. 19 x 33 padded to 21 x 35 for window 7), batch > 1, C not a multiple of 32.
inline std::vector<swb_window_geometry> WindowCases() {
  return {
      {2, 21, 35, 45, 7, 3},  // 19 x 33 image, window 7, shift 3
      {3, 24, 16, 60, 8, 4},  // 23 x 13 image, window 8, shift 4
      {2, 10, 15, 33, 5, 2},  // window 5, shift 2
      {1, 7, 14, 7, 7, 6},    // one window row, largest shift
      {2, 8, 8, 1, 8, 0},     // one window, no shift, one channel
      {1, 14, 7, 180, 7, 3},  // one window column, SwinIR-M's C
  };
}

}  // namespace test
