// Fused window attention on the GPU, two kernels behind one entry point:
//  - FP16 with N <= 64 and d <= 64 (every SwinIR model): tensor cores (WMMA 16x16x16, float accumulation). One block
//    of four warps per (head, window) stages q, k and v of the window-head in shared memory as FP16, zero-padded to
//    multiples of 16; each warp owns 16 query rows: S = q k^T on tensor cores, then scale + relative position bias +
//    shift mask and the softmax in float32 (padded key columns get -inf), P rounded once to FP16, O = P v on tensor
//    cores, written straight to the (B_, N, C) output in the [heads][d] order that the projection reads. The grid runs
//    the heads of one window next to each other, so the window's mask and qkv rows are read from DRAM once.
//  - everything else (FP32, larger windows or heads): the scalar kernel, one block per (window, head), q/k/v and the
//    N x N scores in float in shared memory, one warp per softmax row.
#include <mma.h>

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

constexpr int kTcWarps = 4;
constexpr int kTile = 16;

struct TcLayout {
  int np, dp, ldh, lds, ldp;  // padded tokens / head dim; leading dims of q/k/v (half), S/O (float), P (half)
  size_t q, k, v, s, p, bytes;
};

inline int RoundUp16(int64_t x) { return static_cast<int>((x + kTile - 1) / kTile * kTile); }

// Shared-memory layout; every tile start is 32-byte aligned, as WMMA loads and stores require.
inline TcLayout MakeTcLayout(int64_t N, int64_t d) {
  TcLayout l{};
  l.np = RoundUp16(N);
  l.dp = RoundUp16(d);
  l.ldh = l.dp + 8;
  l.lds = (l.np > l.dp ? l.np : l.dp) + 4;
  l.ldp = l.np + 8;
  const size_t qkv_bytes = static_cast<size_t>(l.np) * l.ldh * sizeof(__half);
  l.q = 0;
  l.k = l.q + qkv_bytes;
  l.v = l.k + qkv_bytes;
  l.s = l.v + qkv_bytes;
  l.p = l.s + static_cast<size_t>(l.np) * l.lds * sizeof(float);
  l.bytes = l.p + static_cast<size_t>(l.np) * l.ldp * sizeof(__half);
  return l;
}

inline bool UsesTensorCores(swb_dtype dtype, int64_t N, int64_t d) { return dtype == SWB_F16 && N <= 64 && d <= 64; }

__global__ void __launch_bounds__(kTcWarps * 32)
    WindowAttentionTcKernel(int N, int C, int heads, int64_t P, int64_t O, float scale, TcLayout l,
                            const __half* __restrict__ qkv, const float* __restrict__ bias,
                            const float* __restrict__ mask, int64_t nW, __half* __restrict__ out) {
  using namespace nvcuda;
  extern __shared__ __align__(128) unsigned char tc_smem[];
  __half* q = reinterpret_cast<__half*>(tc_smem + l.q);
  __half* k = reinterpret_cast<__half*>(tc_smem + l.k);
  __half* v = reinterpret_cast<__half*>(tc_smem + l.v);
  float* s = reinterpret_cast<float*>(tc_smem + l.s);
  __half* p = reinterpret_cast<__half*>(tc_smem + l.p);
  const int d = C / heads, h = static_cast<int>(blockIdx.x % heads);
  const int64_t bw = blockIdx.x / heads;
  const __half* base = qkv + bw * N * 3 * P + h * d;
  const __half zero = __float2half(0.f);

  // Stage q, k, v (zero padding); pairs of halves where d and P are even (then every pair is 4-byte aligned).
  if ((d % 2 == 0) && (P % 2 == 0)) {
    const int pairs = l.dp / 2;
    for (int e = threadIdx.x; e < l.np * pairs; e += blockDim.x) {
      const int n = e / pairs, dd = 2 * (e % pairs);
      __half2 qv = __halves2half2(zero, zero), kv = qv, vv = qv;
      if (n < N && dd < d) {
        const __half* row = base + n * 3 * P + dd;
        qv = *reinterpret_cast<const __half2*>(row);
        kv = *reinterpret_cast<const __half2*>(row + P);
        vv = *reinterpret_cast<const __half2*>(row + 2 * P);
      }
      *reinterpret_cast<__half2*>(q + n * l.ldh + dd) = qv;
      *reinterpret_cast<__half2*>(k + n * l.ldh + dd) = kv;
      *reinterpret_cast<__half2*>(v + n * l.ldh + dd) = vv;
    }
  } else {
    for (int e = threadIdx.x; e < l.np * l.dp; e += blockDim.x) {
      const int n = e / l.dp, dd = e % l.dp;
      const bool in = n < N && dd < d;
      const __half* row = base + n * 3 * P + dd;
      q[n * l.ldh + dd] = in ? row[0] : zero;
      k[n * l.ldh + dd] = in ? row[P] : zero;
      v[n * l.ldh + dd] = in ? row[2 * P] : zero;
    }
  }
  __syncthreads();

  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const float* bias_h = bias + static_cast<int64_t>(h) * N * N;
  const float* mask_w = mask == nullptr ? nullptr : mask + (bw % nW) * N * N;
  __half* dst = out + bw * N * O + h * d;
  for (int r0 = warp * kTile; r0 < l.np; r0 += kTcWarps * kTile) {
    // S[r0:r0+16, :] = q k^T (k stored row-major [token][d] is k^T column-major)
    for (int c0 = 0; c0 < l.np; c0 += kTile) {
      wmma::fragment<wmma::accumulator, kTile, kTile, kTile, float> acc;
      wmma::fill_fragment(acc, 0.f);
      for (int k0 = 0; k0 < l.dp; k0 += kTile) {
        wmma::fragment<wmma::matrix_a, kTile, kTile, kTile, __half, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, kTile, kTile, kTile, __half, wmma::col_major> b;
        wmma::load_matrix_sync(a, q + r0 * l.ldh + k0, l.ldh);
        wmma::load_matrix_sync(b, k + c0 * l.ldh + k0, l.ldh);
        wmma::mma_sync(acc, a, b, acc);
      }
      wmma::store_matrix_sync(s + r0 * l.lds + c0, acc, l.lds, wmma::mem_row_major);
    }
    __syncwarp();
    // softmax(scale * S + bias + mask) per row in float32; P = FP16 probabilities, zero in the padding
    for (int i = r0; i < r0 + kTile; ++i) {
      float x[2];
      float m = -INFINITY;
      for (int t = 0; t < 2; ++t) {
        const int j = lane + 32 * t;
        x[t] = -INFINITY;
        if (i < N && j < N) {
          x[t] = s[i * l.lds + j] * scale + bias_h[i * N + j];
          if (mask_w != nullptr) x[t] += mask_w[i * N + j];
        }
        m = fmaxf(m, x[t]);
      }
      m = swb::WarpMax(m);
      float sum = 0.f;
      for (int t = 0; t < 2; ++t) {
        x[t] = x[t] == -INFINITY ? 0.f : __expf(x[t] - m);
        sum += x[t];
      }
      sum = swb::WarpSum(sum);
      const float inv = sum > 0.f ? 1.f / sum : 0.f;
      for (int t = 0; t < 2; ++t) {
        const int j = lane + 32 * t;
        if (j < l.np) p[i * l.ldp + j] = __float2half_rn(x[t] * inv);
      }
    }
    __syncwarp();
    // O[r0:r0+16, :] = P v, staged in this warp's rows of S
    for (int c0 = 0; c0 < l.dp; c0 += kTile) {
      wmma::fragment<wmma::accumulator, kTile, kTile, kTile, float> acc;
      wmma::fill_fragment(acc, 0.f);
      for (int k0 = 0; k0 < l.np; k0 += kTile) {
        wmma::fragment<wmma::matrix_a, kTile, kTile, kTile, __half, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, kTile, kTile, kTile, __half, wmma::row_major> b;
        wmma::load_matrix_sync(a, p + r0 * l.ldp + k0, l.ldp);
        wmma::load_matrix_sync(b, v + k0 * l.ldh + c0, l.ldh);
        wmma::mma_sync(acc, a, b, acc);
      }
      wmma::store_matrix_sync(s + r0 * l.lds + c0, acc, l.lds, wmma::mem_row_major);
    }
    __syncwarp();
    const int rows = N - r0 < kTile ? N - r0 : kTile;
    for (int e = lane; e < rows * d; e += 32) {
      const int i = r0 + e / d, dd = e % d;
      dst[i * O + dd] = __float2half_rn(s[i * l.lds + dd]);
    }
    if (h == heads - 1 && O > C) {  // the last head's block zeroes the padding columns of its rows
      const int pad = static_cast<int>(O - C);
      for (int e = lane; e < rows * pad; e += 32) out[(bw * N + r0 + e / pad) * O + C + e % pad] = zero;
    }
  }
}

int LaunchTc(const swb_qkv_geometry* g, float scale, const void* qkv, const float* bias, const float* mask,
             int64_t num_windows, void* out, cudaStream_t stream, char* msg, size_t size) {
  const TcLayout l = MakeTcLayout(g->tokens, g->channels / g->heads);
  if (l.bytes > 48 * 1024) {
    const cudaError_t e = cudaFuncSetAttribute(WindowAttentionTcKernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               static_cast<int>(l.bytes));
    if (e != cudaSuccess)
      return swb::Fail(SWB_ERR_CUDA, msg, size, "window_attention: %zu bytes of shared memory per window-head: %s",
                       l.bytes, cudaGetErrorString(e));
  }
  const unsigned int grid = static_cast<unsigned int>(g->batch_windows * g->heads);  // checked < 2^31 by the caller
  WindowAttentionTcKernel<<<grid, kTcWarps * 32, l.bytes, stream>>>(
      static_cast<int>(g->tokens), static_cast<int>(g->channels), static_cast<int>(g->heads), swb::PartStride(*g),
      swb::OutStride(*g), scale, l,
      static_cast<const __half*>(qkv), bias, mask, num_windows, static_cast<__half*>(out));
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
