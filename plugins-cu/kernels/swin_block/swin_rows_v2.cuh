// The Swin block chain's row kernels, second variant (SWB_SWIN_BLOCK_ROWS=v2; included through swin_launch.cuh, by
// one translation unit per binary). The same two kernels and the same one-pass structure as swin_rows.cuh (a group of
// G lanes per token row, lane l holding the row's 16-byte vectors l, l + G, ..., both LayerNorm passes on registers,
// each output row written once in 16-byte stores with zero padding columns), with fewer instructions per byte:
//  - the window / shift mapping of a row uses multiply-high divisions by the map's constants (FastDiv, prepared on
//    the host) instead of four runtime integer divisions;
//  - fewer lanes per row: the smallest G of 4, 8, 16, 32 that holds the row in at most 4 vectors per lane (C 180 in
//    FP16: 23 vectors on 8 lanes x 3 instead of 32 lanes x 1 with 9 idle), so the per-row work (mapping, shuffle
//    reductions, statistics) is repeated on fewer lanes and each lane has more loads in flight; two rows per group
//    when a lane holds at most two vectors;
//  - padded inputs (rows of Cp, 16-byte aligned) load each vector with one 16-byte access without an alignment test;
//  - the masks of the columns >= C apply to the row's last vector only.
// The arithmetic per element is the one of swin_rows.cuh (float32 statistics, mean then mean squared deviation,
// residual rounded to the dtype before LN2); the statistics are summed in another order (per lane over its vectors,
// then across G lanes), so results may differ from the first variant in the last bits.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "swin_fastdiv.h"
#include "swin_rows.cuh"

namespace swb::block {

// WindowRows with its divisors prepared: N, nW, per_row and ws.
struct WindowRowsV2 {
  WindowRows m;
  FastDiv div_n, div_nw, div_per_row, div_ws;
};

inline WindowRowsV2 MakeWindowRowsV2(const WindowRows& m) {
  return {m, MakeFastDiv(static_cast<uint32_t>(m.N)), MakeFastDiv(static_cast<uint32_t>(m.nW)),
          MakeFastDiv(static_cast<uint32_t>(m.per_row)), MakeFastDiv(static_cast<uint32_t>(m.ws))};
}

// The image-order pixel of window-order row r (WindowRowPixel of swin_rows.cuh).
__host__ __device__ __forceinline__ int WindowRowPixelV2(const WindowRowsV2& d, int r) {
  const WindowRows& m = d.m;
  const int bw = Quot(d.div_n, r), t = r - bw * m.N;
  const int b = Quot(d.div_nw, bw), w = bw - b * m.nW;
  const int wy = Quot(d.div_per_row, w), wx = w - wy * m.per_row;
  const int ty = Quot(d.div_ws, t), tx = t - ty * m.ws;
  int y = wy * m.ws + ty + m.shift, x = wx * m.ws + tx + m.shift;
  if (y >= m.H) y -= m.H;
  if (x >= m.W) x -= m.W;
  return (b * m.H + y) * m.W + x;
}

// The words of vector `vec` of a row: one 16-byte access where the rows are padded (aligned), else LoadVecWords.
template <typename T>
__device__ __forceinline__ void LoadRowVec(const T* row, int vec, int C, int stride, bool padded, uint32_t (&w)[4]) {
  constexpr int E = kVecElems<T>;
  if (padded)
    Load16BytesAligned(row + vec * E, w);
  else
    LoadVecWords(row, vec * E, C, stride, w);
}

// Words -> floats with the columns >= C zeroed; only a vector reaching past C is tested per element.
template <int E>
__device__ __forceinline__ void VecToFloatsV2(const uint32_t (&w)[4], int c0, int C, float (&v)[E]) {
  Unpack(w, v);
  if (c0 + E > C) {
#pragma unroll
    for (int e = 0; e < E; ++e)
      if (c0 + e >= C) v[e] = 0.f;
  }
}

// RowStats of swin_rows.cuh with the column test on the tail vector only.
template <int G, int R, int V, int E>
__device__ __forceinline__ void RowStatsV2(const float (&v)[R][V][E], int lane, int C, float eps, float (&mean)[R],
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
    for (int k = 0; k < V; ++k) {
      const int c0 = (lane + k * G) * E;
      if (c0 + E <= C) {
#pragma unroll
        for (int e = 0; e < E; ++e) {
          const float d = v[i][k][e] - mean[i];
          sq += d * d;
        }
      } else {
#pragma unroll
        for (int e = 0; e < E; ++e) {
          const float d = v[i][k][e] - mean[i];
          if (c0 + e < C) sq += d * d;
        }
      }
    }
    rstd[i] = rsqrtf(GroupSum<G>(sq) / static_cast<float>(C) + eps);
  }
}

// StoreLnRow of swin_rows.cuh with the column test on the tail vector only and the LayerNorm parameters loaded per
// vector as it is written (float32, zero-padded to Cp; fewer live registers than loading them all first).
template <typename T, int G, int V, int E>
__device__ __forceinline__ void StoreLnRowV2(T* dst, const float (&v)[V][E], float mean, float rstd,
                                             const float* __restrict__ weight, const float* __restrict__ bias,
                                             int lane, int nvec, int C) {
#pragma unroll
  for (int k = 0; k < V; ++k) {
    const int vec = lane + k * G;
    if (vec >= nvec) continue;
    const int c0 = vec * E;
    float o[E];
#pragma unroll
    for (int e = 0; e < E; e += 4) {
      const float4 w = *reinterpret_cast<const float4*>(weight + c0 + e);
      const float4 b = *reinterpret_cast<const float4*>(bias + c0 + e);
      o[e] = (v[k][e] - mean) * rstd * w.x + b.x;
      o[e + 1] = (v[k][e + 1] - mean) * rstd * w.y + b.y;
      o[e + 2] = (v[k][e + 2] - mean) * rstd * w.z + b.z;
      o[e + 3] = (v[k][e + 3] - mean) * rstd * w.w + b.w;
    }
    if (c0 + E > C) {
#pragma unroll
      for (int e = 0; e < E; ++e)
        if (c0 + e >= C) o[e] = 0.f;
    }
    uint32_t words[4];
    Pack(o, words);
    Store16Bytes(dst + c0, words);
  }
}

// Rows per group: two when a lane holds at most two vectors (more loads in flight), one otherwise.
template <int V>
constexpr int kRowsPerGroupV2 = V <= 2 ? 2 : 1;

// Blocks per multiprocessor the kernels' registers are bounded for (64 per thread: 32 warps).
constexpr int kRowMinBlocksV2 = 4;

// LN1 + roll + partition (LnRowsKernel): window-order row r of out = LN1 of x's pixel WindowRowPixelV2(r).
// x_padded: x's rows are Cp wide and 16-byte aligned (act), else dense rows of C (the first block's input).
template <typename T, int G, int V>
__global__ void __launch_bounds__(kRowThreads, kRowMinBlocksV2)
    LnRowsKernelV2(WindowRowsV2 m, int rows, int C, int nvec, const T* __restrict__ x, int x_stride, bool x_padded,
                   const float* __restrict__ weight, const float* __restrict__ bias, float eps, T* __restrict__ out,
                   int out_stride) {
  constexpr int E = kVecElems<T>, R = kRowsPerGroupV2<V>;
  const int lane = threadIdx.x % G, group = threadIdx.x / G;
  const int r0 = (blockIdx.x * (kRowThreads / G) + group) * R;
  uint32_t words[R][V][4];
#pragma unroll
  for (int i = 0; i < R; ++i) {
    const int r = r0 + i;
    const bool valid = r < rows;
    const T* src = x + static_cast<int64_t>(valid ? WindowRowPixelV2(m, r) : 0) * x_stride;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      const int vec = lane + k * G;
      words[i][k][0] = words[i][k][1] = words[i][k][2] = words[i][k][3] = 0u;
      if (valid && vec < nvec) LoadRowVec(src, vec, C, x_stride, x_padded, words[i][k]);
    }
  }
  float v[R][V][E];
#pragma unroll
  for (int i = 0; i < R; ++i)
#pragma unroll
    for (int k = 0; k < V; ++k) VecToFloatsV2(words[i][k], (lane + k * G) * E, C, v[i][k]);
  float mean[R], rstd[R];
  RowStatsV2<G>(v, lane, C, eps, mean, rstd);
#pragma unroll
  for (int i = 0; i < R; ++i)
    if (r0 + i < rows)
      StoreLnRowV2<T, G>(out + static_cast<int64_t>(r0 + i) * out_stride, v[i], mean[i], rstd[i], weight, bias, lane,
                         nvec, C);
}

// Reverse + roll back + residual add + LN2 (AddLnRowsKernel): for window-order row r of proj (padded rows, 16-byte
// aligned) and its pixel p: x_out[p] = rounded(residual[p] + proj[r]), ln[p] = LN2(x_out[p]). res_padded: the
// residual's rows are Cp wide and aligned, else dense rows of C. x_out may be the residual.
template <typename T, int G, int V>
__global__ void __launch_bounds__(kRowThreads, kRowMinBlocksV2)
    AddLnRowsKernelV2(WindowRowsV2 m, int rows, int C, int nvec, const T* __restrict__ proj, int proj_stride,
                      const T* residual, int res_stride, bool res_padded, T* x_out, int out_stride, T* __restrict__ ln,
                      int ln_stride, const float* __restrict__ weight, const float* __restrict__ bias, float eps) {
  constexpr int E = kVecElems<T>, R = kRowsPerGroupV2<V>;
  const int lane = threadIdx.x % G, group = threadIdx.x / G;
  const int r0 = (blockIdx.x * (kRowThreads / G) + group) * R;
  uint32_t words_a[R][V][4], words_r[R][V][4];
  int pixel[R];
#pragma unroll
  for (int i = 0; i < R; ++i) {
    const int r = r0 + i;
    const bool valid = r < rows;
    pixel[i] = valid ? WindowRowPixelV2(m, r) : 0;
    const T* a = proj + static_cast<int64_t>(valid ? r : 0) * proj_stride;
    const T* res = residual + static_cast<int64_t>(pixel[i]) * res_stride;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      const int vec = lane + k * G;
      words_a[i][k][0] = words_a[i][k][1] = words_a[i][k][2] = words_a[i][k][3] = 0u;
      words_r[i][k][0] = words_r[i][k][1] = words_r[i][k][2] = words_r[i][k][3] = 0u;
      if (valid && vec < nvec) {
        Load16BytesAligned(a + vec * E, words_a[i][k]);
        LoadRowVec(res, vec, C, res_stride, res_padded, words_r[i][k]);
      }
    }
  }
  float v[R][V][E];
#pragma unroll
  for (int i = 0; i < R; ++i)
#pragma unroll
    for (int k = 0; k < V; ++k) {
      float va[E];
      VecToFloatsV2(words_a[i][k], (lane + k * G) * E, C, va);
      VecToFloatsV2(words_r[i][k], (lane + k * G) * E, C, v[i][k]);
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
  RowStatsV2<G>(v, lane, C, eps, mean, rstd);
#pragma unroll
  for (int i = 0; i < R; ++i)
    if (r0 + i < rows)
      StoreLnRowV2<T, G>(ln + static_cast<int64_t>(pixel[i]) * ln_stride, v[i], mean[i], rstd[i], weight, bias, lane,
                         nvec, C);
}

// The (G, V) of a row of nvec vectors: the smallest G of 4, 8, 16, 32 with at most 4 vectors per lane, V = the
// vectors per lane; G = 0 for rows wider than 128 vectors (the scalar row kernels).
inline int RowGroupLanesV2(int nvec) {
  return nvec <= 16 ? 4 : nvec <= 32 ? 8 : nvec <= 64 ? 16 : nvec <= 128 ? 32 : 0;
}
inline int RowGroupVectorsV2(int nvec) {
  const int g = RowGroupLanesV2(nvec);
  return g == 0 ? 0 : (nvec + g - 1) / g;
}

// Calls f.template operator()<G, V>() for the row's configuration; false for rows wider than 128 vectors. Past 4
// lanes, V is 3 or 4 (a row of more than 2G vectors).
template <typename F>
bool DispatchRowGroupV2(int nvec, F&& f) {
  const int v = RowGroupVectorsV2(nvec);
  switch (RowGroupLanesV2(nvec)) {
    case 4:
      switch (v) {
        case 1: f.template operator()<4, 1>(); return true;
        case 2: f.template operator()<4, 2>(); return true;
        case 3: f.template operator()<4, 3>(); return true;
        default: f.template operator()<4, 4>(); return true;
      }
    case 8:
      if (v == 3) f.template operator()<8, 3>();
      else f.template operator()<8, 4>();
      return true;
    case 16:
      if (v == 3) f.template operator()<16, 3>();
      else f.template operator()<16, 4>();
      return true;
    case 32:
      if (v == 3) f.template operator()<32, 3>();
      else f.template operator()<32, 4>();
      return true;
    default: return false;
  }
}

template <int G, int V>
inline unsigned int RowBlocksV2(int rows) {
  constexpr int per_block = (kRowThreads / G) * kRowsPerGroupV2<V>;
  return static_cast<unsigned int>((static_cast<int64_t>(rows) + per_block - 1) / per_block);
}

}  // namespace swb::block
