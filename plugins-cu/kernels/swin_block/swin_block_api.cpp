// C entry points of the Swin block chain that do not depend on the device: checks, run dispatch, stats, destroy.
#include <cmath>

#include "status.h"
#include "swin_block_handle.h"

namespace swb {

int CheckSwinBlockCreate(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks, int on_cuda, char* msg,
                         size_t size) {
  const int rc = swb_swin_block_desc_check(d, on_cuda, msg, size);
  if (rc != SWB_OK) return rc;
  if (blocks == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: weights array is null");
  for (int64_t i = 0; i < d->depth; ++i) {
    const swb_swin_block_weights& b = blocks[i];
    if (b.shift_size < 0 || b.shift_size >= d->window_size)
      return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: block %lld shift %lld must be in [0, window_size %lld)",
                  static_cast<long long>(i), static_cast<long long>(b.shift_size),
                  static_cast<long long>(d->window_size));
    const void* pointers[] = {b.norm1_weight, b.norm1_bias, b.qkv_weight,   b.qkv_bias,   b.attn_bias,
                              b.proj_weight,  b.proj_bias,  b.norm2_weight, b.norm2_bias, b.fc1_weight,
                              b.fc1_bias,     b.fc2_weight, b.fc2_bias};
    const char* names[] = {"norm1_weight", "norm1_bias", "qkv_weight",   "qkv_bias",   "attn_bias",
                           "proj_weight",  "proj_bias",  "norm2_weight", "norm2_bias", "fc1_weight",
                           "fc1_bias",     "fc2_weight", "fc2_bias"};
    for (size_t p = 0; p < sizeof(pointers) / sizeof(pointers[0]); ++p)
      if (pointers[p] == nullptr)
        return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: block %lld %s is null", static_cast<long long>(i),
                    names[p]);
  }
  return Ok(msg, size);
}

}  // namespace swb

extern "C" {

int swb_swin_block_desc_check(const swb_swin_block_desc* d, int on_cuda, char* msg, size_t size) {
  using swb::Fail;
  if (d == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: description is null");
  if (d->channels < 1 || d->heads < 1 || d->channels % d->heads != 0)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: channels %lld must be a positive multiple of heads %lld",
                static_cast<long long>(d->channels), static_cast<long long>(d->heads));
  if (d->hidden < 1 || d->window_size < 1 || d->depth < 1)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: hidden %lld, window_size %lld and depth %lld must be >= 1",
                static_cast<long long>(d->hidden), static_cast<long long>(d->window_size),
                static_cast<long long>(d->depth));
  // Bounds that keep every per-token buffer and weight copy small and every index in 32 bits per row.
  if (d->channels > 4096 || d->hidden > 16384 || d->window_size > 64 || d->depth > 1024)
    return Fail(SWB_ERR_ARGUMENT, msg, size,
                "swin_block: channels %lld (max 4096), hidden %lld (max 16384), window_size %lld (max 64) or depth "
                "%lld (max 1024) out of range",
                static_cast<long long>(d->channels), static_cast<long long>(d->hidden),
                static_cast<long long>(d->window_size), static_cast<long long>(d->depth));
  if (!(d->epsilon > 0.0f) || !std::isfinite(d->epsilon) || !(d->scale > 0.0f) || !std::isfinite(d->scale))
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: epsilon %g and scale %g must be finite and positive",
                static_cast<double>(d->epsilon), static_cast<double>(d->scale));
  if (!swb::IsFloatType(d->dtype) || !swb::IsFloatType(d->param_dtype))
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: dtype %d / param_dtype %d must be f32 or f16",
                static_cast<int>(d->dtype), static_cast<int>(d->param_dtype));
  if ((d->flags & ~SWB_SWIN_BLOCK_CUDA_GRAPH) != 0)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: unknown flags 0x%x", static_cast<unsigned>(d->flags));
  if (!on_cuda && (d->flags & SWB_SWIN_BLOCK_CUDA_GRAPH) != 0)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: the cuda_graph flag needs a CUDA handle");
  return swb::Ok(msg, size);
}

int swb_swin_block_run(swb_swin_block* h, int64_t batch, int64_t height, int64_t width, const void* x, void* y,
                       void* stream, char* msg, size_t size) {
  using swb::Fail;
  if (h == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: handle is null");
  if (x == nullptr || y == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: x or y is null");
  const int64_t ws = h->desc.window_size;
  if (batch < 1 || height < 1 || width < 1 || height % ws != 0 || width % ws != 0)
    return Fail(SWB_ERR_ARGUMENT, msg, size,
                "swin_block: (B, H, W) = (%lld, %lld, %lld) needs positive sizes, H and W multiples of window_size "
                "%lld",
                static_cast<long long>(batch), static_cast<long long>(height), static_cast<long long>(width),
                static_cast<long long>(ws));
  if (height > swb::kSwinBlockMaxTokens / width || height * width > swb::kSwinBlockMaxTokens / batch)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: B*H*W = %lld*%lld*%lld tokens exceeds 2^31",
                static_cast<long long>(batch), static_cast<long long>(height), static_cast<long long>(width));
  return h->Run(batch, height, width, x, y, stream, msg, size);
}

int swb_swin_block_trim(swb_swin_block* h, char* msg, size_t size) {
  if (h == nullptr) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: handle is null");
  return h->Trim(msg, size);
}

int swb_swin_block_stats_get(const swb_swin_block* h, swb_swin_block_stats* out, char* msg, size_t size) {
  if (h == nullptr || out == nullptr) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: handle or stats is null");
  *out = swb_swin_block_stats{};
  h->Stats(out);
  return swb::Ok(msg, size);
}

void swb_swin_block_destroy(swb_swin_block* h) { delete h; }

}  // extern "C"
