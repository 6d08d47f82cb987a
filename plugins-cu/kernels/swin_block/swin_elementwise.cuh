// The Swin block chain's element-wise kernels (included through swin_launch.cuh, by one translation unit per binary):
// the weight copy with padding and conversion (create), the exact GELU of the FP32 chain, and the padded -> dense copy
// of the chain's output.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_common.cuh"

namespace swb::block {

// Weight copy with zero padding and conversion: dst (parts * rows_p, cols_p) of D from src (parts * rows, cols) of S;
// row r of part p goes to row p * rows_p + r, the rows past `rows` and the columns past `cols` of each part are zero.
template <typename S, typename D>
__global__ void PadCopyKernel(const S* __restrict__ src, D* __restrict__ dst, int64_t rows, int64_t rows_p, int64_t cols,
                              int64_t cols_p, int64_t total) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t c = i % cols_p, row = i / cols_p, part = row / rows_p, r = row % rows_p;
    float v = 0.f;
    if (c < cols && r < rows) v = swb::Load(src + (part * rows + r) * cols + c);
    swb::Store(dst + i, v);
  }
}

// Exact GELU in place, x * Phi(x) with erf (the FP32 chain; FP16 uses cuBLASLt's GELU_BIAS epilogue).
__global__ void GeluErfKernel(float* x, int64_t n) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const float v = x[i];
    x[i] = 0.5f * v * (1.f + erff(v * 0.70710678118654752f));
  }
}

// Padded rows -> dense rows, one Word (2, 4, 8 or 16 bytes) of dst per thread: dst row r, word c <- the same bytes of
// src row r (src_row_bytes apart). The word divides both row widths in bytes and both base addresses' alignment.
template <typename Word>
__global__ void UnpadRowsKernel(const char* __restrict__ src, int src_row_bytes, Word* __restrict__ dst,
                                int words_per_row, int total_words) {
  const int step = gridDim.x * blockDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total_words; i += step) {
    const int r = i / words_per_row, c = i - r * words_per_row;
    dst[i] = *reinterpret_cast<const Word*>(src + static_cast<int64_t>(r) * src_row_bytes + c * sizeof(Word));
  }
}

}  // namespace swb::block
