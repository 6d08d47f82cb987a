// The Swin block chain's window attention on tensor cores (included through swin_launch.cuh, by one translation unit
// per binary): FP16 qkv rows of 3Cp ([3][heads][d] in each part, parts Cp apart, as the qkv GEMM writes them),
// N <= 64 tokens per window, an even head dim d <= 64. One block of 8 warps per window, all heads:
//  1. the window's N rows (3Cp halves each) are copied into shared memory with 16-byte cp.async, rows N..63 zeroed;
//  2. each warp takes (head, 16-query tile) units: S = q k^T with mma.sync m16n8k16 (FP16 in, float accumulation),
//     fragments read from the staged rows as 32-bit pairs (dims >= d are zero in registers), then
//     softmax(scale S + bias + mask) in float32 in registers, then O = P v (the v fragments are 8x8 blocks of the
//     row-major v transposed in registers with movmatrix);
//  3. O (divided by the row sums) overwrites the unit's own q entries in shared memory (q of a (head, tile) is read
//     by that unit only), so after all units the q part of the staged rows is the attention output in the [heads][d]
//     order of the projection; the block writes its N rows of Cp halves with 16-byte stores, columns [C, Cp) zero.
// The relative-position bias comes pre-arranged (ArrangeAttnBiasKernel, at create) in the order the accumulator
// fragments consume it: per (head, tile, key tile j) 32 lanes x float4, so a warp reads 512 contiguous bytes per load.
// The shifted-window mask is computed from the window's place in the rolled map (region ids, -100 between regions:
// the values of the window_mask op), only for windows on the last window row or column.
// Numerics equal the public tensor-core kernel's (swb_window_attention_cuda): the same products, accumulation order
// and softmax.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "cuda_common.cuh"

namespace swb::block {

constexpr int kAttnWarps = 8;
constexpr int kAttnTokens = 64;  // queries and keys padded to 64
constexpr int kAttnTiles = kAttnTokens / 16;

// Row stride (halves) of a staged window row: 3Cp, plus 8 where 3Cp is a multiple of 16, so that rows are 16-byte
// aligned and start 4 banks apart modulo 8 banks (the fragment loads of 8 rows x 4 consecutive words then hit 32
// distinct banks).
__host__ __device__ inline int AttnRowStride(int Cp) { return (3 * Cp) % 16 == 8 ? 3 * Cp : 3 * Cp + 8; }
inline size_t AttnSharedBytes(int Cp) {
  return static_cast<size_t>(kAttnTokens) * AttnRowStride(Cp) * sizeof(__half);
}
// Floats of one head's arranged bias: kAttnTiles x 8 key tiles x 32 lanes x 4.
constexpr int kAttnBiasPerHead = kAttnTiles * 8 * 32 * 4;

// bias (heads, N, N) float32 -> out[((h * kAttnTiles + tile) * 8 + j) * 32 + lane] = the four bias values the lane's
// accumulators s[j][0..3] of (head h, query tile `tile`) need: (row g, col c), (g, c + 1), (g + 8, c), (g + 8, c + 1)
// with g = lane / 4, c = 8 j + 2 (lane % 4), rows relative to the tile; -infinity outside N x N, so padded queries
// and keys (zero rows in the kernel: finite scores) drop out of the softmax without a test.
__global__ void ArrangeAttnBiasKernel(const float* __restrict__ bias, int N, int heads, float4* __restrict__ out) {
  const int total = heads * kAttnTiles * 8 * 32;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    const int lane = i % 32, j = (i / 32) % 8, tile = (i / 256) % kAttnTiles, h = i / (256 * kAttnTiles);
    const int ra = tile * 16 + lane / 4, rb = ra + 8, c = 8 * j + 2 * (lane % 4);
    const float* b = bias + static_cast<int64_t>(h) * N * N;
    auto at = [&](int r, int col) { return r < N && col < N ? b[r * N + col] : -INFINITY; };
    out[i] = make_float4(at(ra, c), at(ra, c + 1), at(rb, c), at(rb, c + 1));
  }
}

// The transpose of an 8x8 FP16 block across the warp: lane (g = lane / 4, t = lane % 4) passes elements (g, 2t) and
// (g, 2t + 1) and gets (2t, g) and (2t + 1, g).
__device__ __forceinline__ uint32_t Transpose8x8(uint32_t x) {
  uint32_t y;
  asm volatile("movmatrix.sync.aligned.m8n8.trans.b16 %0, %1;\n" : "=r"(y) : "r"(x));
  return y;
}

__device__ __forceinline__ uint32_t PackHalves(float lo, float hi) {
  const __half2 h = __floats2half2_rn(lo, hi);
  return *reinterpret_cast<const uint32_t*>(&h);
}

__device__ __forceinline__ void CpAsync16(void* smem, const void* gmem) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  const uint32_t s = static_cast<uint32_t>(__cvta_generic_to_shared(smem));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(gmem));
#else
  *reinterpret_cast<uint4*>(smem) = *reinterpret_cast<const uint4*>(gmem);
#endif
}

__device__ __forceinline__ void CpAsyncWaitAll() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\ncp.async.wait_group 0;\n" ::: "memory");
#endif
}

// Region id of token i of window (wy, wx) in the rolled map (the window_mask op's regions): 3 per-axis ids, each 0
// before the last window, 1 in the last window before the roll's seam, 2 after it.
__device__ __forceinline__ int AttnRegion(int i, int ws, int wy, int wx, int H, int W, int shift) {
  const int ty = i / ws, y = wy * ws + ty, x = wx * ws + (i - ty * ws);
  const int ry = y < H - ws ? 0 : (y < H - shift ? 1 : 2), rx = x < W - ws ? 0 : (x < W - shift ? 1 : 2);
  return 3 * ry + rx;
}

// DP: the head dim padded to 16, 32 or 64 (the k extent of the q k^T products, the n extent of P v).
template <int DP>
__global__ void __launch_bounds__(kAttnWarps * 32, 2)
    ChainAttentionKernel(int N, int C, int Cp, int heads, int H, int W, int ws, int shift, float scale,
                         const __half* __restrict__ qkv, const float4* __restrict__ bias_frag,
                         __half* __restrict__ out) {
  extern __shared__ __align__(16) unsigned char attn_shared[];
  __half* rows = reinterpret_cast<__half*>(attn_shared);
  const uint32_t* words = reinterpret_cast<const uint32_t*>(attn_shared);
  const int S = AttnRowStride(Cp), SW = S / 2, d = C / heads;
  const int bw = blockIdx.x;

  // 1. stage the window's rows; zero the rows of the padding tokens
  {
    const int chunks = 3 * Cp / 8;
    const __half* src = qkv + static_cast<int64_t>(bw) * N * 3 * Cp;
    for (int e = threadIdx.x; e < N * chunks; e += blockDim.x) {
      const int n = e / chunks, c = e - n * chunks;
      CpAsync16(rows + n * S + 8 * c, src + static_cast<int64_t>(n) * 3 * Cp + 8 * c);
    }
    for (int e = N * S / 8 + threadIdx.x; e < kAttnTokens * S / 8; e += blockDim.x)
      reinterpret_cast<uint4*>(rows)[e] = make_uint4(0u, 0u, 0u, 0u);
    CpAsyncWaitAll();
    __syncthreads();
  }

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  const int tiles = (N + 15) / 16, units = heads * tiles;

  // the window's place in the rolled map; its mask is nonzero only on the last window row or column
  const int per_row = W / ws, nW = (H / ws) * per_row, w = bw % nW, wy = w / per_row, wx = w - wy * per_row;
  const bool masked = shift > 0 && (wy == H / ws - 1 || wx == per_row - 1);
  uint64_t key_regions = 0;  // 4 bits per key column 8 j + 2 t + e of this lane (index 2 j + e)
  if (masked) {
#pragma unroll
    for (int i = 0; i < 16; ++i)
      key_regions |= static_cast<uint64_t>(AttnRegion(8 * (i / 2) + 2 * t + (i % 2), ws, wy, wx, H, W, shift))
                     << (4 * i);
  }

  for (int u = warp; u < units; u += kAttnWarps) {
    const int h = u / tiles, tile = u - h * tiles;
    const int ra = tile * 16 + g, rb = ra + 8;
    const int qw = (h * d) / 2, kw = (Cp + h * d) / 2, vw = (2 * Cp + h * d) / 2;  // head columns, in words (d even)

    // S = q k^T over 8 key tiles of 8; head dims >= d are zero in the fragments
    float s[8][4];
#pragma unroll
    for (int j = 0; j < 8; ++j) s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
    uint32_t a[DP / 16][4];
#pragma unroll
    for (int k = 0; k < DP / 16; ++k) {
      const int c0 = 16 * k + 2 * t, c1 = c0 + 8;  // even: a pair never straddles d
      a[k][0] = c0 < d ? words[ra * SW + qw + c0 / 2] : 0u;
      a[k][1] = c0 < d ? words[rb * SW + qw + c0 / 2] : 0u;
      a[k][2] = c1 < d ? words[ra * SW + qw + c1 / 2] : 0u;
      a[k][3] = c1 < d ? words[rb * SW + qw + c1 / 2] : 0u;
    }
#pragma unroll
    for (int j = 0; j < 8; ++j) {
      const int key = 8 * j + g;
#pragma unroll
      for (int k = 0; k < DP / 16; ++k) {
        const int c0 = 16 * k + 2 * t, c1 = c0 + 8;
        const uint32_t b0 = c0 < d ? words[key * SW + kw + c0 / 2] : 0u;
        const uint32_t b1 = c1 < d ? words[key * SW + kw + c1 / 2] : 0u;
        swb::Mma16816(s[j], a[k], b0, b1);
      }
    }

    // softmax(scale S + bias + mask) per row in float32; padded keys and padded query rows (bias -infinity) get
    // probability 0 (a row of padded query gets a zero sum)
    float4 bias[8];
    const float4* bf = bias_frag + (h * kAttnTiles + tile) * 8 * 32 + lane;
#pragma unroll
    for (int j = 0; j < 8; ++j) bias[j] = bf[j * 32];
    const int region_a = masked ? AttnRegion(ra, ws, wy, wx, H, W, shift) : 0;
    const int region_b = masked ? AttnRegion(rb, ws, wy, wx, H, W, shift) : 0;
#pragma unroll
    for (int j = 0; j < 8; ++j) {
      const float bv[4] = {bias[j].x, bias[j].y, bias[j].z, bias[j].w};
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        float x = s[j][e] * scale + bv[e];
        if (masked && static_cast<int>((key_regions >> (4 * (2 * j + (e & 1)))) & 15u) != (e < 2 ? region_a : region_b))
          x += -100.f;
        s[j][e] = x;
      }
    }
    float sum_a, sum_b;
    swb::QuadRowSoftmaxNumerators(s, sum_a, sum_b);
    // the unnormalized probabilities (in [0, 1]) rounded to FP16 once, as pairs: p[j] = rows g (0) and g + 8 (1)
    uint32_t p[8][2];
#pragma unroll
    for (int j = 0; j < 8; ++j) p[j][0] = PackHalves(s[j][0], s[j][1]), p[j][1] = PackHalves(s[j][2], s[j][3]);

    // O = P v; the A fragment of key step kk is p of key tiles 2 kk and 2 kk + 1; the B fragments (keys x dims) are
    // the 8x8 blocks of row-major v at keys 16 kk (+8), dims 8 j, transposed; dims >= d read as zero
    float acc[DP / 8][4];
#pragma unroll
    for (int j = 0; j < DP / 8; ++j) acc[j][0] = acc[j][1] = acc[j][2] = acc[j][3] = 0.f;
#pragma unroll
    for (int kk = 0; kk < kAttnTokens / 16; ++kk) {
      const uint32_t a[4] = {p[2 * kk][0], p[2 * kk][1], p[2 * kk + 1][0], p[2 * kk + 1][1]};
#pragma unroll
      for (int j = 0; j < DP / 8; ++j) {
        const bool in = 8 * j + 2 * t < d;
        const uint32_t x0 = in ? words[(16 * kk + g) * SW + vw + 4 * j + t] : 0u;
        const uint32_t x1 = in ? words[(16 * kk + 8 + g) * SW + vw + 4 * j + t] : 0u;
        swb::Mma16816(acc[j], a, Transpose8x8(x0), Transpose8x8(x1));
      }
    }

    // O / row sum over the unit's own q entries (rows ra, rb of head h; dims < d)
    const float inv_a = sum_a > 0.f ? 1.f / sum_a : 0.f, inv_b = sum_b > 0.f ? 1.f / sum_b : 0.f;
    uint32_t* qout = reinterpret_cast<uint32_t*>(attn_shared);
    const bool va = ra < N, vb = rb < N;
    __syncwarp();
#pragma unroll
    for (int j = 0; j < DP / 8; ++j) {
      if (8 * j + 2 * t >= d) continue;
      if (va) qout[ra * SW + qw + 4 * j + t] = PackHalves(acc[j][0] * inv_a, acc[j][1] * inv_a);
      if (vb) qout[rb * SW + qw + 4 * j + t] = PackHalves(acc[j][2] * inv_b, acc[j][3] * inv_b);
    }
  }
  __syncthreads();

  // 3. the window's N output rows: columns [0, Cp) of the staged rows, [C, Cp) as zeros
  const int chunks = Cp / 8;
  __half* dst = out + static_cast<int64_t>(bw) * N * Cp;
  for (int e = threadIdx.x; e < N * chunks; e += blockDim.x) {
    const int n = e / chunks, c = e - n * chunks;
    uint4 v = *reinterpret_cast<const uint4*>(rows + n * S + 8 * c);
    if (8 * c + 8 > C) {
      uint32_t wv[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        if (8 * c + 2 * i >= C) wv[i] &= 0xffff0000u;
        if (8 * c + 2 * i + 1 >= C) wv[i] &= 0x0000ffffu;
      }
      v = make_uint4(wv[0], wv[1], wv[2], wv[3]);
    }
    *reinterpret_cast<uint4*>(dst + static_cast<int64_t>(n) * Cp + 8 * c) = v;
  }
}

}  // namespace swb::block
