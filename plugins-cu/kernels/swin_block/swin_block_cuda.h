// The CUDA Swin block handle's state (swb_swin_block_create_cuda; methods in swin_block.cu): the weights on the
// device, the GEMM wrapper, and per input shape the work buffers, masks, GEMM layouts and algorithms, and graph.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "swin_block_handle.h"
#include "swin_block_options.h"
#include "swin_gemm.h"

namespace swb::block {

// One block's weights on the device: LayerNorm parameters and the attention bias in float32, the GEMM weights and
// biases in the run dtype, zero-padded (rows and columns to Cp / 3Cp / Hp).
struct BlockWeights {
  float *ln1_w = nullptr, *ln1_b = nullptr, *ln2_w = nullptr, *ln2_b = nullptr, *attn_bias = nullptr;
  void *qkv_w = nullptr, *qkv_b = nullptr, *proj_w = nullptr, *proj_b = nullptr;
  void *fc1_w = nullptr, *fc1_b = nullptr, *fc2_w = nullptr, *fc2_b = nullptr;
  const void* Gemm(GemmKind kind) const {
    return kind == kQkv ? qkv_w : kind == kProj ? proj_w : kind == kFc1 ? fc1_w : fc2_w;
  }
};

// The buffers, masks, GEMM layouts and algorithms, and graph of one input shape.
struct Shape {
  int64_t batch = 0, height = 0, width = 0, tokens = 0, windows = 0;  // windows: nW per image
  void* memory = nullptr;
  size_t bytes = 0;
  void *act = nullptr, *win = nullptr, *big = nullptr, *io = nullptr;
  std::vector<float*> masks;  // one per entry of the handle's mask_shifts_
  bool masks_ready = false;
  bool zeroed = false;  // act, win and big were zeroed for the GEMM timing
  GemmShape gemm;
  cudaEvent_t done = nullptr;  // recorded after each run of this shape
  cudaGraphExec_t exec = nullptr;
  uint64_t last_used = 0;
};

class CudaSwinBlock final : public swb_swin_block {
 public:
  ~CudaSwinBlock() override;
  int Init(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks, cudaStream_t stream, char* msg,
           size_t size);
  int Run(int64_t batch, int64_t height, int64_t width, const void* x, void* y, void* stream, char* msg,
          size_t size) override;
  int Trim(char* msg, size_t size) override;
  void Stats(swb_swin_block_stats* out) const override;

 private:
  int CopyWeights(const swb_swin_block_weights* blocks, cudaStream_t stream, char* msg, size_t size);
  int CreateShape(int64_t batch, int64_t height, int64_t width, Shape** out, char* msg, size_t size);
  int BuildMasks(Shape& s, cudaStream_t stream, char* msg, size_t size);
  int Chain(Shape& s, const void* x, void* y, cudaStream_t stream, char* msg, size_t size);
  int Attention(const Shape& s, const BlockWeights& w, int64_t shift, cudaStream_t stream, char* msg, size_t size);
  int Capture(Shape& s, char* msg, size_t size);
  void DestroyShape(Shape* s);
  void EvictLeastRecent();

  int device_ = 0;
  int64_t C_ = 0, Cp_ = 0, hidden_ = 0, Hp_ = 0, heads_ = 0, ws_ = 0, N_ = 0;
  size_t es_ = 0;                    // bytes per activation element
  cudaDataType_t dt_ = CUDA_R_32F;  // the activations' and GEMM weights' type
  bool graph_ = false;
  ChainOptions options_;  // the kernel variants and GEMM tuning (environment at create)
  AttnPlan attn_;         // the chain's attention kernel, or variant 0: swb_window_attention_cuda
  std::vector<int64_t> mask_shifts_;  // distinct nonzero shifts of the blocks (swb_window_attention_cuda only)

  void* weights_ = nullptr;
  size_t weight_bytes_ = 0;
  std::vector<BlockWeights> blocks_;
  std::unique_ptr<LtGemms> gemms_;

  cudaStream_t own_ = nullptr;  // GEMM timing; graph mode: the stream graphs are captured on and replayed on
  cudaEvent_t in_ready_ = nullptr;

  std::vector<std::unique_ptr<Shape>> shapes_;
  uint64_t clock_ = 0;
  int64_t captured_ = 0, replays_ = 0;
};

}  // namespace swb::block
