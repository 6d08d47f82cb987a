// The Swin block chain's GEMMs on cuBLASLt (swin_gemm.cu): one wrapper per handle owning the cuBLASLt handle, its
// workspace and preference, the weight operands' layouts and every block's four matmul descriptors, plus the
// process-wide cache of timed algorithm choices.
//
// Row-major X (T, K) with rows ld apart is the column-major K x T matrix with leading dimension ld, so
// Y = X W^T + b is the column-major D (M x T) = op(A) B with A the row-major weight (M, K) seen as K x M, op = T.
// Compute 32F, scale 32F (no TF32 in the FP32 chain); the epilogue (BIAS; fc1 in FP16: GELU_BIAS) and the bias pointer
// are set per block at create.
//
// Algorithm choice at a shape's first run: cuBLASLt's heuristic offers up to kTuneCandidates algorithms, each runs once
// and then kTuneReps times between two events on the shape's own (zeroed) buffers, and the fastest is kept. The choice
// is cached per process by device and problem (dtype, GEMM, tokens, Cp, Hp): every handle with the same problem reuses
// it without timing, so they run the same algorithm and give the same bits. Tuning off (SWB_SWIN_BLOCK_GEMM_TUNE=0)
// keeps the heuristic's first algorithm.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace swb::block {

enum GemmKind { kQkv = 0, kProj, kFc1, kFc2, kGemmKinds };
extern const char* const kGemmNames[kGemmKinds];  // "qkv", "proj", "fc1", "fc2"

// The layouts and algorithms of one input shape (column-major views of the row-major buffers: Cp x T, 3Cp x T,
// Hp x T).
struct GemmShape {
  int64_t tokens = 0;
  cublasLtMatrixLayout_t l_cp = nullptr, l_3cp = nullptr, l_hp = nullptr;
  cublasLtMatmulAlgo_t algo[kGemmKinds] = {};
};

// The operands the timing runs use: block 0's weights and the shape's own buffers (zeroed once before the first
// timing: `*zeroed` tells whether that has happened).
struct GemmTimingOperands {
  const void* weight[kGemmKinds];
  void *win, *big, *act;
  void* memory;
  size_t bytes;
  bool* zeroed;
};

class LtGemms {
 public:
  LtGemms() = default;
  LtGemms(const LtGemms&) = delete;
  LtGemms& operator=(const LtGemms&) = delete;
  ~LtGemms();

  // The cuBLASLt handle, workspace, preference and the weights' layouts; tune: time the heuristic's candidates.
  int Init(int device, cudaDataType_t dt, int64_t Cp, int64_t Hp, bool tune, char* msg, size_t size);
  // One block's four descriptors with its biases (qkv, proj, fc1, fc2); fc1 gets GELU_BIAS when gelu_fc1.
  int AddBlock(const void* const (&bias)[kGemmKinds], bool gelu_fc1, char* msg, size_t size);
  // The shape's layouts and its four algorithms (the process's earlier choice, or timed on `timing` on `stream`);
  // when the timing zeroed the buffers, waits for `stream` before returning.
  int PrepareShape(GemmShape& g, int64_t tokens, const GemmTimingOperands& timing, cudaStream_t stream,
                   const char* dtype_name, char* msg, size_t size);
  static void DestroyShape(GemmShape& g);
  // D = A(weight of `block`, `kind`) B + bias (+ beta C) on stream with the shape's algorithm.
  int Run(size_t block, GemmKind kind, const GemmShape& g, const void* weight, const void* b, float beta,
          const void* c, void* d, cudaStream_t stream, char* msg, size_t size) const;

 private:
  void Layouts(const GemmShape& g, GemmKind kind, cublasLtMatrixLayout_t* a, cublasLtMatrixLayout_t* b,
               cublasLtMatrixLayout_t* c, cublasLtMatrixLayout_t* d) const;
  cublasStatus_t Matmul(size_t block, GemmKind kind, const GemmShape& g, const cublasLtMatmulAlgo_t& algo,
                        const void* weight, const void* b, float beta, const void* c, void* d,
                        cudaStream_t stream) const;
  int Pick(GemmShape& g, GemmKind kind, const GemmTimingOperands& timing, cudaStream_t stream,
           const char* dtype_name, char* msg, size_t size);
  int Time(GemmShape& g, GemmKind kind, const cublasLtMatmulAlgo_t& algo, const GemmTimingOperands& timing,
           cudaStream_t stream, float* ms, char* msg, size_t size);

  int device_ = 0;
  cudaDataType_t dt_ = CUDA_R_32F;
  int64_t Cp_ = 0, Hp_ = 0;
  bool tune_ = true;
  cublasLtHandle_t lt_ = nullptr;
  void* workspace_ = nullptr;
  cublasLtMatmulPreference_t pref_ = nullptr;
  cublasLtMatrixLayout_t a_[kGemmKinds] = {};  // the weight operands' layouts (shape independent)
  std::vector<cublasLtMatmulDesc_t> desc_;     // kGemmKinds per block
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

}  // namespace swb::block
