// The Swin block chain on the host: every block composes the reference CPU kernels (LN + roll + partition, window
// attention, reverse + roll + residual add, LayerNorm, window mask) with a float-accumulating matrix product whose
// epilogue adds the bias and then the exact erf GELU or the residual. Weights are copied at create as float32 values of
// the run dtype (FP16 runs round them to binary16 once), matrices transposed to (in, out) so the product streams rows.
// Work buffers and masks are kept per input shape (at most SWB_SWIN_BLOCK_MAX_SHAPES, least recently used evicted).
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "host_ops.h"
#include "swin_block_handle.h"

namespace {

// How a matrix product's output is finished after the bias: as is, through the exact GELU, or added to a residual.
enum class Epilogue { Bias, BiasGelu, BiasResidual };

inline float Gelu(float v) { return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f)); }

// Rows of a (rows, k) dtype matrix widened to float32, at most kTile rows at a time.
constexpr int64_t kTile = 4;

// out (rows, n) dtype = epilogue(a (rows, k) dtype @ wt (k, n) float32 + bias (n)), accumulated in float32 and rounded
// once per element. With BiasResidual the residual is out's own value (out += ...), read before it is written.
void MatMul(const void* a, swb_dtype dtype, int64_t rows, int64_t k, const float* wt, const float* bias, int64_t n,
            Epilogue epilogue, void* out, std::vector<float>& a_rows, std::vector<float>& acc) {
  a_rows.resize(static_cast<size_t>(kTile * k));
  acc.resize(static_cast<size_t>(kTile * n));
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t tile = std::min(kTile, rows - r0);
    for (int64_t r = 0; r < tile; ++r) {
      float* row = a_rows.data() + r * k;
      const int64_t base = (r0 + r) * k;
      if (dtype == SWB_F32)
        std::memcpy(row, static_cast<const float*>(a) + base, static_cast<size_t>(k) * sizeof(float));
      else
        for (int64_t i = 0; i < k; ++i) row[i] = swb::HalfToFloat(static_cast<const uint16_t*>(a)[base + i]);
      std::memcpy(acc.data() + r * n, bias, static_cast<size_t>(n) * sizeof(float));
    }
    if (tile == kTile) {
      // four rows share every load of a weight row
      float* __restrict c0 = acc.data();
      float* __restrict c1 = c0 + n;
      float* __restrict c2 = c1 + n;
      float* __restrict c3 = c2 + n;
      const float* ar = a_rows.data();
      for (int64_t i = 0; i < k; ++i) {
        const float* __restrict w = wt + i * n;
        const float v0 = ar[i], v1 = ar[k + i], v2 = ar[2 * k + i], v3 = ar[3 * k + i];
        for (int64_t j = 0; j < n; ++j) {
          const float wj = w[j];
          c0[j] += v0 * wj;
          c1[j] += v1 * wj;
          c2[j] += v2 * wj;
          c3[j] += v3 * wj;
        }
      }
    } else {
      for (int64_t r = 0; r < tile; ++r) {
        float* __restrict c = acc.data() + r * n;
        const float* ar = a_rows.data() + r * k;
        for (int64_t i = 0; i < k; ++i) {
          const float* __restrict w = wt + i * n;
          const float v = ar[i];
          for (int64_t j = 0; j < n; ++j) c[j] += v * w[j];
        }
      }
    }
    for (int64_t r = 0; r < tile; ++r) {
      const float* c = acc.data() + r * n;
      const int64_t base = (r0 + r) * n;
      for (int64_t j = 0; j < n; ++j) {
        float v = c[j];
        if (epilogue == Epilogue::BiasGelu) v = Gelu(v);
        if (epilogue == Epilogue::BiasResidual) v += swb::LoadAs(out, dtype, base + j);
        swb::StoreAs(out, dtype, base + j, v);
      }
    }
  }
}

// One block's weights as float32 values of the run dtype; matrices transposed to (in, out).
struct BlockWeights {
  int64_t shift = 0;
  std::vector<float> norm1_weight, norm1_bias, qkv_t, qkv_bias, attn_bias, proj_t, proj_bias, norm2_weight, norm2_bias,
      fc1_t, fc1_bias, fc2_t, fc2_bias;

  int64_t Bytes() const {
    size_t n = 0;
    for (const auto* v : {&norm1_weight, &norm1_bias, &qkv_t, &qkv_bias, &attn_bias, &proj_t, &proj_bias,
                          &norm2_weight, &norm2_bias, &fc1_t, &fc1_bias, &fc2_t, &fc2_bias})
      n += v->size();
    return static_cast<int64_t>(n * sizeof(float));
  }
};

// The buffers of one input shape: windows / attention output / norm2 rows (tokens, C), the qkv projection, the
// projection and the MLP's hidden rows share one (tokens, max(3C, hidden)) buffer, and the mask of each shift.
struct ShapeBuffers {
  int64_t batch = 0, height = 0, width = 0;
  uint64_t last_use = 0;
  std::vector<unsigned char> rows, wide;
  std::vector<std::pair<int64_t, std::vector<float>>> masks;  // (shift, (nW, N, N)) per distinct nonzero shift

  int64_t Bytes() const {
    size_t n = rows.size() + wide.size();
    for (const auto& m : masks) n += m.second.size() * sizeof(float);
    return static_cast<int64_t>(n);
  }

  const float* Mask(int64_t shift) const {
    for (const auto& m : masks)
      if (m.first == shift) return m.second.data();
    return nullptr;
  }
};

// Copies n values of dtype from src into float32 values of the run dtype (rounded to binary16 for an FP16 run).
std::vector<float> CopyParam(const void* src, swb_dtype param_dtype, swb_dtype run_dtype, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const float f = swb::LoadAs(src, param_dtype, i);
    v[i] = run_dtype == SWB_F16 ? swb::HalfToFloat(swb::FloatToHalf(f)) : f;
  }
  return v;
}

// A (out, in) nn.Linear weight copied transposed to (in, out).
std::vector<float> CopyTransposed(const void* src, swb_dtype param_dtype, swb_dtype run_dtype, int64_t out,
                                  int64_t in) {
  const std::vector<float> w = CopyParam(src, param_dtype, run_dtype, out * in);
  std::vector<float> t(w.size());
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) t[i * out + o] = w[o * in + i];
  return t;
}

class CpuSwinBlock final : public swb_swin_block {
 public:
  std::vector<BlockWeights> blocks;

  int Run(int64_t batch, int64_t height, int64_t width, const void* x, void* y, void*, char* msg,
          size_t size) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ShapeBuffers* shape = nullptr;
    try {
      shape = Buffers(batch, height, width);
    } catch (const std::exception&) {
      return swb::Fail(SWB_ERR_ARGUMENT, msg, size,
                       "swin_block: cannot allocate the work buffers of (B, H, W) = (%" PRId64 ", %" PRId64 ", %" PRId64
                       ")",
                       batch, height, width);
    }
    const int64_t C = desc.channels, ws = desc.window_size, N = ws * ws, tokens = batch * height * width;
    const int64_t nW = (height / ws) * (width / ws);
    const swb_dtype dt = desc.dtype;
    void* rows = shape->rows.data();
    void* wide = shape->wide.data();
    const swb_rows_geometry norm_rows{tokens, C, 0};
    const swb_qkv_geometry attention{batch * nW, N, C, desc.heads, 0, 0};
    const void* residual = x;
    for (const BlockWeights& b : blocks) {
      const swb_window_geometry g{batch, height, width, C, ws, b.shift, 0};
      int status = swb_ln_roll_partition_cpu(&g, desc.epsilon, dt, SWB_F32, residual, b.norm1_weight.data(),
                                             b.norm1_bias.data(), rows, msg, size);
      if (status != SWB_OK) return status;
      MatMul(rows, dt, tokens, C, b.qkv_t.data(), b.qkv_bias.data(), 3 * C, Epilogue::Bias, wide, a_rows_, acc_);
      const float* mask = b.shift > 0 ? shape->Mask(b.shift) : nullptr;
      status =
          swb_window_attention_cpu(&attention, desc.scale, dt, wide, b.attn_bias.data(), mask, nW, rows, msg, size);
      if (status != SWB_OK) return status;
      MatMul(rows, dt, tokens, C, b.proj_t.data(), b.proj_bias.data(), C, Epilogue::Bias, wide, a_rows_, acc_);
      // the first block reads x and writes y; y then carries the residual stream (y may be x)
      status = swb_reverse_roll_add_cpu(&g, dt, wide, residual, y, msg, size);
      if (status != SWB_OK) return status;
      residual = y;
      status = swb_layer_norm_fp32_cpu(&norm_rows, desc.epsilon, dt, SWB_F32, y, b.norm2_weight.data(),
                                       b.norm2_bias.data(), rows, msg, size);
      if (status != SWB_OK) return status;
      MatMul(rows, dt, tokens, C, b.fc1_t.data(), b.fc1_bias.data(), desc.hidden, Epilogue::BiasGelu, wide, a_rows_,
             acc_);
      MatMul(wide, dt, tokens, desc.hidden, b.fc2_t.data(), b.fc2_bias.data(), C, Epilogue::BiasResidual, y, a_rows_,
             acc_);
    }
    return swb::Ok(msg, size);
  }

  int Trim(char* msg, size_t size) override {
    std::lock_guard<std::mutex> lock(mutex_);
    shapes_.clear();
    return swb::Ok(msg, size);
  }

  void Stats(swb_swin_block_stats* out) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    out->on_cuda = 0;
    out->shapes = static_cast<int32_t>(shapes_.size());
    int64_t weights = 0;
    for (const BlockWeights& b : blocks) weights += b.Bytes();
    out->weight_bytes = weights;
    int64_t workspace = 0;
    for (const ShapeBuffers& s : shapes_) workspace += s.Bytes();
    out->workspace_bytes = workspace;
    out->graphs_captured = 0;
    out->graph_replays = 0;
  }

 private:
  // The buffers of (batch, height, width), made on first use; the least recently used shape is dropped beyond
  // SWB_SWIN_BLOCK_MAX_SHAPES. Throws (std::bad_alloc, std::length_error) when they do not fit in memory.
  ShapeBuffers* Buffers(int64_t batch, int64_t height, int64_t width) {
    ++clock_;
    for (ShapeBuffers& s : shapes_)
      if (s.batch == batch && s.height == height && s.width == width) {
        s.last_use = clock_;
        return &s;
      }
    const int64_t C = desc.channels, ws = desc.window_size, N = ws * ws, tokens = batch * height * width;
    const size_t element = desc.dtype == SWB_F16 ? sizeof(uint16_t) : sizeof(float);
    ShapeBuffers made;
    made.batch = batch;
    made.height = height;
    made.width = width;
    made.last_use = clock_;
    made.rows.resize(static_cast<size_t>(tokens * C) * element);
    made.wide.resize(static_cast<size_t>(tokens * std::max(3 * C, desc.hidden)) * element);
    const int64_t nW = (height / ws) * (width / ws);
    for (int64_t shift : shifts) {
      if (shift == 0 || made.Mask(shift) != nullptr) continue;
      std::vector<float> mask(static_cast<size_t>(nW * N * N));
      const swb_window_geometry g{1, height, width, 1, ws, shift, 0};
      swb_window_mask_cpu(&g, SWB_F32, mask.data(), nullptr, 0);  // the geometry was checked by the run
      made.masks.emplace_back(shift, std::move(mask));
    }
    if (shapes_.size() >= SWB_SWIN_BLOCK_MAX_SHAPES)
      shapes_.erase(std::min_element(shapes_.begin(), shapes_.end(), [](const ShapeBuffers& a, const ShapeBuffers& b) {
        return a.last_use < b.last_use;
      }));
    shapes_.push_back(std::move(made));
    return &shapes_.back();
  }

  mutable std::mutex mutex_;
  std::list<ShapeBuffers> shapes_;
  uint64_t clock_ = 0;
  std::vector<float> a_rows_, acc_;  // the matrix product's scratch
};

}  // namespace

extern "C" int swb_swin_block_create_cpu(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks,
                                         swb_swin_block** out, char* msg, size_t size) {
  if (out == nullptr) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: out (the handle pointer) is null");
  *out = nullptr;
  if (int status = swb::CheckSwinBlockCreate(d, blocks, 0, msg, size); status != SWB_OK) return status;
  const int64_t C = d->channels, hidden = d->hidden, heads = d->heads, N = d->window_size * d->window_size;
  const swb_dtype p = d->param_dtype, t = d->dtype;
  try {
    auto handle = std::make_unique<CpuSwinBlock>();
    handle->desc = *d;
    handle->blocks.resize(static_cast<size_t>(d->depth));
    for (int64_t i = 0; i < d->depth; ++i) {
      const swb_swin_block_weights& w = blocks[i];
      BlockWeights& b = handle->blocks[i];
      b.shift = w.shift_size;
      handle->shifts.push_back(w.shift_size);
      b.norm1_weight = CopyParam(w.norm1_weight, p, t, C);
      b.norm1_bias = CopyParam(w.norm1_bias, p, t, C);
      b.qkv_t = CopyTransposed(w.qkv_weight, p, t, 3 * C, C);
      b.qkv_bias = CopyParam(w.qkv_bias, p, t, 3 * C);
      b.attn_bias.assign(w.attn_bias, w.attn_bias + heads * N * N);
      b.proj_t = CopyTransposed(w.proj_weight, p, t, C, C);
      b.proj_bias = CopyParam(w.proj_bias, p, t, C);
      b.norm2_weight = CopyParam(w.norm2_weight, p, t, C);
      b.norm2_bias = CopyParam(w.norm2_bias, p, t, C);
      b.fc1_t = CopyTransposed(w.fc1_weight, p, t, hidden, C);
      b.fc1_bias = CopyParam(w.fc1_bias, p, t, hidden);
      b.fc2_t = CopyTransposed(w.fc2_weight, p, t, C, hidden);
      b.fc2_bias = CopyParam(w.fc2_bias, p, t, C);
    }
    *out = handle.release();
  } catch (const std::exception&) {
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: cannot allocate the weight copies of %" PRId64 " blocks",
                     d->depth);
  }
  return swb::Ok(msg, size);
}
