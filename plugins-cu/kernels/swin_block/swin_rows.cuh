// The Swin block chain's row kernels (included through swin_launch.cuh, by one translation unit per binary). Two in
// 16-byte vectors:
//  - LnRowsKernel: LN1 + roll + window partition, x (image order, dense rows of C or padded rows of Cp) -> windows
//    (window order, rows of Cp);
//  - AddLnRowsKernel: window reverse + roll back + residual add + LN2, proj (window order) + residual (image order)
//    -> x_out = rounded(residual + proj) and ln = LN2(x_out), both image order, rows of Cp.
// A group of G lanes (8, 16 or 32, a power of two inside one warp) owns one token row; lane l holds the 16-byte
// vectors l, l + G, ... (V of them) of the row in float registers, so the row is read once, both LayerNorm passes
// (the mean, then the mean squared deviation, float32) run on registers, and the row is written once in 16-byte
// stores that cover the padding columns [C, Cp) with zeros. The window / shift mapping is computed once per row in
// 32-bit integers (every row and pixel index is below 2^31). LayerNorm weights are float32, zero-padded to Cp.
// Rows wider than those take (more than 128 vectors: FP16 C > 1024, FP32 C > 512) run the scalar kernels at the end
// (swb::LnRollPartitionKernel for LN1 + partition, ReverseAddLnKernel here): one block per window, a warp per token.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_common.cuh"

namespace swb::block {

constexpr int kRowThreads = 256;  // threads per block of the row kernels

// Elements of T in 16 bytes.
template <typename T>
constexpr int kVecElems = 16 / static_cast<int>(sizeof(T));

// The window partition of a (B, H, W) map rolled by -shift, in 32-bit integers: row r of the window-order tensor
// (window bw = r / N, token t = r % N) holds the pixel WindowRowPixel(r) of the image-order tensor.
struct WindowRows {
  int H, W, ws, shift, per_row, nW, N;  // per_row = W / ws windows per window row, nW windows per image, N = ws * ws
};

__device__ __forceinline__ int WindowRowPixel(const WindowRows& m, int r) {
  const int bw = r / m.N, t = r - bw * m.N;
  const int b = bw / m.nW, w = bw - b * m.nW;
  const int wy = w / m.per_row, wx = w - wy * m.per_row;
  const int ty = t / m.ws, tx = t - ty * m.ws;
  int y = wy * m.ws + ty + m.shift, x = wx * m.ws + tx + m.shift;
  if (y >= m.H) y -= m.H;
  if (x >= m.W) x -= m.W;
  return (b * m.H + y) * m.W + x;
}

// 16 bytes at p as four 32-bit words (little endian: element 2i of FP16 in the low half of word i), in the widest
// loads p's alignment allows: dense FP16 rows of C elements start 2-, 4-, 8- or 16-byte aligned.
__device__ __forceinline__ void Load16Bytes(const void* p, uint32_t (&w)[4]) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  if ((a & 15u) == 0) {
    const uint4 u = *reinterpret_cast<const uint4*>(p);
    w[0] = u.x, w[1] = u.y, w[2] = u.z, w[3] = u.w;
  } else if ((a & 7u) == 0) {
    const uint2 u0 = reinterpret_cast<const uint2*>(p)[0], u1 = reinterpret_cast<const uint2*>(p)[1];
    w[0] = u0.x, w[1] = u0.y, w[2] = u1.x, w[3] = u1.y;
  } else if ((a & 3u) == 0) {
#pragma unroll
    for (int i = 0; i < 4; ++i) w[i] = reinterpret_cast<const uint32_t*>(p)[i];
  } else {
    const uint16_t* q = reinterpret_cast<const uint16_t*>(p);
#pragma unroll
    for (int i = 0; i < 4; ++i) w[i] = static_cast<uint32_t>(q[2 * i]) | (static_cast<uint32_t>(q[2 * i + 1]) << 16);
  }
}

// 16 bytes at a 16-byte aligned p (rows of Cp elements of a 256-byte aligned buffer).
__device__ __forceinline__ void Load16BytesAligned(const void* p, uint32_t (&w)[4]) {
  const uint4 u = *reinterpret_cast<const uint4*>(p);
  w[0] = u.x, w[1] = u.y, w[2] = u.z, w[3] = u.w;
}

__device__ __forceinline__ void Store16Bytes(void* p, const uint32_t (&w)[4]) {
  *reinterpret_cast<uint4*>(p) = make_uint4(w[0], w[1], w[2], w[3]);
}

// Words <-> floats of one vector.
__device__ __forceinline__ void Unpack(const uint32_t (&w)[4], float (&v)[8]) {  // FP16
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    __half2 h;
    *reinterpret_cast<uint32_t*>(&h) = w[i];
    const float2 f = __half22float2(h);
    v[2 * i] = f.x, v[2 * i + 1] = f.y;
  }
}
__device__ __forceinline__ void Unpack(const uint32_t (&w)[4], float (&v)[4]) {  // FP32
#pragma unroll
  for (int i = 0; i < 4; ++i) v[i] = __uint_as_float(w[i]);
}
__device__ __forceinline__ void Pack(const float (&v)[8], uint32_t (&w)[4]) {  // FP16, round to nearest even
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const __half2 h = __floats2half2_rn(v[2 * i], v[2 * i + 1]);
    w[i] = *reinterpret_cast<const uint32_t*>(&h);
  }
}
__device__ __forceinline__ void Pack(const float (&v)[4], uint32_t (&w)[4]) {  // FP32
#pragma unroll
  for (int i = 0; i < 4; ++i) w[i] = __float_as_uint(v[i]);
}

// The 16 bytes of elements [c0, c0 + 16 / sizeof(T)) of a row as words (bits, not converted). A whole vector inside
// the row's readable width (its stride: C for dense rows, Cp for padded ones) is one access of Load16Bytes; a vector
// crossing it (the tail of a dense row) is read element by element, the elements >= C as zero bits. The loads of
// several vectors are issued before any of them is used (VecToFloats comes after).
template <typename T>
__device__ __forceinline__ void LoadVecWords(const T* row, int c0, int C, int readable, uint32_t (&w)[4]) {
  constexpr int E = kVecElems<T>;
  if (c0 + E <= readable) {
    Load16Bytes(row + c0, w);
  } else if constexpr (sizeof(T) == 2) {
    const uint16_t* q = reinterpret_cast<const uint16_t*>(row);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const uint32_t lo = c0 + 2 * i < C ? q[c0 + 2 * i] : 0u, hi = c0 + 2 * i + 1 < C ? q[c0 + 2 * i + 1] : 0u;
      w[i] = lo | (hi << 16);
    }
  } else {
    const uint32_t* q = reinterpret_cast<const uint32_t*>(row);
#pragma unroll
    for (int i = 0; i < 4; ++i) w[i] = c0 + i < C ? q[c0 + i] : 0u;
  }
}

// The vector's words as floats, the columns >= C as zeros (padding columns of padded rows are not trusted).
template <int E>
__device__ __forceinline__ void VecToFloats(const uint32_t (&w)[4], int c0, int C, float (&v)[E]) {
  Unpack(w, v);
#pragma unroll
  for (int e = 0; e < E; ++e)
    if (c0 + e >= C) v[e] = 0.f;
}

// v rounded to T (the value a store of T keeps).
template <typename T>
__device__ __forceinline__ float RoundTo(float v);
template <>
__device__ __forceinline__ float RoundTo<float>(float v) { return v; }
template <>
__device__ __forceinline__ float RoundTo<__half>(float v) { return __half2float(__float2half_rn(v)); }

// Sum over the G lanes of a group (every lane of the warp takes part).
template <int G>
__device__ __forceinline__ float GroupSum(float v) {
#pragma unroll
  for (int o = G / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// LayerNorm statistics of R rows held as v[R][V][E] (columns >= C hold zeros): mean and 1 / sqrt(var + eps), two
// passes over the registers, float32.
template <int G, int R, int V, int E>
__device__ __forceinline__ void RowStats(const float (&v)[R][V][E], int lane, int C, float eps, float (&mean)[R],
                                         float (&rstd)[R]) {
#pragma unroll
  for (int i = 0; i < R; ++i) {
    float sum = 0.f;
#pragma unroll
    for (int k = 0; k < V; ++k)
#pragma unroll
      for (int e = 0; e < E; ++e) sum += v[i][k][e];
    mean[i] = GroupSum<G>(sum) / static_cast<float>(C);
    float sq = 0.f;
#pragma unroll
    for (int k = 0; k < V; ++k)
#pragma unroll
      for (int e = 0; e < E; ++e) {
        const float d = v[i][k][e] - mean[i];
        if ((lane + k * G) * E + e < C) sq += d * d;
      }
    rstd[i] = rsqrtf(GroupSum<G>(sq) / static_cast<float>(C) + eps);
  }
}

// The lane's LayerNorm weights and biases (float32, zero-padded to Cp), vector k at columns (lane + k G) E.
template <int G, int V, int E>
__device__ __forceinline__ void LoadLnParams(const float* __restrict__ weight, const float* __restrict__ bias, int lane,
                                             int nvec, float (&w)[V][E], float (&b)[V][E]) {
#pragma unroll
  for (int k = 0; k < V; ++k) {
    const int vec = lane + k * G;
#pragma unroll
    for (int e = 0; e < E; e += 4) {
      float4 fw = make_float4(0.f, 0.f, 0.f, 0.f), fb = fw;
      if (vec < nvec) {
        fw = *reinterpret_cast<const float4*>(weight + vec * E + e);
        fb = *reinterpret_cast<const float4*>(bias + vec * E + e);
      }
      w[k][e] = fw.x, w[k][e + 1] = fw.y, w[k][e + 2] = fw.z, w[k][e + 3] = fw.w;
      b[k][e] = fb.x, b[k][e + 1] = fb.y, b[k][e + 2] = fb.z, b[k][e + 3] = fb.w;
    }
  }
}

// Writes LN(row) = (v - mean) rstd w + b for the lane's vectors of one row (columns >= C: zero).
template <typename T, int G, int V, int E>
__device__ __forceinline__ void StoreLnRow(T* dst, const float (&v)[V][E], float mean, float rstd, const float (&w)[V][E],
                                           const float (&b)[V][E], int lane, int nvec, int C) {
#pragma unroll
  for (int k = 0; k < V; ++k) {
    const int vec = lane + k * G;
    if (vec >= nvec) continue;
    float o[E];
#pragma unroll
    for (int e = 0; e < E; ++e) o[e] = vec * E + e < C ? (v[k][e] - mean) * rstd * w[k][e] + b[k][e] : 0.f;
    uint32_t words[4];
    Pack(o, words);
    Store16Bytes(dst + vec * E, words);
  }
}

// Rows per group: two rows with one vector per lane (both rows' loads in flight before the reductions), one otherwise.
template <int V>
constexpr int kRowsPerGroup = V == 1 ? 2 : 1;

// LN1 + roll + partition: window-order row r of out (rows out_stride apart) = LN1 of x's pixel WindowRowPixel(r)
// (rows x_stride apart: C dense or Cp padded). nvec = Cp / E vectors per output row.
template <typename T, int G, int V>
__global__ void __launch_bounds__(kRowThreads)
    LnRowsKernel(WindowRows m, int rows, int C, int nvec, const T* __restrict__ x, int x_stride,
                 const float* __restrict__ weight, const float* __restrict__ bias, float eps, T* __restrict__ out,
                 int out_stride) {
  constexpr int E = kVecElems<T>, R = kRowsPerGroup<V>;
  const int lane = threadIdx.x % G, group = threadIdx.x / G;
  const int r0 = (blockIdx.x * (kRowThreads / G) + group) * R;
  uint32_t words[R][V][4];
#pragma unroll
  for (int i = 0; i < R; ++i) {
    const int r = r0 + i;
    const bool valid = r < rows;
    const T* src = x + static_cast<int64_t>(valid ? WindowRowPixel(m, r) : 0) * x_stride;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      const int vec = lane + k * G;
      words[i][k][0] = words[i][k][1] = words[i][k][2] = words[i][k][3] = 0u;
      if (valid && vec < nvec) LoadVecWords(src, vec * E, C, x_stride, words[i][k]);
    }
  }
  float v[R][V][E];
#pragma unroll
  for (int i = 0; i < R; ++i)
#pragma unroll
    for (int k = 0; k < V; ++k) VecToFloats(words[i][k], (lane + k * G) * E, C, v[i][k]);
  float mean[R], rstd[R];
  RowStats<G>(v, lane, C, eps, mean, rstd);
  float w[V][E], b[V][E];
  LoadLnParams<G>(weight, bias, lane, nvec, w, b);
#pragma unroll
  for (int i = 0; i < R; ++i)
    if (r0 + i < rows)
      StoreLnRow<T, G>(out + static_cast<int64_t>(r0 + i) * out_stride, v[i], mean[i], rstd[i], w, b, lane, nvec, C);
}

// Reverse + roll back + residual add + LN2: for window-order row r of proj (padded rows proj_stride apart, 16-byte
// aligned) and its pixel
// p = WindowRowPixel(r): x_out[p] = rounded(residual[p] + proj[r]) (columns >= C zero), ln[p] = LN2(x_out[p]).
// residual rows are res_stride apart (C dense or Cp padded); x_out may be residual (each lane reads its vectors of
// a row before it writes them; rows map one to one).
template <typename T, int G, int V>
__global__ void __launch_bounds__(kRowThreads)
    AddLnRowsKernel(WindowRows m, int rows, int C, int nvec, const T* __restrict__ proj, int proj_stride,
                    const T* residual, int res_stride, T* x_out, int out_stride, T* __restrict__ ln, int ln_stride,
                    const float* __restrict__ weight, const float* __restrict__ bias, float eps) {
  constexpr int E = kVecElems<T>, R = kRowsPerGroup<V>;
  const int lane = threadIdx.x % G, group = threadIdx.x / G;
  const int r0 = (blockIdx.x * (kRowThreads / G) + group) * R;
  uint32_t words_a[R][V][4], words_r[R][V][4];
  int pixel[R];
#pragma unroll
  for (int i = 0; i < R; ++i) {
    const int r = r0 + i;
    const bool valid = r < rows;
    pixel[i] = valid ? WindowRowPixel(m, r) : 0;
    const T* a = proj + static_cast<int64_t>(valid ? r : 0) * proj_stride;
    const T* res = residual + static_cast<int64_t>(pixel[i]) * res_stride;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      const int vec = lane + k * G;
      words_a[i][k][0] = words_a[i][k][1] = words_a[i][k][2] = words_a[i][k][3] = 0u;
      words_r[i][k][0] = words_r[i][k][1] = words_r[i][k][2] = words_r[i][k][3] = 0u;
      if (valid && vec < nvec) {
        Load16BytesAligned(a + vec * E, words_a[i][k]);
        LoadVecWords(res, vec * E, C, res_stride, words_r[i][k]);
      }
    }
  }
  float v[R][V][E];
#pragma unroll
  for (int i = 0; i < R; ++i)
#pragma unroll
    for (int k = 0; k < V; ++k) {
      float va[E];
      VecToFloats(words_a[i][k], (lane + k * G) * E, C, va);
      VecToFloats(words_r[i][k], (lane + k * G) * E, C, v[i][k]);
#pragma unroll
      for (int e = 0; e < E; ++e) v[i][k][e] = RoundTo<T>(v[i][k][e] + va[e]);
    }
#pragma unroll
  for (int i = 0; i < R; ++i) {
    if (r0 + i >= rows) continue;
    T* dst = x_out + static_cast<int64_t>(pixel[i]) * out_stride;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      const int vec = lane + k * G;
      if (vec >= nvec) continue;
      uint32_t words[4];
      Pack(v[i][k], words);
      Store16Bytes(dst + vec * E, words);
    }
  }
  float mean[R], rstd[R];
  RowStats<G>(v, lane, C, eps, mean, rstd);
  float w[V][E], b[V][E];
  LoadLnParams<G>(weight, bias, lane, nvec, w, b);
#pragma unroll
  for (int i = 0; i < R; ++i)
    if (r0 + i < rows)
      StoreLnRow<T, G>(ln + static_cast<int64_t>(pixel[i]) * ln_stride, v[i], mean[i], rstd[i], w, b, lane, nvec, C);
}

// The (G, V) a row of nvec vectors uses: the fewest lanes per row that hold it in at most 4 vectors per lane; 0 for
// rows wider than 128 vectors (the chain then runs its scalar row kernels).
inline int RowGroupLanes(int nvec) { return nvec <= 8 ? 8 : nvec <= 16 ? 16 : nvec <= 128 ? 32 : 0; }
inline int RowGroupVectors(int nvec) { return nvec <= 32 ? 1 : nvec <= 64 ? 2 : 4; }

// Calls f.template operator()<G, V>() for the row's configuration; false for rows wider than 128 vectors.
template <typename F>
bool DispatchRowGroup(int nvec, F&& f) {
  switch (RowGroupLanes(nvec)) {
    case 8: f.template operator()<8, 1>(); return true;
    case 16: f.template operator()<16, 1>(); return true;
    case 32:
      switch (RowGroupVectors(nvec)) {
        case 1: f.template operator()<32, 1>(); return true;
        case 2: f.template operator()<32, 2>(); return true;
        default: f.template operator()<32, 4>(); return true;
      }
    default: return false;
  }
}

template <int G, int V>
inline unsigned int RowBlocks(int rows) {
  constexpr int per_block = (kRowThreads / G) * kRowsPerGroup<V>;
  return static_cast<unsigned int>((static_cast<int64_t>(rows) + per_block - 1) / per_block);
}

// ---- the scalar row kernels (rows wider than 128 vectors) ---------------------------------------------------------

constexpr int kScalarRowWarps = 8;  // warps per block of the scalar row kernels (one token row per warp)

// One token row by one warp: xo = rounded(a + r) (a: the attention branch, r: the residual; xo may be r), then
// ln = LN2(xo) from the rounded values; padding columns [C, xo_to) and [C, ln_to) are zeroed. Rows of an even width up
// to 256 with pair-aligned pointers stay in registers as pairs.
template <typename T>
__device__ __forceinline__ void WarpAddLayerNormRow(const T* a, const T* r, T* xo, T* ln, int64_t C, int64_t xo_to,
                                                    int64_t ln_to, float eps, const float* w, const float* b) {
  const int lane = threadIdx.x % 32;
  if (C % 2 == 0 && C <= 64 * swb::kRowPairsPerLane && swb::PairAligned(a) && swb::PairAligned(r) &&
      swb::PairAligned(xo) && swb::PairAligned(ln) && swb::PairAligned(w) && swb::PairAligned(b)) {
    const int pairs = static_cast<int>(C / 2);
    float2 v[swb::kRowPairsPerLane];
    float sum = 0.f;
#pragma unroll
    for (int i = 0; i < swb::kRowPairsPerLane; ++i) {
      const int p = lane + 32 * i;
      v[i] = make_float2(0.f, 0.f);
      if (p < pairs) {
        const float2 x = swb::Load2(a + 2 * p), y = swb::Load2(r + 2 * p);
        v[i] = make_float2(RoundTo<T>(x.x + y.x), RoundTo<T>(x.y + y.y));
        swb::Store2(xo + 2 * p, v[i]);
        sum += v[i].x + v[i].y;
      }
    }
    const float mean = swb::WarpSum(sum) / static_cast<float>(C);
    float sq = 0.f;
#pragma unroll
    for (int i = 0; i < swb::kRowPairsPerLane; ++i) {
      if (lane + 32 * i < pairs) {
        const float dx = v[i].x - mean, dy = v[i].y - mean;
        sq += dx * dx + dy * dy;
      }
    }
    const float rstd = rsqrtf(swb::WarpSum(sq) / static_cast<float>(C) + eps);
#pragma unroll
    for (int i = 0; i < swb::kRowPairsPerLane; ++i) {
      const int p = lane + 32 * i;
      if (p < pairs) {
        const float2 g = swb::Load2(w + 2 * p), h = swb::Load2(b + 2 * p);
        swb::Store2(ln + 2 * p, make_float2((v[i].x - mean) * rstd * g.x + h.x, (v[i].y - mean) * rstd * g.y + h.y));
      }
    }
  } else {
    for (int64_t c = lane; c < C; c += 32) swb::Store(xo + c, swb::Load(a + c) + swb::Load(r + c));
    __syncwarp();  // the LayerNorm below reads elements other lanes wrote
    swb::WarpLayerNormRow(xo, ln, C, eps, w, b);
  }
  swb::WarpZeroFill(xo, C, xo_to);
  swb::WarpZeroFill(ln, C, ln_to);
}

// Window reverse + roll back + residual add + LN2, one block per window, one warp per token: the token (bw, t) of the
// projection (window order, rows proj_stride apart) belongs to the pixel the partition took it from; that pixel's
// residual row (res_stride apart) plus it is written to x_out and its LN2 to ln (both image order, padded rows).
// x_out may be the residual (in place).
template <typename T>
__global__ void __launch_bounds__(kScalarRowWarps * 32)
    ReverseAddLnKernel(int64_t H, int64_t W, int64_t C, int ws, int64_t shift, const T* __restrict__ proj,
                       int64_t proj_stride, const T* residual, int64_t res_stride, T* x_out, int64_t out_stride,
                       T* __restrict__ ln, int64_t ln_stride, const float* __restrict__ weight,
                       const float* __restrict__ bias, float eps) {
  const int64_t bw = blockIdx.x;
  const swb::WindowOrigin o = swb::WindowAt(bw, H, W, ws);
  const int N = ws * ws;
  for (int t = threadIdx.x / 32; t < N; t += kScalarRowWarps) {
    const int64_t sy = swb::RolledSource(o.y0 + t / ws, shift, H), sx = swb::RolledSource(o.x0 + t % ws, shift, W);
    const int64_t pixel = (o.b * H + sy) * W + sx;
    WarpAddLayerNormRow(proj + (bw * N + t) * proj_stride, residual + pixel * res_stride, x_out + pixel * out_stride,
                        ln + pixel * ln_stride, C, out_stride, ln_stride, eps, weight, bias);
  }
}

}  // namespace swb::block
