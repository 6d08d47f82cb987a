// Status and message helpers shared by the kernels' C entry points.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "swinbench_plugins.h"

namespace swb {

// Writes a printf-style message into (msg, size) when there is room and returns status.
inline int Fail(int status, char* msg, size_t size, const char* format, ...) __attribute__((format(printf, 4, 5)));
inline int Fail(int status, char* msg, size_t size, const char* format, ...) {
  if (msg != nullptr && size > 0) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(msg, size, format, args);
    va_end(args);
  }
  return status;
}

// Clears the message and returns SWB_OK.
inline int Ok(char* msg, size_t size) {
  if (msg != nullptr && size > 0) msg[0] = '\0';
  return SWB_OK;
}

inline bool IsFloatType(swb_dtype t) { return t == SWB_F32 || t == SWB_F16; }

inline const char* DTypeName(swb_dtype t) { return t == SWB_F32 ? "f32" : t == SWB_F16 ? "f16" : "unknown"; }

// Number of windows per image and tokens per window of a checked geometry.
inline int64_t WindowCount(const swb_window_geometry& g) {
  return (g.height / g.window_size) * (g.width / g.window_size);
}
inline int64_t WindowTokens(const swb_window_geometry& g) { return g.window_size * g.window_size; }

// Row strides with 0 resolved to the dense width.
inline int64_t WindowStride(const swb_window_geometry& g) { return g.window_stride > 0 ? g.window_stride : g.channels; }
inline int64_t PartStride(const swb_qkv_geometry& g) { return g.part_stride > 0 ? g.part_stride : g.channels; }
inline int64_t OutStride(const swb_qkv_geometry& g) { return g.out_stride > 0 ? g.out_stride : g.channels; }
inline int64_t OutStride(const swb_rows_geometry& g) { return g.out_stride > 0 ? g.out_stride : g.cols; }

// The checks of a qkv geometry shared by qkv_split and window_attention (CPU and CUDA).
inline int CheckQkvGeometry(const char* op, const swb_qkv_geometry* g, char* msg, size_t size) {
  if (g == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "%s: geometry is null", op);
  if (g->batch_windows < 1 || g->tokens < 1 || g->heads < 1 || g->channels < g->heads || g->channels % g->heads != 0)
    return Fail(SWB_ERR_ARGUMENT, msg, size,
                "%s: (B_, N, C, heads) = (%lld, %lld, %lld, %lld) needs positive sizes and C a multiple of heads", op,
                static_cast<long long>(g->batch_windows), static_cast<long long>(g->tokens),
                static_cast<long long>(g->channels), static_cast<long long>(g->heads));
  if (g->part_stride < 0 || (g->part_stride > 0 && g->part_stride < g->channels) || g->out_stride < 0 ||
      (g->out_stride > 0 && g->out_stride < g->channels))
    return Fail(SWB_ERR_ARGUMENT, msg, size, "%s: part_stride %lld / out_stride %lld must be 0 or >= C %lld", op,
                static_cast<long long>(g->part_stride), static_cast<long long>(g->out_stride),
                static_cast<long long>(g->channels));
  return Ok(msg, size);
}

// The checks of a rows geometry (layer_norm_fp32, CPU and CUDA).
inline int CheckRowsGeometry(const char* op, const swb_rows_geometry* g, char* msg, size_t size) {
  if (g == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "%s: geometry is null", op);
  if (g->rows < 0 || g->cols < 1)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "%s: rows %lld, cols %lld (need cols >= 1)", op,
                static_cast<long long>(g->rows), static_cast<long long>(g->cols));
  if (g->out_stride < 0 || (g->out_stride > 0 && g->out_stride < g->cols))
    return Fail(SWB_ERR_ARGUMENT, msg, size, "%s: out_stride %lld must be 0 or >= cols %lld", op,
                static_cast<long long>(g->out_stride), static_cast<long long>(g->cols));
  return Ok(msg, size);
}

}  // namespace swb
