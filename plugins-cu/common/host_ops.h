// Host-side pieces shared by the reference CPU kernels: element access by dtype, the rolled source index, and one
// LayerNorm row with float32 accumulation (two passes), so that every CPU kernel computes them the same way.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "half.h"
#include "status.h"

namespace swb {

inline float LoadAs(const void* p, swb_dtype t, int64_t i) {
  return t == SWB_F32 ? static_cast<const float*>(p)[i] : HalfToFloat(static_cast<const uint16_t*>(p)[i]);
}

inline void StoreAs(void* p, swb_dtype t, int64_t i, float value) {
  if (t == SWB_F32)
    static_cast<float*>(p)[i] = value;
  else
    static_cast<uint16_t*>(p)[i] = FloatToHalf(value);
}

// Source row (or column) of output position i of a map of n rows rolled by -shift: (i + shift) mod n.
inline int64_t HostRolledSource(int64_t i, int64_t shift, int64_t n) {
  const int64_t s = i + shift;
  return s >= n ? s - n : s;
}

// y[dst .. dst+cols) = layer_norm(x[src .. src+cols)) * w + b, accumulated in float; row is scratch of cols floats.
inline void NormalizeRow(const void* x, int64_t src, void* y, int64_t dst, swb_dtype dtype, int64_t cols,
                         const std::vector<float>& w, const std::vector<float>& b, float epsilon,
                         std::vector<float>& row) {
  float sum = 0.0f;
  for (int64_t c = 0; c < cols; ++c) {
    row[c] = LoadAs(x, dtype, src + c);
    sum += row[c];
  }
  const float mean = sum / static_cast<float>(cols);
  float squares = 0.0f;
  for (int64_t c = 0; c < cols; ++c) {
    const float centered = row[c] - mean;
    squares += centered * centered;
  }
  const float inv_std = 1.0f / std::sqrt(squares / static_cast<float>(cols) + epsilon);
  for (int64_t c = 0; c < cols; ++c) StoreAs(y, dtype, dst + c, (row[c] - mean) * inv_std * w[c] + b[c]);
}

}  // namespace swb
