// qkv split with q scaling on the host: (B_, N, [3][heads][d]) -> three (B_, heads, N, d) tensors.
#include <cinttypes>
#include <cstring>

#include "half.h"
#include "status.h"

namespace {

inline float Scale(float x, float s) { return x * s; }
inline uint16_t Scale(uint16_t x, float s) { return swb::FloatToHalf(swb::HalfToFloat(x) * s); }

template <typename T>
void QkvSplit(const swb_qkv_geometry& g, float scale, const T* qkv, T* q, T* k, T* v) {
  const int64_t N = g.tokens, C = g.channels, heads = g.heads, d = C / heads, P = swb::PartStride(g);
  for (int64_t b = 0; b < g.batch_windows; ++b)
    for (int64_t n = 0; n < N; ++n) {
      const T* row = qkv + (b * N + n) * 3 * P;
      for (int64_t h = 0; h < heads; ++h) {
        const int64_t at = ((b * heads + h) * N + n) * d;
        const T* qs = row + h * d;
        for (int64_t e = 0; e < d; ++e) q[at + e] = Scale(qs[e], scale);
        std::memcpy(k + at, row + P + h * d, static_cast<size_t>(d) * sizeof(T));
        std::memcpy(v + at, row + 2 * P + h * d, static_cast<size_t>(d) * sizeof(T));
      }
    }
}

}  // namespace

extern "C" int swb_qkv_split_cpu(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv, void* q,
                                 void* k, void* v, char* msg, size_t size) {
  using swb::Fail;
  if (int status = swb::CheckQkvGeometry("qkv_split", g, msg, size); status != SWB_OK) return status;
  if (g->out_stride != 0)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "qkv_split: outputs are dense (B_, heads, N, d); out_stride must be 0");
  if (qkv == nullptr || q == nullptr || k == nullptr || v == nullptr)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "qkv_split: null tensor pointer");
  switch (dtype) {
    case SWB_F32:
      QkvSplit(*g, scale, static_cast<const float*>(qkv), static_cast<float*>(q), static_cast<float*>(k),
               static_cast<float*>(v));
      break;
    case SWB_F16:
      QkvSplit(*g, scale, static_cast<const uint16_t*>(qkv), static_cast<uint16_t*>(q), static_cast<uint16_t*>(k),
               static_cast<uint16_t*>(v));
      break;
    default:
      return Fail(SWB_ERR_ARGUMENT, msg, size, "qkv_split: dtype %d", dtype);
  }
  return swb::Ok(msg, size);
}
