// Geometry checks and build facts shared by every kernel.
#include <cinttypes>

#include "op_table.h"
#include "status.h"

namespace {

constexpr int64_t kMaxElements = int64_t{1} << 46;  // far above any image, far below int64 overflow

#ifndef SWB_CUDA_KERNELS
#define SWB_CUDA_KERNELS "none"
#endif

}  // namespace

extern "C" const char* swb_build_info(void) {
  return "swinbench_plugins abi 4; cuda kernels: " SWB_CUDA_KERNELS;
}

#define SWB_OP_TOKEN(name, token, ...) " " #token
extern "C" const char* swb_ops(void) { return SWB_OP_TABLE(SWB_OP_TOKEN) + 1; }
#undef SWB_OP_TOKEN

extern "C" int swb_window_geometry_check(const swb_window_geometry* g, int mask_only, char* msg, size_t size) {
  using swb::Fail;
  if (g == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "window geometry is null");
  if (g->window_size < 1)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "window_size %" PRId64 " must be >= 1", g->window_size);
  if (g->shift_size < 0 || g->shift_size >= g->window_size)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "shift_size %" PRId64 " must be in [0, window_size %" PRId64 ")",
                g->shift_size, g->window_size);
  if (g->height < g->window_size || g->width < g->window_size || g->height % g->window_size != 0 ||
      g->width % g->window_size != 0)
    return Fail(SWB_ERR_ARGUMENT, msg, size,
                "padded H x W %" PRId64 " x %" PRId64 " must be positive multiples of window_size %" PRId64,
                g->height, g->width, g->window_size);
  if (!mask_only) {
    if (g->batch < 1) return Fail(SWB_ERR_ARGUMENT, msg, size, "batch %" PRId64 " must be >= 1", g->batch);
    if (g->channels < 1)
      return Fail(SWB_ERR_ARGUMENT, msg, size, "channels %" PRId64 " must be >= 1", g->channels);
    if (g->window_stride < 0 || (g->window_stride > 0 && g->window_stride < g->channels))
      return Fail(SWB_ERR_ARGUMENT, msg, size, "window_stride %" PRId64 " must be 0 or >= channels %" PRId64,
                  g->window_stride, g->channels);
  }
  const int64_t pixels = g->height * g->width;
  const int64_t batch = mask_only ? 1 : g->batch;
  const int64_t channels = mask_only ? g->window_size * g->window_size : swb::WindowStride(*g);
  if (pixels > kMaxElements / batch / channels)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "tensor of %" PRId64 " x %" PRId64 " x %" PRId64 " elements is too large",
                batch, pixels, channels);
  return swb::Ok(msg, size);
}
