// Fused window attention on the GPU, two kernels behind one entry point:
//  - FP16 with N <= 64 and d <= 64 (every SwinIR model): tensor cores (mma.sync m16n8k16, float accumulation), one
//    block of four warps per (head, window); q, k and v of the window-head are staged in shared memory (v transposed),
//    zero-padded to 64 tokens and a multiple of 16 head dims; each warp owns 16 query rows and keeps its scores,
//    softmax (float32) and probabilities in registers; the output goes straight to the (B_, N, C) rows in the
//    [heads][d] order that the projection reads. The grid runs the heads of one window next to each other, so the
//    window's mask and qkv rows come from DRAM once.
//  - everything else (FP32, larger windows or heads): the scalar kernel, one block per (window, head), q/k/v and the
//    N x N scores in float in shared memory, one warp per softmax row.
#include <cmath>

#include "cuda_common.cuh"

namespace {

// ---- scalar kernel ------------------------------------------------------------------------------------------------

constexpr int kThreads = 128;

inline size_t SharedBytes(int64_t N, int64_t d) {
  return static_cast<size_t>(3 * N * (d + 1) + N * (N + 1)) * sizeof(float);
}

template <typename T>
__global__ void WindowAttentionKernel(int N, int C, int heads, int64_t P, int64_t O, float scale,
                                      const T* __restrict__ qkv, const float* __restrict__ bias,
                                      const float* __restrict__ mask, int64_t nW, T* __restrict__ out) {
  extern __shared__ float smem[];
  const int d = C / heads, ld = d + 1, ls = N + 1;
  float* q = smem;
  float* k = q + N * ld;
  float* v = k + N * ld;
  float* s = v + N * ld;
  const int64_t bw = blockIdx.x;
  const int h = blockIdx.y;
  const T* base = qkv + bw * N * 3 * P + h * d;
  for (int e = threadIdx.x; e < N * d; e += blockDim.x) {
    const int n = e / d, dd = e % d;
    const T* row = base + n * 3 * P + dd;
    q[n * ld + dd] = swb::Load(row) * scale;
    k[n * ld + dd] = swb::Load(row + P);
    v[n * ld + dd] = swb::Load(row + 2 * P);
  }
  __syncthreads();

  const float* bias_h = bias + static_cast<int64_t>(h) * N * N;
  const float* mask_w = mask == nullptr ? nullptr : mask + (bw % nW) * N * N;
  for (int e = threadIdx.x; e < N * N; e += blockDim.x) {
    const int i = e / N, j = e % N;
    float acc = 0.f;
    for (int dd = 0; dd < d; ++dd) acc = fmaf(q[i * ld + dd], k[j * ld + dd], acc);
    acc += bias_h[e];
    if (mask_w != nullptr) acc += mask_w[e];
    s[i * ls + j] = acc;
  }
  __syncthreads();

  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  for (int i = warp; i < N; i += warps) {
    float m = -INFINITY;
    for (int j = lane; j < N; j += 32) m = fmaxf(m, s[i * ls + j]);
    m = swb::WarpMax(m);
    float sum = 0.f;
    for (int j = lane; j < N; j += 32) {
      const float p = __expf(s[i * ls + j] - m);
      s[i * ls + j] = p;
      sum += p;
    }
    const float inv = 1.f / swb::WarpSum(sum);
    for (int j = lane; j < N; j += 32) s[i * ls + j] *= inv;
  }
  __syncthreads();

  T* dst = out + bw * N * O + h * d;
  for (int e = threadIdx.x; e < N * d; e += blockDim.x) {
    const int i = e / d, dd = e % d;
    float acc = 0.f;
    for (int j = 0; j < N; ++j) acc = fmaf(s[i * ls + j], v[j * ld + dd], acc);
    swb::Store(dst + i * O + dd, acc);
  }
  if (h == heads - 1 && O > C) {  // the last head's block zeroes the padding columns of its window's rows
    const int pad = static_cast<int>(O - C);
    for (int e = threadIdx.x; e < N * pad; e += blockDim.x) swb::Store(out + (bw * N + e / pad) * O + C + e % pad, 0.f);
  }
}

// ---- FP16 tensor-core kernel ------------------------------------------------------------------------------------
// mma.sync m16n8k16 (FP16 in, float accumulate), register resident: warp w owns query rows [16w, 16w + 16) of a
// window padded to 64 tokens. Fragment layout (PTX ISA, m16n8k16 .f16): with g = lane / 4 and t = lane % 4, a thread
// holds A elements (row g | g + 8, cols 2t, 2t + 1 | 2t + 8, 2t + 9), B elements (rows 2t, 2t + 1 | 2t + 8, 2t + 9,
// col g) and C elements (row g | g + 8, cols 2t, 2t + 1). The S accumulators of two adjacent key tiles are exactly an
// A fragment of P for the P v product, so the scores never leave registers: softmax rows are reduced across the four
// threads of a quad.

constexpr int kTcWarps = 4;
constexpr int kTcTokens = 64;  // keys and queries padded to 64 (window 8: N = 64; window 7: 49)

inline bool UsesTensorCores(swb_dtype dtype, int64_t N, int64_t d) {
  return dtype == SWB_F16 && N <= kTcTokens && d <= 64;
}

__device__ __forceinline__ uint32_t Pair(const __half* p) { return *reinterpret_cast<const uint32_t*>(p); }

__device__ __forceinline__ uint32_t PackHalf2(float lo, float hi) {
  const __half2 h = __floats2half2_rn(lo, hi);
  return *reinterpret_cast<const uint32_t*>(&h);
}

// DP: the head dim padded to 16, 32 or 64.
template <int DP>
__global__ void __launch_bounds__(kTcWarps * 32)
    WindowAttentionTcKernel(int N, int C, int heads, int64_t P, int64_t O, float scale, const __half* __restrict__ qkv,
                            const float* __restrict__ bias, const float* __restrict__ mask, int64_t nW,
                            __half* __restrict__ out) {
  constexpr int LQ = DP + 8;          // q / k rows (halves); +8 keeps the fragment loads free of bank conflicts
  constexpr int LV = kTcTokens + 8;   // rows of v transposed
  __shared__ __align__(16) __half q[kTcTokens * LQ];
  __shared__ __align__(16) __half k[kTcTokens * LQ];
  __shared__ __align__(16) __half vt[DP * LV];
  const int d = C / heads, h = static_cast<int>(blockIdx.x % heads);
  const int64_t bw = blockIdx.x / heads;
  const __half* base = qkv + bw * N * 3 * P + h * d;
  const __half zero = __float2half(0.f);

  // Stage q, k (row-major) and v (transposed), zero-padded to 64 tokens x DP; pairs of halves when d and P are even.
  if ((d % 2 == 0) && (P % 2 == 0)) {
    // every load of the thread is issued before the first shared-memory store (a fixed trip count, unrolled), so a
    // block keeps all of its window-head's rows in flight at once
    constexpr int pairs = DP / 2, per_thread = kTcTokens * pairs / (kTcWarps * 32);
    __half2 qv[per_thread], kv[per_thread], vv[per_thread];
#pragma unroll
    for (int i = 0; i < per_thread; ++i) {
      const int e = threadIdx.x + i * kTcWarps * 32, n = e / pairs, dd = 2 * (e % pairs);
      qv[i] = kv[i] = vv[i] = __halves2half2(zero, zero);
      if (n < N && dd < d) {
        const __half* row = base + n * 3 * P + dd;
        qv[i] = *reinterpret_cast<const __half2*>(row);
        kv[i] = *reinterpret_cast<const __half2*>(row + P);
        vv[i] = *reinterpret_cast<const __half2*>(row + 2 * P);
      }
    }
#pragma unroll
    for (int i = 0; i < per_thread; ++i) {
      const int e = threadIdx.x + i * kTcWarps * 32, n = e / pairs, dd = 2 * (e % pairs);
      *reinterpret_cast<__half2*>(q + n * LQ + dd) = qv[i];
      *reinterpret_cast<__half2*>(k + n * LQ + dd) = kv[i];
      vt[dd * LV + n] = __low2half(vv[i]);
      vt[(dd + 1) * LV + n] = __high2half(vv[i]);
    }
  } else {
    for (int e = threadIdx.x; e < kTcTokens * DP; e += blockDim.x) {
      const int n = e / DP, dd = e % DP;
      const bool in = n < N && dd < d;
      const __half* row = base + n * 3 * P + dd;
      q[n * LQ + dd] = in ? row[0] : zero;
      k[n * LQ + dd] = in ? row[P] : zero;
      vt[dd * LV + n] = in ? row[2 * P] : zero;
    }
  }
  __syncthreads();

  const int lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  const int r0 = (threadIdx.x / 32) * 16, ra = r0 + g, rb = ra + 8;

  // S = q k^T: 8 key tiles of 8 columns
  float s[8][4];
#pragma unroll
  for (int j = 0; j < 8; ++j) s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
#pragma unroll
  for (int k0 = 0; k0 < DP; k0 += 16) {
    const uint32_t a[4] = {Pair(q + ra * LQ + k0 + 2 * t), Pair(q + rb * LQ + k0 + 2 * t),
                           Pair(q + ra * LQ + k0 + 8 + 2 * t), Pair(q + rb * LQ + k0 + 8 + 2 * t)};
#pragma unroll
    for (int j = 0; j < 8; ++j)
      swb::Mma16816(s[j], a, Pair(k + (8 * j + g) * LQ + k0 + 2 * t), Pair(k + (8 * j + g) * LQ + k0 + 8 + 2 * t));
  }

  // softmax(scale * S + bias + mask) over each row, float32; padded keys (and padded query rows) get probability 0
  const float* bias_h = bias + static_cast<int64_t>(h) * N * N;
  const float* mask_w = mask == nullptr ? nullptr : mask + (bw % nW) * N * N;
#pragma unroll
  for (int j = 0; j < 8; ++j) {
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      const int row = e < 2 ? ra : rb, col = 8 * j + 2 * t + (e & 1);
      float x = -INFINITY;
      if (row < N && col < N) {
        x = s[j][e] * scale + bias_h[row * N + col];
        if (mask_w != nullptr) x += mask_w[row * N + col];
      }
      s[j][e] = x;
    }
  }
  float sum_a, sum_b;
  swb::QuadRowSoftmaxNumerators(s, sum_a, sum_b);

  // O = P v with the unnormalized probabilities (in [0, 1], rounded to FP16 once), scaled by 1 / row sum after
  float acc[DP / 8][4];
#pragma unroll
  for (int j = 0; j < DP / 8; ++j) acc[j][0] = acc[j][1] = acc[j][2] = acc[j][3] = 0.f;
#pragma unroll
  for (int kk = 0; kk < kTcTokens / 16; ++kk) {
    const uint32_t a[4] = {PackHalf2(s[2 * kk][0], s[2 * kk][1]), PackHalf2(s[2 * kk][2], s[2 * kk][3]),
                           PackHalf2(s[2 * kk + 1][0], s[2 * kk + 1][1]), PackHalf2(s[2 * kk + 1][2], s[2 * kk + 1][3])};
#pragma unroll
    for (int j = 0; j < DP / 8; ++j)
      swb::Mma16816(acc[j], a, Pair(vt + (8 * j + g) * LV + 16 * kk + 2 * t), Pair(vt + (8 * j + g) * LV + 16 * kk + 8 + 2 * t));
  }

  const float inv_a = sum_a > 0.f ? 1.f / sum_a : 0.f, inv_b = sum_b > 0.f ? 1.f / sum_b : 0.f;
  const bool paired = (d % 2 == 0) && (O % 2 == 0);
#pragma unroll
  for (int j = 0; j < DP / 8; ++j) {
    const int col = 8 * j + 2 * t;
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int row = half == 0 ? ra : rb;
      const float inv = half == 0 ? inv_a : inv_b;
      if (row >= N) continue;
      __half* dst = out + (bw * N + row) * O + h * d + col;
      const float v0 = acc[j][2 * half] * inv, v1 = acc[j][2 * half + 1] * inv;
      if (paired && col + 1 < d) {
        *reinterpret_cast<__half2*>(dst) = __floats2half2_rn(v0, v1);
      } else {
        if (col < d) dst[0] = __float2half_rn(v0);
        if (col + 1 < d) dst[1] = __float2half_rn(v1);
      }
    }
  }
  if (h == heads - 1 && O > C) {  // the last head's block zeroes the padding columns of its window's rows
    const int pad = static_cast<int>(O - C);
    for (int e = threadIdx.x; e < N * pad; e += blockDim.x) out[(bw * N + e / pad) * O + C + e % pad] = zero;
  }
}

int LaunchTc(const swb_qkv_geometry* g, float scale, const void* qkv, const float* bias, const float* mask,
             int64_t num_windows, void* out, cudaStream_t stream, char* msg, size_t size) {
  const int64_t d = g->channels / g->heads;
  const unsigned int grid = static_cast<unsigned int>(g->batch_windows * g->heads);  // checked < 2^31 by the caller
  const int N = static_cast<int>(g->tokens), C = static_cast<int>(g->channels), heads = static_cast<int>(g->heads);
  const auto* in = static_cast<const __half*>(qkv);
  auto* o = static_cast<__half*>(out);
  const int64_t P = swb::PartStride(*g), O = swb::OutStride(*g);
  if (d <= 16)
    WindowAttentionTcKernel<16><<<grid, kTcWarps * 32, 0, stream>>>(N, C, heads, P, O, scale, in, bias, mask, num_windows, o);
  else if (d <= 32)
    WindowAttentionTcKernel<32><<<grid, kTcWarps * 32, 0, stream>>>(N, C, heads, P, O, scale, in, bias, mask, num_windows, o);
  else
    WindowAttentionTcKernel<64><<<grid, kTcWarps * 32, 0, stream>>>(N, C, heads, P, O, scale, in, bias, mask, num_windows, o);
  return swb::LaunchStatus("window_attention", msg, size);
}

template <typename T>
int Launch(const swb_qkv_geometry* g, float scale, const void* qkv, const float* bias, const float* mask,
           int64_t num_windows, void* out, cudaStream_t stream, char* msg, size_t size) {
  const size_t bytes = SharedBytes(g->tokens, g->channels / g->heads);
  if (bytes > 48 * 1024) {
    const cudaError_t e =
        cudaFuncSetAttribute(WindowAttentionKernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes));
    if (e != cudaSuccess)
      return swb::Fail(SWB_ERR_CUDA, msg, size, "window_attention: %zu bytes of shared memory per window-head: %s",
                       bytes, cudaGetErrorString(e));
  }
  const dim3 grid(static_cast<unsigned int>(g->batch_windows), static_cast<unsigned int>(g->heads));
  WindowAttentionKernel<T><<<grid, kThreads, bytes, stream>>>(
      static_cast<int>(g->tokens), static_cast<int>(g->channels), static_cast<int>(g->heads), swb::PartStride(*g),
      swb::OutStride(*g), scale, static_cast<const T*>(qkv), bias, mask, num_windows, static_cast<T*>(out));
  return swb::LaunchStatus("window_attention", msg, size);
}

}  // namespace

extern "C" int swb_window_attention_cuda(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv,
                                         const float* bias, const float* mask, int64_t num_windows, void* out,
                                         void* stream, char* msg, size_t size) {
  if (int status = swb::CheckQkvGeometry("window_attention", g, msg, size); status != SWB_OK) return status;
  if (g->tokens > 1024 || g->heads > 65535 || g->batch_windows > 0x7fffffffLL / g->heads)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size,
                     "window_attention: %lld windows x %lld heads of %lld tokens exceed one launch (N <= 1024, "
                     "windows x heads < 2^31)",
                     static_cast<long long>(g->batch_windows), static_cast<long long>(g->heads),
                     static_cast<long long>(g->tokens));
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: dtype %d", dtype);
  if (qkv == nullptr || bias == nullptr || out == nullptr)
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: null tensor pointer");
  if (mask != nullptr && (num_windows < 1 || g->batch_windows % num_windows != 0))
    return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "window_attention: %lld windows are not a multiple of the mask's %lld",
                     static_cast<long long>(g->batch_windows), static_cast<long long>(num_windows));
  const int64_t nW = mask == nullptr ? 1 : num_windows;
  if (UsesTensorCores(dtype, g->tokens, g->channels / g->heads))
    return LaunchTc(g, scale, qkv, bias, mask, nW, out, swb::AsStream(stream), msg, size);
  if (dtype == SWB_F32) return Launch<float>(g, scale, qkv, bias, mask, nW, out, swb::AsStream(stream), msg, size);
  return Launch<__half>(g, scale, qkv, bias, mask, nW, out, swb::AsStream(stream), msg, size);
}
