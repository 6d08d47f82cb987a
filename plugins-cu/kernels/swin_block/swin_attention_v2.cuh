// The Swin block chain's window attention, second variant (SWB_SWIN_BLOCK_ATTN=v2; included through swin_launch.cuh,
// by one translation unit per binary). Same inputs, outputs, bias arrangement (ArrangeAttnBiasKernel) and arithmetic
// as ChainAttentionKernel (swin_attention.cuh): FP16 qkv rows of 3Cp, N <= 64 tokens, an even head dim d <= 64, one
// block of 8 warps per window, (head, 16-query tile) units per warp, mma.sync m16n8k16 with float accumulation, the
// softmax in float32 in registers, the shifted-window mask from region ids. What changes is the data layout in shared
// memory and the instructions around the products:
//  1. staging: the window's q, k and v are copied with 4-byte cp.async (a head starts at any even column) into one
//     tile per (part, head): 64 rows of DP halves (the head dim padded to 16, 32 or 64), so every fragment starts
//     16-byte aligned whatever d is; a thread copies one word of the row over its rows, consecutive threads
//     consecutive words. The dims
//     [d, DP) and the rows [N, 64) are zero-filled, so no fragment needs a test. Each row's 16-byte chunks are
//     XOR-swizzled by the row (chunk c of row n at c ^ Swizzle(n)), so the 8 rows of an 8x8 fragment matrix fall in
//     distinct banks, and a gap of a multiple of 16 bytes follows each tile (Attn2TileGap), so the words one warp
//     stages (consecutive words of a row, several heads) fall in distinct banks too;
//  2. the fragments are loaded with ldmatrix: four 8x8 matrices per instruction (q as the A operand, k as the B
//     operand of S = q k^T, v transposed by ldmatrix.trans as the B operand of O = P v), at per-lane offsets computed
//     once per unit;
//  3. softmax: the row maximum of a row that is -infinity everywhere (a padded query) is taken as 0, so exp needs no
//     per-element test (exp(-infinity) = 0 as before), and exp flushes results below 2^-126 to 0, so it needs no
//     range test either (the same bits: see QuadRowSoftmaxNumeratorsV2);
//  4. the shifted-window mask (windows on the last window row or column only) reads the tokens' region ids from a
//     64-byte table the block fills once, instead of recomputing them per unit;
//  5. O (divided by the row sums) overwrites the unit's own q tile; the block then writes its N output rows of Cp
//     halves in the [heads][d] order of the projection (columns [C, Cp) zero) with 16-byte stores, each gathered from
//     the tiles word by word, consecutive threads on consecutive chunks of a row.
// The products (same operands: zeros beyond d on both sides), their accumulation order, the softmax and the
// normalisation are those of ChainAttentionKernel, so the two give the same bits.
// Shared memory: 3 * heads * (64 * DP * 2 bytes + a gap of at most 112) (classical SwinIR, 6 heads of 30 -> 32:
// 73 KiB, three blocks per multiprocessor on H100 / H200); the register budget is bounded for that many blocks
// (__launch_bounds__).
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "cuda_common.cuh"
#include "swin_attention.cuh"
#include "swin_fastdiv.h"

namespace swb::block {

constexpr int kAttn2Warps = 8;
constexpr int kAttn2Threads = kAttn2Warps * 32;

// Blocks per multiprocessor the register budget is bounded for, per padded head dim (shared memory of the SwinIR
// shapes: DP 16 (d 10, 6 heads) 36 KiB, DP 32 (d 30, 6 heads) 72 KiB).
template <int DP>
constexpr int kAttn2MinBlocks = DP == 16 ? 4 : DP == 32 ? 3 : 2;

// The gap after each staged tile: a head's d / 2 words rounded up to 16 bytes, so that tile t starts t gaps (mod
// 128 bytes) past a multiple of 128 and the words of consecutive heads in one row fall in different banks; 0 where a
// head fills 128 bytes.
__host__ __device__ inline int Attn2TileGap(int d) { return ((d / 2 + 3) / 4 * 16) % 128; }

inline size_t Attn2SharedBytes(int heads, int dp, int d) {
  return static_cast<size_t>(3) * heads * (kAttnTokens * dp * sizeof(__half) + Attn2TileGap(d));
}

// The XOR swizzle of a staged row's 16-byte chunks: rows of DP halves hold DP / 8 chunks, 8 / (DP / 8) rows share
// 128 bytes; row n's chunk c lies at c ^ Swizzle(n), so rows n..n+7 of one chunk index hit 8 distinct 16-byte bank
// groups. Period 8 in n.
template <int DP>
__device__ __forceinline__ int Attn2Swizzle(int n) {
  constexpr int chunks = DP / 8, rows_per_128 = 8 / chunks;
  return (n / rows_per_128) & (chunks - 1);
}

// Four 8x8 FP16 matrices from shared memory: lanes 8i..8i+7 give the row addresses of matrix i, register i receives
// matrix i's fragment (lane (g, t): row g, columns 2t, 2t + 1; with .trans: rows 2t, 2t + 1 of column g).
__device__ __forceinline__ void LdMatrixX4(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}
__device__ __forceinline__ void LdMatrixX4Trans(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}

// exp(x) as __expf computes it (2^(x log2 e) on the special function unit) for results of at least 2^-126; smaller
// results are 0 instead of subnormal (the .ftz form needs no range test around the instruction).
__device__ __forceinline__ float ExpFlushTiny(float x) {
  const float y = x * 1.4426950408889634f;
  float r;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(y));
  return r;
}

// QuadRowSoftmaxNumerators (cuda_common.cuh) with fewer instructions and the same results: the -infinity test runs
// once per row (a row whose maximum is -infinity, a padded query, uses 0 as its maximum, so exp(-infinity) = 0 without
// a per-element test), and exp flushes results below 2^-126 to 0. Those are below FP16's smallest subnormal, so the
// rounded probabilities are the same, and a row sum includes exp(0) = 1 of the row's maximum, next to which they
// vanish in float32 whatever the order; the summation order is the same.
__device__ __forceinline__ void QuadRowSoftmaxNumeratorsV2(float (&s)[8][4], float& sum_a, float& sum_b) {
  float max_a, max_b;
  swb::QuadRowMax(s, max_a, max_b);
  if (max_a == -INFINITY) max_a = 0.f;
  if (max_b == -INFINITY) max_b = 0.f;
#pragma unroll
  for (int j = 0; j < 8; ++j) {
#pragma unroll
    for (int e = 0; e < 4; ++e) s[j][e] = ExpFlushTiny(s[j][e] - (e < 2 ? max_a : max_b));
  }
  swb::QuadRowSums(s, sum_a, sum_b);
}

// The kernel's arguments: the window geometry of AttnStep (swin_launch.cuh) plus the divisors of its index mappings,
// prepared on the host (MakeAttn2Args).
struct Attn2Args {
  int N, C, Cp, heads, H, W, ws, shift;
  float scale;
  int hw;              // words (half pairs) per head: d / 2
  FastDiv div_hw;      // by hw
  FastDiv div_slots;   // by the staged words per row, 3 C / 2
  FastDiv div_chunks;  // by the output's 16-byte chunks per row, Cp / 8
};

inline Attn2Args MakeAttn2Args(int N, int C, int Cp, int heads, int H, int W, int ws, int shift, float scale) {
  const int hw = C / heads / 2;
  return {N,  C, Cp, heads, H, W, ws, shift, scale, hw, MakeFastDiv(static_cast<uint32_t>(hw)),
          MakeFastDiv(static_cast<uint32_t>(3 * C / 2)), MakeFastDiv(static_cast<uint32_t>(Cp / 8))};
}

__device__ __forceinline__ void CpAsync4Shared(uint32_t smem, const void* gmem) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(smem), "l"(gmem));
#else
  asm volatile("st.shared.u32 [%0], %1;\n" ::"r"(smem), "r"(*reinterpret_cast<const uint32_t*>(gmem)));
#endif
}

// The next work item of a thread walking items e = tid, tid + 256, ... of a (block, index) grid with `per` indices
// per block, index fastest: (blk, i) += (db, di) with carry, where 256 = db * per + di.
__device__ __forceinline__ void NextItem(int& blk, int& i, int db, int di, int per) {
  i += di;
  blk += db;
  if (i >= per) {
    i -= per;
    ++blk;
  }
}

// DP: the head dim padded to 16, 32 or 64.
template <int DP>
__global__ void __launch_bounds__(kAttn2Threads, kAttn2MinBlocks<DP>)
    ChainAttentionKernelV2(Attn2Args a, const __half* __restrict__ qkv, const float4* __restrict__ bias_frag,
                           __half* __restrict__ out) {
  extern __shared__ __align__(128) unsigned char attn2_shared[];
  constexpr int RB = DP * 2;            // bytes per staged row
  constexpr int TB = kAttnTokens * RB;  // bytes per (part, head) tile
  const int tile_stride = TB + Attn2TileGap(2 * a.hw);
  auto tile_at = [&](int t) { return t * tile_stride; };
  constexpr int HW = DP / 2;            // words per staged row
  const int N = a.N, hw = a.hw, half_c = a.C / 2;
  const int bw = blockIdx.x, tid = threadIdx.x;
  const uint32_t base = static_cast<uint32_t>(__cvta_generic_to_shared(attn2_shared));
  const int nblk = (N + 7) / 8;  // blocks of 8 rows: the swizzle of row 8 b + i is Attn2Swizzle(i)

  // the window's place in the rolled map; its mask is nonzero only on the last window row or column, where the
  // region id of each of its 64 (padded) tokens goes to `regions` (AttnRegion, the window_mask op's regions)
  __shared__ unsigned char regions[kAttnTokens];
  bool masked = false;
  if (a.shift > 0) {
    const int per_row = a.W / a.ws, w = bw % ((a.H / a.ws) * per_row), wy = w / per_row, wx = w - wy * per_row;
    masked = wy == a.H / a.ws - 1 || wx == per_row - 1;
    if (masked && tid < kAttnTokens) regions[tid] = static_cast<unsigned char>(
        AttnRegion(tid, a.ws, wy, wx, a.H, a.W, a.shift));
  }

  // 1. stage: word j of head h of part p of row n -> tile (p, h), row n, half 2j (swizzled chunk). A thread takes
  // one slot (a word of the row) over a range of rows in blocks of 8 (the swizzle's period, so the shared offsets
  // are constants after the slot's), consecutive threads on consecutive words of a row. Slots past the threads are
  // taken in turn; fewer slots than threads split the rows into groups of slots.
  {
    const uint32_t* src = reinterpret_cast<const uint32_t*>(qkv + static_cast<int64_t>(bw) * N * 3 * a.Cp);
    const int slots = 3 * half_c, row_words = 3 * a.Cp / 2, pad_words = (a.Cp - a.C) / 2;
    const int groups = slots >= kAttn2Threads ? 1 : Quot(a.div_slots, kAttn2Threads);
    const int rows = ((N + groups - 1) / groups + 7) & ~7;
    const int group = slots >= kAttn2Threads ? 0 : Quot(a.div_slots, tid);
    const int n_lo = group * rows, n_hi = min(N, n_lo + rows);
    for (int s = tid - group * slots; group < groups && s < slots; s += kAttn2Threads) {
      const int tile = Quot(a.div_hw, s), j = s - tile * hw, c = j >> 2;
      const int p = s >= 2 * half_c ? 2 : s >= half_c ? 1 : 0;
      const uint32_t* g = src + s + p * pad_words;
      const uint32_t d0 = base + tile_at(tile) + (j & 3) * 4;
      for (int n0 = n_lo; n0 < n_hi; n0 += 8) {
        const uint32_t* gn = g + n0 * row_words;
        const uint32_t dn = d0 + n0 * RB;
        if (n0 + 8 <= n_hi) {
#pragma unroll
          for (int i = 0; i < 8; ++i)
            CpAsync4Shared(dn + i * RB + ((c ^ Attn2Swizzle<DP>(i)) << 4), gn + i * row_words);
        } else {
#pragma unroll
          for (int i = 0; i < 8; ++i)
            if (n0 + i < n_hi) CpAsync4Shared(dn + i * RB + ((c ^ Attn2Swizzle<DP>(i)) << 4), gn + i * row_words);
        }
      }
    }
    // zeros: dims [d, DP) of rows < N, every dim of rows [N, 64)
    for (int e = tid; e < 3 * a.heads * kAttnTokens; e += kAttn2Threads) {
      const int tile = e / kAttnTokens, n = e - tile * kAttnTokens;
      unsigned char* row = attn2_shared + tile_at(tile) + n * RB;
      for (int j = n < N ? hw : 0; j < HW; ++j)
        *reinterpret_cast<uint32_t*>(row + (((j >> 2) ^ Attn2Swizzle<DP>(n)) << 4) + (j & 3) * 4) = 0u;
    }
    CpAsyncWaitAll();
    __syncthreads();
  }

  const int warp = tid / 32, lane = tid % 32, g = lane / 4, t = lane % 4;
  const int tiles = (N + 15) / 16;

  // per-lane ldmatrix offsets (bytes within a tile; every row index below is lane-dependent only modulo 8, the
  // swizzle's period): q as A (rows l % 16, chunk 2 kk + l / 16), k as B (rows 8 j + l % 8 + 8 (l / 16), chunk
  // 2 kk + (l / 8) % 2), v as B transposed (rows 16 kk + l % 8 + 8 ((l / 8) % 2), chunk 2 jp + l / 16)
  // The offsets of step i (16-dim step kk of q and k, dim pair jp of v) are those of step 0 with chunk bit 1 flipped
  // i times over: row * RB + ((2 i ^ x) << 4) = off0 ^ (i << 5), the row part having no bits below RB >= 32.
  const int sw = Attn2Swizzle<DP>(lane & 7);
  const uint32_t q_off0 = (lane & 15) * RB + (((lane >> 4) ^ sw) << 4);
  const uint32_t k_off0 = ((lane & 7) + ((lane >> 4) << 3)) * RB + ((((lane >> 3) & 1) ^ sw) << 4);
  const uint32_t v_off0 = ((lane & 7) + (((lane >> 3) & 1) << 3)) * RB + (((lane >> 4) ^ sw) << 4);

  // units u = warp, warp + 8, ... < heads * tiles: (h, tile) = (u / tiles, u % tiles), stepped without a division
  const int dh = kAttn2Warps / tiles, dt = kAttn2Warps - dh * tiles;
  int h = warp / tiles, tile = warp - h * tiles;
  for (; h < a.heads; NextItem(h, tile, dh, dt, tiles)) {
    const uint32_t qt = base + tile_at(h), kt = base + tile_at(a.heads + h), vt = base + tile_at(2 * a.heads + h);

    // S = q k^T over 8 key tiles of 8
    uint32_t af[DP / 16][4];
#pragma unroll
    for (int kk = 0; kk < DP / 16; ++kk) LdMatrixX4(af[kk], qt + tile * 16 * RB + (q_off0 ^ (kk << 5)));
    float s[8][4];
#pragma unroll
    for (int j = 0; j < 8; ++j) s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
#pragma unroll
    for (int jp = 0; jp < 4; ++jp) {
#pragma unroll
      for (int kk = 0; kk < DP / 16; ++kk) {
        uint32_t b[4];  // b0, b1 of key tile 2 jp, then of 2 jp + 1
        LdMatrixX4(b, kt + 16 * jp * RB + (k_off0 ^ (kk << 5)));
        swb::Mma16816(s[2 * jp], af[kk], b[0], b[1]);
        swb::Mma16816(s[2 * jp + 1], af[kk], b[2], b[3]);
      }
    }

    // softmax(scale S + bias + mask) per row in float32
    const float4* bf = bias_frag + (h * kAttnTiles + tile) * 8 * 32 + lane;
#pragma unroll
    for (int j = 0; j < 8; ++j) {
      const float4 bv = bf[j * 32];
      s[j][0] = s[j][0] * a.scale + bv.x;
      s[j][1] = s[j][1] * a.scale + bv.y;
      s[j][2] = s[j][2] * a.scale + bv.z;
      s[j][3] = s[j][3] * a.scale + bv.w;
    }
    const int ra = tile * 16 + g, rb = ra + 8;
    if (masked) {
      const int region_a = regions[ra], region_b = regions[rb];
#pragma unroll
      for (int j = 0; j < 8; ++j)
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int region = regions[8 * j + 2 * t + e];
          if (region != region_a) s[j][e] += -100.f;
          if (region != region_b) s[j][2 + e] += -100.f;
        }
    }
    float sum_a, sum_b;
    QuadRowSoftmaxNumeratorsV2(s, sum_a, sum_b);
    uint32_t p[8][2];
#pragma unroll
    for (int j = 0; j < 8; ++j) p[j][0] = PackHalves(s[j][0], s[j][1]), p[j][1] = PackHalves(s[j][2], s[j][3]);

    // O = P v: per key step kk (keys 16 kk .. 16 kk + 15), the dims in pairs of 8-column blocks
    float acc[DP / 8][4];
#pragma unroll
    for (int j = 0; j < DP / 8; ++j) acc[j][0] = acc[j][1] = acc[j][2] = acc[j][3] = 0.f;
#pragma unroll
    for (int kk = 0; kk < kAttnTokens / 16; ++kk) {
      const uint32_t pa[4] = {p[2 * kk][0], p[2 * kk][1], p[2 * kk + 1][0], p[2 * kk + 1][1]};
#pragma unroll
      for (int jp = 0; jp < DP / 16; ++jp) {
        uint32_t b[4];  // b0, b1 of dims 16 jp .. + 7, then of 16 jp + 8 .. + 15
        LdMatrixX4Trans(b, vt + 16 * kk * RB + (v_off0 ^ (jp << 5)));
        swb::Mma16816(acc[2 * jp], pa, b[0], b[1]);
        swb::Mma16816(acc[2 * jp + 1], pa, b[2], b[3]);
      }
    }

    // O / row sum over the unit's own q tile (rows ra, rb; the dims past d and rows past N are never read out)
    const float inv_a = sum_a > 0.f ? 1.f / sum_a : 0.f, inv_b = sum_b > 0.f ? 1.f / sum_b : 0.f;
    unsigned char* qo = attn2_shared + tile_at(h);
    const int sw_a = Attn2Swizzle<DP>(ra), sw_b = Attn2Swizzle<DP>(rb);
    __syncwarp();
#pragma unroll
    for (int j = 0; j < DP / 8; ++j) {
      *reinterpret_cast<uint32_t*>(qo + ra * RB + ((j ^ sw_a) << 4) + 4 * t) =
          PackHalves(acc[j][0] * inv_a, acc[j][1] * inv_a);
      *reinterpret_cast<uint32_t*>(qo + rb * RB + ((j ^ sw_b) << 4) + 4 * t) =
          PackHalves(acc[j][2] * inv_b, acc[j][3] * inv_b);
    }
  }
  __syncthreads();

  // 3. the window's N output rows of Cp halves in 16-byte chunks: word wo = 4 q + k of a row is word j of head h,
  // read from the q tile of h; words >= C / 2 are zero. Items (8-row block, chunk), chunk fastest.
  {
    const int chunks = a.Cp / 8;
    uint4* dst = reinterpret_cast<uint4*>(out + static_cast<int64_t>(bw) * N * a.Cp);
    const int db = Quot(a.div_chunks, kAttn2Threads), dq = kAttn2Threads - db * chunks;
    int blk = Quot(a.div_chunks, tid), q = tid - blk * chunks;
    for (; blk < nblk; NextItem(blk, q, db, dq, chunks)) {
      const unsigned char* from[4];
      int c[4];
#pragma unroll
      for (int k = 0; k < 4; ++k) {
        const int wo = 4 * q + k, hh = Quot(a.div_hw, wo), j = wo - hh * hw;
        from[k] = wo < half_c ? attn2_shared + tile_at(hh) + 8 * blk * RB + (j & 3) * 4 : nullptr;
        c[k] = j >> 2;
      }
#pragma unroll
      for (int i = 0; i < 8; ++i) {
        if (8 * blk + i >= N) break;
        uint32_t v[4];
#pragma unroll
        for (int k = 0; k < 4; ++k)
          v[k] = from[k] != nullptr
                     ? *reinterpret_cast<const uint32_t*>(from[k] + i * RB + ((c[k] ^ Attn2Swizzle<DP>(i)) << 4))
                     : 0u;
        dst[static_cast<int64_t>(8 * blk + i) * chunks + q] = make_uint4(v[0], v[1], v[2], v[3]);
      }
    }
  }
}

}  // namespace swb::block
