// Device helpers shared by the CUDA kernels: float <-> storage type, launch checks, grid sizes.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "status.h"

namespace swb {

template <typename T>
__device__ __forceinline__ float Load(const T* p);
template <>
__device__ __forceinline__ float Load<float>(const float* p) { return *p; }
template <>
__device__ __forceinline__ float Load<__half>(const __half* p) { return __half2float(*p); }

template <typename T>
__device__ __forceinline__ void Store(T* p, float v);
template <>
__device__ __forceinline__ void Store<float>(float* p, float v) { *p = v; }
template <>
__device__ __forceinline__ void Store<__half>(__half* p, float v) { *p = __float2half_rn(v); }

inline cudaStream_t AsStream(void* stream) { return static_cast<cudaStream_t>(stream); }

// Blocks of `threads` covering n items, capped for grid-stride loops.
inline unsigned int GridFor(int64_t n, int threads) {
  int64_t blocks = (n + threads - 1) / threads;
  if (blocks > 65535LL * 32) blocks = 65535LL * 32;
  return static_cast<unsigned int>(blocks < 1 ? 1 : blocks);
}

// The status of the launch just made on this thread.
inline int LaunchStatus(const char* op, char* msg, size_t size) {
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return Fail(SWB_ERR_CUDA, msg, size, "%s: CUDA launch failed: %s", op, cudaGetErrorString(e));
  return Ok(msg, size);
}

// Sum over the 32 lanes of a warp (every lane gets the total).
__device__ __forceinline__ float WarpSum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float WarpMax(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// c += a · b on the tensor cores: one m16n8k16 matrix product of FP16 operands with FP32 accumulation (mma.sync;
// a: the row-major 16x16 A fragment, b0/b1: the column-major 16x8 B fragment, c: the 16x8 accumulator fragment).
__device__ __forceinline__ void Mma16816(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Row maxima of one m16n8k16 score tile pair per thread (mma.sync accumulator layout: s[j][0..1] are row g and
// s[j][2..3] row g + 8 of key tile j), reduced over the four threads of the quad that hold each row.
__device__ __forceinline__ void QuadRowMax(const float (&s)[8][4], float& max_a, float& max_b) {
  max_a = -INFINITY;
  max_b = -INFINITY;
#pragma unroll
  for (int j = 0; j < 8; ++j) {
    max_a = fmaxf(max_a, fmaxf(s[j][0], s[j][1]));
    max_b = fmaxf(max_b, fmaxf(s[j][2], s[j][3]));
  }
#pragma unroll
  for (int o = 1; o <= 2; o <<= 1) {
    max_a = fmaxf(max_a, __shfl_xor_sync(0xffffffffu, max_a, o));
    max_b = fmaxf(max_b, __shfl_xor_sync(0xffffffffu, max_b, o));
  }
}

// Row sums of the same layout, each summed over the thread's keys in key order and then over the quad.
__device__ __forceinline__ void QuadRowSums(const float (&s)[8][4], float& sum_a, float& sum_b) {
  sum_a = 0.f;
  sum_b = 0.f;
#pragma unroll
  for (int j = 0; j < 8; ++j) {
    sum_a += s[j][0] + s[j][1];
    sum_b += s[j][2] + s[j][3];
  }
#pragma unroll
  for (int o = 1; o <= 2; o <<= 1) {
    sum_a += __shfl_xor_sync(0xffffffffu, sum_a, o);
    sum_b += __shfl_xor_sync(0xffffffffu, sum_b, o);
  }
}

// Softmax numerators of one m16n8k16 score tile pair per thread (layout as QuadRowMax), -infinity where a key does not
// count: s becomes exp(s - row max) (0 for -infinity), and sum_a / sum_b receive the rows' sums over the quad (0 for a
// row that is -infinity everywhere).
__device__ __forceinline__ void QuadRowSoftmaxNumerators(float (&s)[8][4], float& sum_a, float& sum_b) {
  float max_a, max_b;
  QuadRowMax(s, max_a, max_b);
#pragma unroll
  for (int j = 0; j < 8; ++j) {
#pragma unroll
    for (int e = 0; e < 4; ++e) s[j][e] = s[j][e] == -INFINITY ? 0.f : __expf(s[j][e] - (e < 2 ? max_a : max_b));
  }
  QuadRowSums(s, sum_a, sum_b);
}

// Two adjacent elements as float2 (the pointer must be aligned to two elements).
__device__ __forceinline__ float2 Load2(const float* p) { return *reinterpret_cast<const float2*>(p); }
__device__ __forceinline__ float2 Load2(const __half* p) { return __half22float2(*reinterpret_cast<const __half2*>(p)); }
__device__ __forceinline__ void Store2(float* p, float2 v) { *reinterpret_cast<float2*>(p) = v; }
__device__ __forceinline__ void Store2(__half* p, float2 v) { *reinterpret_cast<__half2*>(p) = __float22half2_rn(v); }

template <typename T>
__device__ __forceinline__ bool PairAligned(const T* p) {
  return reinterpret_cast<uintptr_t>(p) % (2 * sizeof(T)) == 0;
}

// Rows up to this many pairs per lane (64 * 4 = 256 columns: every SwinIR width) are held in registers by the warp row
// helpers; few registers keep many rows in flight per multiprocessor.
constexpr int kRowPairsPerLane = 4;

// LayerNorm of one row of `cols` values by one warp, statistics in float32 (two passes over the row: the mean, then
// the mean squared deviation): dst[c] = (src[c] - mean) / sqrt(var + eps) * weight[c] + bias[c]. Rows of an even
// width up to 256 with pair-aligned pointers are loaded once into registers as pairs; others are read element by
// element. dst may be src: every lane reads its elements of the row before it writes them.
template <typename T, typename P>
__device__ __forceinline__ void WarpLayerNormRow(const T* src, T* dst, int64_t cols, float eps, const P* weight,
                                                 const P* bias) {
  const int lane = threadIdx.x % 32;
  if (cols % 2 == 0 && cols <= 64 * kRowPairsPerLane && PairAligned(src) && PairAligned(dst) && PairAligned(weight) &&
      PairAligned(bias)) {
    const int pairs = static_cast<int>(cols / 2);
    float2 v[kRowPairsPerLane];
    float sum = 0.f;
#pragma unroll
    for (int i = 0; i < kRowPairsPerLane; ++i) {
      const int p = lane + 32 * i;
      v[i] = p < pairs ? Load2(src + 2 * p) : make_float2(0.f, 0.f);
      sum += v[i].x + v[i].y;
    }
    const float mean = WarpSum(sum) / static_cast<float>(cols);
    float sq = 0.f;
#pragma unroll
    for (int i = 0; i < kRowPairsPerLane; ++i) {
      if (lane + 32 * i < pairs) {
        const float dx = v[i].x - mean, dy = v[i].y - mean;
        sq += dx * dx + dy * dy;
      }
    }
    const float rstd = rsqrtf(WarpSum(sq) / static_cast<float>(cols) + eps);
#pragma unroll
    for (int i = 0; i < kRowPairsPerLane; ++i) {
      const int p = lane + 32 * i;
      if (p < pairs) {
        const float2 w = Load2(weight + 2 * p), b = Load2(bias + 2 * p);
        Store2(dst + 2 * p, make_float2((v[i].x - mean) * rstd * w.x + b.x, (v[i].y - mean) * rstd * w.y + b.y));
      }
    }
    return;
  }
  float sum = 0.f;
  for (int64_t c = lane; c < cols; c += 32) sum += Load(src + c);
  const float mean = WarpSum(sum) / static_cast<float>(cols);
  float sq = 0.f;
  for (int64_t c = lane; c < cols; c += 32) {
    const float d = Load(src + c) - mean;
    sq += d * d;
  }
  const float rstd = rsqrtf(WarpSum(sq) / static_cast<float>(cols) + eps);
  for (int64_t c = lane; c < cols; c += 32) Store(dst + c, (Load(src + c) - mean) * rstd * Load(weight + c) + Load(bias + c));
}

// dst[c] = a[c] + b[c] over one row by one warp, added in float and rounded once; pairs where all three are
// pair-aligned and cols is even. dst may be a (each element is read before the same lane writes it).
template <typename T>
__device__ __forceinline__ void WarpAddRow(const T* a, const T* b, T* dst, int64_t cols) {
  const int lane = threadIdx.x % 32;
  if (cols % 2 == 0 && PairAligned(a) && PairAligned(b) && PairAligned(dst)) {
    for (int64_t p = lane; p < cols / 2; p += 32) {
      const float2 x = Load2(a + 2 * p), y = Load2(b + 2 * p);
      Store2(dst + 2 * p, make_float2(x.x + y.x, x.y + y.y));
    }
    return;
  }
  for (int64_t c = lane; c < cols; c += 32) Store(dst + c, Load(a + c) + Load(b + c));
}

// Zeroes the padding columns [from, to) of a row, one warp.
template <typename T>
__device__ __forceinline__ void WarpZeroFill(T* row, int64_t from, int64_t to) {
  for (int64_t c = from + threadIdx.x % 32; c < to; c += 32) Store(row + c, 0.f);
}

// Window bw of a (B, H, W) map split into ws x ws windows, row-major per image: its image b and the (y0, x0) of its
// first pixel in the (rolled) map.
struct WindowOrigin {
  int64_t b, y0, x0;
};
__device__ __forceinline__ WindowOrigin WindowAt(int64_t bw, int64_t H, int64_t W, int64_t ws) {
  const int64_t per_row = W / ws, nW = (H / ws) * per_row, w = bw % nW;
  return {bw / nW, (w / per_row) * ws, (w % per_row) * ws};
}

// Source index of output position i of a map of n rolled by -shift (shift in [0, n)).
__device__ __forceinline__ int64_t RolledSource(int64_t i, int64_t shift, int64_t n) {
  const int64_t s = i + shift;
  return s >= n ? s - n : s;
}

namespace {  // internal linkage: each translation unit launches its own instantiations

// LayerNorm (float32 statistics) + roll + window partition, one block of WARPS warps per window and one warp per
// token: the token's source pixel row (x_stride elements apart) is normalized into its window row (out_stride apart,
// columns [C, out_stride) zeroed), so the normalized map never exists unpartitioned. The ln_roll_partition op runs it
// on dense rows, the swin_block chain on padded rows wider than its vectorized row kernels take.
template <int WARPS, typename T, typename P>
__global__ void __launch_bounds__(WARPS * 32)
    LnRollPartitionKernel(int64_t H, int64_t W, int64_t C, int ws, int64_t shift, const T* x, int64_t x_stride,
                          const P* __restrict__ weight, const P* __restrict__ bias, float eps, T* __restrict__ windows,
                          int64_t out_stride) {
  const int64_t bw = blockIdx.x;
  const WindowOrigin o = WindowAt(bw, H, W, ws);
  const int N = ws * ws;
  for (int t = threadIdx.x / 32; t < N; t += WARPS) {
    const int64_t sy = RolledSource(o.y0 + t / ws, shift, H), sx = RolledSource(o.x0 + t % ws, shift, W);
    T* dst = windows + (bw * N + t) * out_stride;
    WarpLayerNormRow(x + ((o.b * H + sy) * W + sx) * x_stride, dst, C, eps, weight, bias);
    WarpZeroFill(dst, C, out_stride);
  }
}

}  // namespace

// Dispatches a templated launch on the storage dtype.
#define SWB_DISPATCH_FLOAT(dtype, T, ...)      \
  do {                                          \
    if ((dtype) == SWB_F32) {                   \
      using T = float;                          \
      __VA_ARGS__;                              \
    } else {                                    \
      using T = __half;                         \
      __VA_ARGS__;                              \
    }                                           \
  } while (0)

}  // namespace swb
