// Fused window attention on the host, one (window, head) at a time: the head's q, k, v are gathered from the packed
// qkv projection into float32, scores = scale * q k^T + bias[h] + mask[window % num_windows], a max-subtracted
// softmax in float32, then the probabilities times v, written to out (B_, N, C) at the head's [heads][d] slot.
// FP16 inputs are widened once and the output rounded once.
#include <cinttypes>
#include <cmath>
#include <vector>

#include "host_ops.h"

extern "C" int swb_window_attention_cpu(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv,
                                        const float* bias, const float* mask, int64_t num_windows, void* out, char* msg,
                                        size_t size) {
  using swb::Fail;
  if (int status = swb::CheckQkvGeometry("window_attention", g, msg, size); status != SWB_OK) return status;
  if (!swb::IsFloatType(dtype)) return Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: dtype %d", dtype);
  if (!std::isfinite(scale)) return Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: scale %g", scale);
  if (mask != nullptr && (num_windows < 1 || g->batch_windows % num_windows != 0))
    return Fail(SWB_ERR_ARGUMENT, msg, size,
                "window_attention: B_ %" PRId64 " must be a positive multiple of num_windows %" PRId64
                " when a mask is given",
                g->batch_windows, num_windows);
  if (qkv == nullptr || bias == nullptr || out == nullptr)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: null tensor pointer");

  const int64_t N = g->tokens, C = g->channels, heads = g->heads, d = C / heads;
  const int64_t P = swb::PartStride(*g), O = swb::OutStride(*g);
  std::vector<float> q(static_cast<size_t>(N * d)), k(q.size()), v(q.size()), p(static_cast<size_t>(N)),
      acc(static_cast<size_t>(d));
  for (int64_t b = 0; b < g->batch_windows; ++b) {
    const float* window_mask = mask != nullptr ? mask + (b % num_windows) * N * N : nullptr;
    for (int64_t h = 0; h < heads; ++h) {
      for (int64_t n = 0; n < N; ++n) {
        const int64_t row = (b * N + n) * 3 * P + h * d;
        for (int64_t e = 0; e < d; ++e) {
          q[n * d + e] = swb::LoadAs(qkv, dtype, row + e);
          k[n * d + e] = swb::LoadAs(qkv, dtype, row + P + e);
          v[n * d + e] = swb::LoadAs(qkv, dtype, row + 2 * P + e);
        }
      }
      const float* head_bias = bias + h * N * N;
      for (int64_t i = 0; i < N; ++i) {
        float max = -INFINITY;
        for (int64_t j = 0; j < N; ++j) {
          float dot = 0.0f;
          for (int64_t e = 0; e < d; ++e) dot += q[i * d + e] * k[j * d + e];
          float s = scale * dot + head_bias[i * N + j];
          if (window_mask != nullptr) s += window_mask[i * N + j];
          p[j] = s;
          max = std::fmax(max, s);
        }
        float sum = 0.0f;
        for (int64_t j = 0; j < N; ++j) {
          p[j] = std::exp(p[j] - max);
          sum += p[j];
        }
        const float inv_sum = 1.0f / sum;
        for (int64_t e = 0; e < d; ++e) acc[e] = 0.0f;
        for (int64_t j = 0; j < N; ++j) {
          const float pj = p[j] * inv_sum;
          for (int64_t e = 0; e < d; ++e) acc[e] += pj * v[j * d + e];
        }
        const int64_t at = (b * N + i) * O + h * d;
        for (int64_t e = 0; e < d; ++e) swb::StoreAs(out, dtype, at + e, acc[e]);
        if (h == heads - 1)
          for (int64_t c = C; c < O; ++c) swb::StoreAs(out, dtype, (b * N + i) * O + c, 0.0f);
      }
    }
  }
  return swb::Ok(msg, size);
}
