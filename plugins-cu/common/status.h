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

}  // namespace swb
