// Launch and dispatch of the Swin block chain's own kernels: one host function per chain step that picks the kernel
// (variant, dtype, row configuration, attention head-dim padding) and launches it on a stream. Included by the chain
// (swin_block.cu) and by the test and benchmark that run the kernels directly, each of them one translation unit per
// binary. The kernels themselves live in swin_rows.cuh / swin_rows_v2.cuh (row kernels), swin_attention.cuh /
// swin_attention_v2.cuh (window attention) and swin_elementwise.cuh (weight copy, GELU, output copy).
//
// The variant of each step (swin_block_options.h) is an argument: both stay built, so one process can time and
// compare them.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "cuda_common.cuh"
#include "status.h"
#include "swin_attention.cuh"
#include "swin_attention_v2.cuh"
#include "swin_block_options.h"
#include "swin_elementwise.cuh"
#include "swin_rows.cuh"
#include "swin_rows_v2.cuh"
#include "swinbench_plugins.h"

namespace swb::block {

// ---- weights (create) -----------------------------------------------------------------------------------------------

// dst (parts * rows_p, cols_p) from src (parts * rows, cols) of param dtype, zero-padded; dst is float32 when
// dst_f32, else FP16.
inline cudaError_t LaunchPadCopy(swb_dtype param, bool dst_f32, const void* src, void* dst, int64_t parts,
                                 int64_t rows, int64_t rows_p, int64_t cols, int64_t cols_p, cudaStream_t stream) {
  const int64_t total = parts * rows_p * cols_p;
  const unsigned int grid = swb::GridFor(total, 256);
  if (param == SWB_F32) {
    if (dst_f32)
      PadCopyKernel<float, float><<<grid, 256, 0, stream>>>(static_cast<const float*>(src), static_cast<float*>(dst),
                                                            rows, rows_p, cols, cols_p, total);
    else
      PadCopyKernel<float, __half><<<grid, 256, 0, stream>>>(static_cast<const float*>(src), static_cast<__half*>(dst),
                                                             rows, rows_p, cols, cols_p, total);
  } else {
    if (dst_f32)
      PadCopyKernel<__half, float><<<grid, 256, 0, stream>>>(static_cast<const __half*>(src), static_cast<float*>(dst),
                                                             rows, rows_p, cols, cols_p, total);
    else
      PadCopyKernel<__half, __half><<<grid, 256, 0, stream>>>(static_cast<const __half*>(src),
                                                              static_cast<__half*>(dst), rows, rows_p, cols, cols_p,
                                                              total);
  }
  return cudaGetLastError();
}

// The relative-position bias (heads, N, N) float32 in the chain attention kernel's fragment order
// (heads * kAttnBiasPerHead floats).
inline cudaError_t LaunchArrangeAttnBias(const float* src, int N, int heads, float* dst, cudaStream_t stream) {
  const int total = heads * kAttnBiasPerHead / 4;
  ArrangeAttnBiasKernel<<<swb::GridFor(total, 256), 256, 0, stream>>>(src, N, heads, reinterpret_cast<float4*>(dst));
  return cudaGetLastError();
}

// ---- row kernels ----------------------------------------------------------------------------------------------------

// The rows of one chain step: the window partition m of the map, rows = B * H * W tokens, C channels in rows of Cp.
struct RowStep {
  WindowRows m;
  int rows, C, Cp;
};

template <typename T>
inline int RowVectors(const RowStep& r) {
  return r.Cp / kVecElems<T>;
}

// The launch of a vectorized row kernel of variant Var for the (G, V) that DispatchRowGroup (v1) or
// DispatchRowGroupV2 (v2) picks; v1 takes m.m and neither the divisors nor the padded flag.
template <typename T, KernelVariant Var>
struct LnRowsLaunch {
  WindowRowsV2 m;
  int rows, C, nvec;
  const T* x;
  int x_stride;
  bool x_padded;
  const float *weight, *bias;
  float eps;
  T* out;
  int out_stride;
  cudaStream_t stream;
  template <int G, int V>
  void operator()() const {
    if constexpr (Var == kV1)
      LnRowsKernel<T, G, V><<<RowBlocks<G, V>(rows), kRowThreads, 0, stream>>>(m.m, rows, C, nvec, x, x_stride, weight,
                                                                                bias, eps, out, out_stride);
    else
      LnRowsKernelV2<T, G, V><<<RowBlocksV2<G, V>(rows), kRowThreads, 0, stream>>>(
          m, rows, C, nvec, x, x_stride, x_padded, weight, bias, eps, out, out_stride);
  }
};

template <typename T, KernelVariant Var>
struct AddLnRowsLaunch {
  WindowRowsV2 m;
  int rows, C, nvec;
  const T* proj;
  int proj_stride;
  const T* residual;
  int res_stride;
  bool res_padded;
  T* x_out;
  int out_stride;
  T* ln;
  int ln_stride;
  const float *weight, *bias;
  float eps;
  cudaStream_t stream;
  template <int G, int V>
  void operator()() const {
    if constexpr (Var == kV1)
      AddLnRowsKernel<T, G, V><<<RowBlocks<G, V>(rows), kRowThreads, 0, stream>>>(
          m.m, rows, C, nvec, proj, proj_stride, residual, res_stride, x_out, out_stride, ln, ln_stride, weight, bias,
          eps);
    else
      AddLnRowsKernelV2<T, G, V><<<RowBlocksV2<G, V>(rows), kRowThreads, 0, stream>>>(
          m, rows, C, nvec, proj, proj_stride, residual, res_stride, res_padded, x_out, out_stride, ln, ln_stride,
          weight, bias, eps);
  }
};

// Rows of `stride` elements at p read as whole 16-byte vectors: the padded width and a 16-byte aligned base.
inline bool PaddedRows(const void* p, int stride, int Cp) {
  return stride == Cp && reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

// Step 1, LN1 + roll + partition: x (image order, rows x_stride apart: C dense or Cp padded) -> win (window order,
// rows of Cp, columns [C, Cp) zero).
inline int LaunchLn1(KernelVariant variant, swb_dtype dtype, const RowStep& r, const void* x, int x_stride,
                     const float* weight, const float* bias, float eps, void* win, cudaStream_t stream, char* msg,
                     size_t size) {
  SWB_DISPATCH_FLOAT(
      dtype, T, const int nvec = RowVectors<T>(r); const WindowRowsV2 m = MakeWindowRowsV2(r.m);
      const auto* xt = static_cast<const T*>(x); auto* out = static_cast<T*>(win);
      const bool padded = PaddedRows(x, x_stride, r.Cp);
      const bool vectorized =
          variant == kV2 ? DispatchRowGroupV2(nvec, LnRowsLaunch<T, kV2>{m, r.rows, r.C, nvec, xt, x_stride, padded,
                                                                         weight, bias, eps, out, r.Cp, stream})
                         : DispatchRowGroup(nvec, LnRowsLaunch<T, kV1>{m, r.rows, r.C, nvec, xt, x_stride, padded,
                                                                       weight, bias, eps, out, r.Cp, stream});
      if (!vectorized) {
        const unsigned int windows = static_cast<unsigned int>(r.rows / r.m.N);
        swb::LnRollPartitionKernel<kScalarRowWarps, T, float><<<windows, kScalarRowWarps * 32, 0, stream>>>(
            r.m.H, r.m.W, r.C, r.m.ws, r.m.shift, xt, x_stride, weight, bias, eps, out, r.Cp);
      });
  return swb::LaunchStatus("swin_block: LN1 + partition", msg, size);
}

// Step 5, reverse + roll back + residual add + LN2: proj (window order, rows of Cp) + residual (image order, rows
// res_stride apart) -> x_out = rounded sum and ln = LN2(x_out) (image order, rows of Cp). x_out may be the residual.
inline int LaunchAddLn2(KernelVariant variant, swb_dtype dtype, const RowStep& r, const void* proj,
                        const void* residual, int res_stride, void* x_out, void* ln, const float* weight,
                        const float* bias, float eps, cudaStream_t stream, char* msg, size_t size) {
  SWB_DISPATCH_FLOAT(
      dtype, T, const int nvec = RowVectors<T>(r); const WindowRowsV2 m = MakeWindowRowsV2(r.m);
      const auto* pt = static_cast<const T*>(proj); const auto* rt = static_cast<const T*>(residual);
      auto* xo = static_cast<T*>(x_out); auto* lo = static_cast<T*>(ln);
      const bool padded = PaddedRows(residual, res_stride, r.Cp);
      const bool vectorized =
          variant == kV2
              ? DispatchRowGroupV2(nvec, AddLnRowsLaunch<T, kV2>{m, r.rows, r.C, nvec, pt, r.Cp, rt, res_stride, padded,
                                                                 xo, r.Cp, lo, r.Cp, weight, bias, eps, stream})
              : DispatchRowGroup(nvec, AddLnRowsLaunch<T, kV1>{m, r.rows, r.C, nvec, pt, r.Cp, rt, res_stride, padded,
                                                               xo, r.Cp, lo, r.Cp, weight, bias, eps, stream});
      if (!vectorized) {
        const unsigned int windows = static_cast<unsigned int>(r.rows / r.m.N);
        ReverseAddLnKernel<T><<<windows, kScalarRowWarps * 32, 0, stream>>>(
            r.m.H, r.m.W, r.C, r.m.ws, r.m.shift, pt, r.Cp, rt, res_stride, xo, r.Cp, lo, r.Cp, weight, bias, eps);
      });
  return swb::LaunchStatus("swin_block: reverse + residual + LN2", msg, size);
}

// ---- window attention -----------------------------------------------------------------------------------------------

// The chain's own attention kernel for a description, or none (variant 0: the chain runs swb_window_attention_cuda
// with mask tensors): FP16 windows of N <= 64 tokens with an even head dim d <= 64 whose staged window fits the
// device's shared memory per block (optin bytes). dp: d padded to 16, 32 or 64. v2 falls back to v1 where its
// staging (Attn2SharedBytes) does not fit but v1's does.
inline AttnPlan PlanChainAttention(KernelVariant want, swb_dtype dtype, int64_t N, int64_t C, int64_t heads,
                                   int64_t Cp, int optin) {
  AttnPlan p;
  const int64_t d = C / heads;
  if (dtype != SWB_F16 || N > kAttnTokens || d > 64 || d % 2 != 0) return p;
  p.dp = d <= 16 ? 16 : d <= 32 ? 32 : 64;
  const size_t v1 = AttnSharedBytes(static_cast<int>(Cp));
  const size_t v2 = Attn2SharedBytes(static_cast<int>(heads), p.dp, static_cast<int>(d));
  if (want == kV2 && v2 + kAttnTokens <= static_cast<size_t>(optin)) {  // + the kernel's static region ids
    p.variant = 2;
    p.shared = v2;
  } else if (v1 <= static_cast<size_t>(optin)) {
    p.variant = 1;
    p.shared = v1;
  } else {
    p = AttnPlan{};
  }
  return p;
}

inline const void* ChainAttentionFunction(const AttnPlan& p) {
  if (p.variant == 2)
    return p.dp == 16   ? reinterpret_cast<const void*>(ChainAttentionKernelV2<16>)
           : p.dp == 32 ? reinterpret_cast<const void*>(ChainAttentionKernelV2<32>)
                        : reinterpret_cast<const void*>(ChainAttentionKernelV2<64>);
  return p.dp == 16   ? reinterpret_cast<const void*>(ChainAttentionKernel<16>)
         : p.dp == 32 ? reinterpret_cast<const void*>(ChainAttentionKernel<32>)
                      : reinterpret_cast<const void*>(ChainAttentionKernel<64>);
}

// The kernel's dynamic shared memory and the largest shared-memory carveout, so that as many blocks as the kernel's
// register budget allows fit on a multiprocessor.
inline cudaError_t ConfigureChainAttention(const AttnPlan& p) {
  const void* fn = ChainAttentionFunction(p);
  cudaError_t e = cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(p.shared));
  if (e != cudaSuccess) return e;
  return cudaFuncSetAttribute(fn, cudaFuncAttributePreferredSharedMemoryCarveout, cudaSharedmemCarveoutMaxShared);
}

// The window attention of one chain step on tensor cores: qkv (windows * N rows of 3Cp) -> out (rows of Cp), the
// shifted-window mask computed in the kernel, bias arranged by LaunchArrangeAttnBias.
struct AttnStep {
  unsigned int windows;  // B * nW
  int N, C, Cp, heads, H, W, ws, shift;
  float scale;
};

inline int LaunchChainAttention(const AttnPlan& p, const AttnStep& a, const void* qkv, const float* bias, void* out,
                                cudaStream_t stream, char* msg, size_t size) {
  const auto* q = static_cast<const __half*>(qkv);
  const auto* b = reinterpret_cast<const float4*>(bias);
  auto* o = static_cast<__half*>(out);
  if (p.variant == 2) {
    const Attn2Args args = MakeAttn2Args(a.N, a.C, a.Cp, a.heads, a.H, a.W, a.ws, a.shift, a.scale);
    auto launch = [&](auto kernel) { kernel<<<a.windows, kAttn2Threads, p.shared, stream>>>(args, q, b, o); };
    if (p.dp == 16) launch(ChainAttentionKernelV2<16>);
    else if (p.dp == 32) launch(ChainAttentionKernelV2<32>);
    else launch(ChainAttentionKernelV2<64>);
  } else {
    auto launch = [&](auto kernel) {
      kernel<<<a.windows, kAttnWarps * 32, p.shared, stream>>>(a.N, a.C, a.Cp, a.heads, a.H, a.W, a.ws, a.shift,
                                                               a.scale, q, b, o);
    };
    if (p.dp == 16) launch(ChainAttentionKernel<16>);
    else if (p.dp == 32) launch(ChainAttentionKernel<32>);
    else launch(ChainAttentionKernel<64>);
  }
  return swb::LaunchStatus("swin_block: window attention", msg, size);
}

// ---- the rest -------------------------------------------------------------------------------------------------------

// Exact-erf GELU in place over n floats (the FP32 chain's fc1 output).
inline int LaunchGeluErf(float* x, int64_t n, cudaStream_t stream, char* msg, size_t size) {
  GeluErfKernel<<<swb::GridFor(n, 256), 256, 0, stream>>>(x, n);
  return swb::LaunchStatus("swin_block: GELU", msg, size);
}

// Largest power of two dividing the address, at most 256 (the alignment cuBLASLt's heuristic assumes by default).
inline uint32_t AddressAlignment(const void* p) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  uint32_t align = 1;
  while (align < 256 && a % (2 * align) == 0) align *= 2;
  return align;
}

// act (tokens, Cp) -> y (tokens, C) dense, es bytes per element: the widest word (16, 8, 4 or 2 bytes) dividing a
// dense row's bytes and y's address alignment; row ranges of fewer than 2^30 words per launch keep the kernel's
// indices in 32 bits.
inline int LaunchUnpad(const void* act, int64_t tokens, int64_t C, int64_t Cp, size_t es, void* y, cudaStream_t stream,
                       char* msg, size_t size) {
  const int64_t row_bytes = C * static_cast<int64_t>(es), src_row_bytes = Cp * static_cast<int64_t>(es);
  int64_t word = 16;
  const int64_t y_align = AddressAlignment(y);
  while (word > 2 && (row_bytes % word != 0 || y_align < word)) word /= 2;
  const int64_t words_per_row = row_bytes / word;
  const int64_t rows_per_launch = std::max<int64_t>(1, (int64_t{1} << 30) / words_per_row);
  for (int64_t r0 = 0; r0 < tokens; r0 += rows_per_launch) {
    const int64_t rows = std::min(rows_per_launch, tokens - r0);
    const char* src = static_cast<const char*>(act) + r0 * src_row_bytes;
    char* dst = static_cast<char*>(y) + r0 * row_bytes;
    const int total = static_cast<int>(rows * words_per_row), wpr = static_cast<int>(words_per_row);
    const unsigned int grid = swb::GridFor(total, 256);
    const int srb = static_cast<int>(src_row_bytes);
    auto launch = [&](auto* words) {
      using Word = std::remove_pointer_t<decltype(words)>;
      UnpadRowsKernel<Word><<<grid, 256, 0, stream>>>(src, srb, reinterpret_cast<Word*>(dst), wpr, total);
    };
    switch (word) {
      case 16: launch(static_cast<uint4*>(nullptr)); break;
      case 8: launch(static_cast<uint2*>(nullptr)); break;
      case 4: launch(static_cast<uint32_t*>(nullptr)); break;
      default: launch(static_cast<uint16_t*>(nullptr)); break;
    }
    if (int rc = swb::LaunchStatus("swin_block: act -> y", msg, size); rc != SWB_OK) return rc;
  }
  return swb::Ok(msg, size);
}

}  // namespace swb::block
