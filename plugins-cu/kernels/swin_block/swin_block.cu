// The CUDA Swin block chain (swb_swin_block_create_cuda): `depth` pre-norm Swin blocks of one stage per call.
//
// Per block, on zero-padded rows of Cp = Align8(C) and Hp = Align8(hidden) (FP16 leading dimensions 16-byte aligned):
//   1. LN1 + roll + window partition: residual x -> win (T, Cp)                              (kernel, swin_rows.cuh)
//   2. qkv = win Wqkv^T + b -> big (T, 3Cp), q/k/v parts Cp apart                                 (cuBLASLt, BIAS)
//   3. window attention: big -> win (T, Cp)    (FP16, N <= 64, even head dim <= 64: swin_attention.cuh, the mask
//      computed in the kernel; otherwise swb_window_attention_cuda with a mask tensor per shift)
//   4. proj = win Wproj^T + b -> big (T, Cp), window order                                       (cuBLASLt, BIAS)
//   5. reverse + roll + residual add + LN2: act = x + proj (image order), win = LN2(act)     (kernel, swin_rows.cuh)
//   6. fc1 = GELU(win W1^T + b) -> big (T, Hp)   (FP16: cuBLASLt GELU_BIAS; FP32: BIAS + exact-erf GELU kernel)
//   7. act += big W2^T + b                       (cuBLASLt BIAS, beta = 1, C = D = act)
// then, once per run, act (T, Cp) -> y (T, C) dense (a vectorized copy kernel).
// The residual stream between blocks lives in act (T, Cp), padded, so every GEMM operand and output is aligned (no
// cuBLASLt call has an unaligned leading dimension); the first block reads the dense input x directly. With
// SWB_SWIN_BLOCK_CUDA_GRAPH the chain of a shape is captured once into a CUDA graph on the handle's own stream and
// replayed on a handle-owned dense io buffer (x copied in, the result copied out).
#include <cublasLt.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "cuda_common.cuh"
#include "swin_block_handle.h"
#include "swin_attention.cuh"
#include "swin_rows.cuh"

namespace {

using swb::Align8;
using swb::Fail;

constexpr int kWarps = 8;                       // warps per block of the row kernels (one token row per warp)
constexpr size_t kLtWorkspaceBytes = 32u << 20;  // cuBLASLt workspace per handle
constexpr size_t kAlignBytes = 256;              // every sub-buffer starts 256-byte aligned (cuBLASLt's default)

size_t AlignUp(size_t n) { return (n + kAlignBytes - 1) / kAlignBytes * kAlignBytes; }

// Largest power of two dividing the address, at most 256 (the alignment cuBLASLt's heuristic assumes by default).
uint32_t AddressAlignment(const void* p) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  uint32_t align = 1;
  while (align < kAlignBytes && a % (2 * align) == 0) align *= 2;
  return align;
}

#define SWB_CUDA_TRY(call, what)                                                                              \
  do {                                                                                                         \
    const cudaError_t e_ = (call);                                                                             \
    if (e_ != cudaSuccess) return Fail(SWB_ERR_CUDA, msg, size, "swin_block: %s: %s", what, cudaGetErrorString(e_)); \
  } while (0)

#define SWB_LT_TRY(call, what)                                                                                   \
  do {                                                                                                            \
    const cublasStatus_t s_ = (call);                                                                             \
    if (s_ != CUBLAS_STATUS_SUCCESS)                                                                              \
      return Fail(SWB_ERR_CUDA, msg, size, "swin_block: %s: cuBLASLt %s", what, cublasLtGetStatusString(s_));    \
  } while (0)

// ---- kernels --------------------------------------------------------------------------------------------------------

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

// The scalar row kernels below (and swb::LnRollPartitionKernel for LN1 + partition) run rows wider than the vectorized
// ones of swin_rows.cuh take (more than 128 vectors of 16 bytes: FP16 C > 1024, FP32 C > 512).
// One token row by one warp: xo = rounded(a + r) (a: the attention branch, r: the residual; xo may be r), then
// ln = LN2(xo) from the rounded values; padding columns [C, xo_to) and [C, ln_to) are zeroed. Rows of an even width up
// to 256 with pair-aligned pointers stay in registers as pairs.
template <typename T>
__device__ __forceinline__ void WarpAddLayerNormRow(const T* a, const T* r, T* xo, T* ln, int64_t C, int64_t xo_to,
                                                    int64_t ln_to, float eps, const float* w, const float* b) {
  const int lane = threadIdx.x % 32;
  if (C % 2 == 0 && C <= 64 * swb::kRowPairsPerLane && swb::PairAligned(a) && swb::PairAligned(r) &&
      swb::PairAligned(xo) && swb::PairAligned(ln) && swb::PairAligned(w) && swb::PairAligned(b)) {
    const int pairs = static_cast<int>(C / 2);
    float2 v[swb::kRowPairsPerLane];
    float sum = 0.f;
#pragma unroll
    for (int i = 0; i < swb::kRowPairsPerLane; ++i) {
      const int p = lane + 32 * i;
      v[i] = make_float2(0.f, 0.f);
      if (p < pairs) {
        const float2 x = swb::Load2(a + 2 * p), y = swb::Load2(r + 2 * p);
        v[i] = make_float2(swb::block::RoundTo<T>(x.x + y.x), swb::block::RoundTo<T>(x.y + y.y));
        swb::Store2(xo + 2 * p, v[i]);
        sum += v[i].x + v[i].y;
      }
    }
    const float mean = swb::WarpSum(sum) / static_cast<float>(C);
    float sq = 0.f;
#pragma unroll
    for (int i = 0; i < swb::kRowPairsPerLane; ++i) {
      if (lane + 32 * i < pairs) {
        const float dx = v[i].x - mean, dy = v[i].y - mean;
        sq += dx * dx + dy * dy;
      }
    }
    const float rstd = rsqrtf(swb::WarpSum(sq) / static_cast<float>(C) + eps);
#pragma unroll
    for (int i = 0; i < swb::kRowPairsPerLane; ++i) {
      const int p = lane + 32 * i;
      if (p < pairs) {
        const float2 g = swb::Load2(w + 2 * p), h = swb::Load2(b + 2 * p);
        swb::Store2(ln + 2 * p, make_float2((v[i].x - mean) * rstd * g.x + h.x, (v[i].y - mean) * rstd * g.y + h.y));
      }
    }
  } else {
    for (int64_t c = lane; c < C; c += 32) swb::Store(xo + c, swb::Load(a + c) + swb::Load(r + c));
    __syncwarp();  // the LayerNorm below reads elements other lanes wrote
    swb::WarpLayerNormRow(xo, ln, C, eps, w, b);
  }
  swb::WarpZeroFill(xo, C, xo_to);
  swb::WarpZeroFill(ln, C, ln_to);
}

// Window reverse + roll back + residual add + LN2, one block per window, one warp per token: the token (bw, t) of the
// projection (window order, rows proj_stride apart) belongs to the pixel the partition took it from; that pixel's
// residual row (res_stride apart) plus it is written to x_out and its LN2 to ln (both image order, padded rows).
// x_out may be the residual (in place).
template <typename T>
__global__ void __launch_bounds__(kWarps * 32)
    ReverseAddLnKernel(int64_t H, int64_t W, int64_t C, int ws, int64_t shift, const T* __restrict__ proj,
                       int64_t proj_stride, const T* residual, int64_t res_stride, T* x_out, int64_t out_stride,
                       T* __restrict__ ln, int64_t ln_stride, const float* __restrict__ weight,
                       const float* __restrict__ bias, float eps) {
  const int64_t bw = blockIdx.x;
  const swb::WindowOrigin o = swb::WindowAt(bw, H, W, ws);
  const int N = ws * ws;
  for (int t = threadIdx.x / 32; t < N; t += kWarps) {
    const int64_t sy = swb::RolledSource(o.y0 + t / ws, shift, H), sx = swb::RolledSource(o.x0 + t % ws, shift, W);
    const int64_t pixel = (o.b * H + sy) * W + sx;
    WarpAddLayerNormRow(proj + (bw * N + t) * proj_stride, residual + pixel * res_stride, x_out + pixel * out_stride,
                        ln + pixel * ln_stride, C, out_stride, ln_stride, eps, weight, bias);
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

// Launches of the vectorized row kernels for a (G, V) chosen by swb::block::DispatchRowGroup.
template <typename T>
struct LnRowsLaunch {
  swb::block::WindowRows m;
  int rows, C, nvec;
  const T* x;
  int x_stride;
  const float *weight, *bias;
  float eps;
  T* out;
  int out_stride;
  cudaStream_t stream;
  template <int G, int V>
  void operator()() const {
    swb::block::LnRowsKernel<T, G, V><<<swb::block::RowBlocks<G, V>(rows), swb::block::kRowThreads, 0, stream>>>(
        m, rows, C, nvec, x, x_stride, weight, bias, eps, out, out_stride);
  }
};

template <typename T>
struct AddLnRowsLaunch {
  swb::block::WindowRows m;
  int rows, C, nvec;
  const T* proj;
  int proj_stride;
  const T* residual;
  int res_stride;
  T* x_out;
  int out_stride;
  T* ln;
  int ln_stride;
  const float *weight, *bias;
  float eps;
  cudaStream_t stream;
  template <int G, int V>
  void operator()() const {
    swb::block::AddLnRowsKernel<T, G, V><<<swb::block::RowBlocks<G, V>(rows), swb::block::kRowThreads, 0, stream>>>(
        m, rows, C, nvec, proj, proj_stride, residual, res_stride, x_out, out_stride, ln, ln_stride, weight, bias, eps);
  }
};

// ---- the handle -----------------------------------------------------------------------------------------------------

// One GEMM's algorithm for a shape.
struct Algo {
  cublasLtMatmulAlgo_t algo{};
  bool valid = false;
};

enum GemmKind { kQkv = 0, kProj, kFc1, kFc2, kGemmKinds };
const char* const kGemmNames[kGemmKinds] = {"qkv", "proj", "fc1", "fc2"};

// GEMM algorithm selection at the first run of a shape: cuBLASLt's heuristic offers up to kTuneCandidates algorithms,
// each runs once and then kTuneReps times between two events on the shape's own buffers, the fastest is kept.
// SWB_SWIN_BLOCK_GEMM_TUNE=0 in the environment keeps the heuristic's first algorithm instead.
constexpr int kTuneCandidates = 8, kTuneReps = 3;

// The algorithms timed so far in this process, per device and GEMM problem (dtype, GEMM, tokens, Cp, Hp): every
// handle with the same problem (the stages of a network, the graph and direct handles of a test) reuses the first
// timing's choice, so they run the same algorithm and give the same bits.
struct TunedGemm {
  int device;
  cudaDataType_t dt;
  int kind;
  int64_t tokens, cp, hp;
  cublasLtMatmulAlgo_t algo;
  bool Same(const TunedGemm& o) const {
    return device == o.device && dt == o.dt && kind == o.kind && tokens == o.tokens && cp == o.cp && hp == o.hp;
  }
};
constexpr size_t kMaxTunedGemms = 4096;  // past this many problems, new ones are timed again per handle
std::mutex g_tuned_mutex;
std::vector<TunedGemm> g_tuned;

// One block's weights on the device: LayerNorm parameters and the attention bias in float32, the GEMM weights and
// biases in the run dtype, zero-padded; plus its four matmul descriptors (bias pointer and epilogue set).
struct BlockWeights {
  float *ln1_w = nullptr, *ln1_b = nullptr, *ln2_w = nullptr, *ln2_b = nullptr, *attn_bias = nullptr;
  void *qkv_w = nullptr, *qkv_b = nullptr, *proj_w = nullptr, *proj_b = nullptr;
  void *fc1_w = nullptr, *fc1_b = nullptr, *fc2_w = nullptr, *fc2_b = nullptr;
  cublasLtMatmulDesc_t desc[kGemmKinds] = {};  // qkv, proj, fc1, fc2
};

// The buffers, masks, layouts, algorithms and graph of one input shape.
struct Shape {
  int64_t batch = 0, height = 0, width = 0, tokens = 0, windows = 0;  // windows: nW per image
  void* memory = nullptr;
  size_t bytes = 0;
  void *act = nullptr, *win = nullptr, *big = nullptr, *io = nullptr;
  std::vector<float*> masks;  // one per entry of the handle's mask_shifts_
  bool masks_ready = false;
  bool zeroed = false;  // act, win and big were zeroed for the GEMM timing (PickAlgo)
  // layouts (column-major views of the row-major buffers): Cp x T, 3Cp x T, Hp x T
  cublasLtMatrixLayout_t l_cp = nullptr, l_3cp = nullptr, l_hp = nullptr;
  Algo algo[kGemmKinds];
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
  int CreateDescriptors(char* msg, size_t size);
  int CreateShape(int64_t batch, int64_t height, int64_t width, Shape** out, char* msg, size_t size);
  int PrepareShape(Shape& s, char* msg, size_t size);
  int PickAlgo(Shape& s, GemmKind kind, char* msg, size_t size);
  int TimeAlgo(Shape& s, GemmKind kind, const cublasLtMatmulAlgo_t& algo, float* ms, char* msg, size_t size);
  cublasStatus_t LtMatmul(const BlockWeights& w, GemmKind kind, const Shape& s, const cublasLtMatmulAlgo_t& algo,
                          const void* b, float beta, const void* c, void* d, cudaStream_t stream) const;
  int BuildMasks(Shape& s, cudaStream_t stream, char* msg, size_t size);
  int Chain(Shape& s, const void* x, void* y, cudaStream_t stream, char* msg, size_t size);
  int Capture(Shape& s, char* msg, size_t size);
  int Matmul(const BlockWeights& w, GemmKind kind, const Shape& s, const void* b, float beta, const void* c, void* d,
             cudaStream_t stream, char* msg, size_t size);
  int Unpad(const Shape& s, void* y, cudaStream_t stream, char* msg, size_t size);
  int Attention(const Shape& s, const BlockWeights& w, int shift, cudaStream_t stream, char* msg, size_t size);
  void DestroyShape(Shape* s);
  int EvictLeastRecent(char* msg, size_t size);
  void MatmulLayouts(const Shape& s, GemmKind kind, cublasLtMatrixLayout_t* a, cublasLtMatrixLayout_t* b,
                     cublasLtMatrixLayout_t* c, cublasLtMatrixLayout_t* d) const;

  int device_ = 0;
  int64_t C_ = 0, Cp_ = 0, hidden_ = 0, Hp_ = 0, heads_ = 0, ws_ = 0, N_ = 0;
  size_t es_ = 0;                    // bytes per activation element
  cudaDataType_t dt_ = CUDA_R_32F;  // the activations' and GEMM weights' type
  bool graph_ = false;
  bool tune_ = true;  // time the heuristic's candidates (SWB_SWIN_BLOCK_GEMM_TUNE != 0)
  int attn_dp_ = 0;  // the chain attention kernel's padded head dim (16, 32, 64), or 0: swb_window_attention_cuda
  size_t attn_shared_ = 0;
  std::vector<int64_t> mask_shifts_;  // distinct nonzero shifts of the blocks (swb_window_attention_cuda only)

  void* weights_ = nullptr;
  size_t weight_bytes_ = 0;
  std::vector<BlockWeights> blocks_;

  cublasLtHandle_t lt_ = nullptr;
  void* lt_workspace_ = nullptr;
  cublasLtMatmulPreference_t pref_ = nullptr;
  cublasLtMatrixLayout_t a_[kGemmKinds] = {};  // the weight operands' layouts (shape independent)

  cudaStream_t own_ = nullptr;  // GEMM timing; graph mode: the stream graphs are captured on and replayed on
  cudaEvent_t in_ready_ = nullptr;
  cudaEvent_t tune_start_ = nullptr, tune_stop_ = nullptr;

  std::vector<std::unique_ptr<Shape>> shapes_;
  uint64_t clock_ = 0;
  int64_t captured_ = 0, replays_ = 0;
};

// Makes the handle's device current for the scope (destroy and trim may be called with another device current).
class DeviceScope {
 public:
  explicit DeviceScope(int device) {
    if (cudaGetDevice(&previous_) == cudaSuccess && previous_ != device && cudaSetDevice(device) == cudaSuccess)
      switched_ = true;
  }
  ~DeviceScope() {
    if (switched_) cudaSetDevice(previous_);
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = 0;
  bool switched_ = false;
};

CudaSwinBlock::~CudaSwinBlock() {
  DeviceScope scope(device_);
  for (auto& s : shapes_) DestroyShape(s.get());
  shapes_.clear();
  if (own_ != nullptr) cudaStreamSynchronize(own_);
  for (auto& b : blocks_)
    for (auto& d : b.desc)
      if (d != nullptr) cublasLtMatmulDescDestroy(d);
  for (auto& a : a_)
    if (a != nullptr) cublasLtMatrixLayoutDestroy(a);
  if (pref_ != nullptr) cublasLtMatmulPreferenceDestroy(pref_);
  if (lt_ != nullptr) cublasLtDestroy(lt_);
  if (lt_workspace_ != nullptr) cudaFree(lt_workspace_);
  if (weights_ != nullptr) cudaFree(weights_);
  if (in_ready_ != nullptr) cudaEventDestroy(in_ready_);
  if (tune_start_ != nullptr) cudaEventDestroy(tune_start_);
  if (tune_stop_ != nullptr) cudaEventDestroy(tune_stop_);
  if (own_ != nullptr) cudaStreamDestroy(own_);
}

int CudaSwinBlock::Init(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks, cudaStream_t stream,
                        char* msg, size_t size) {
  desc = *d;
  C_ = d->channels;
  Cp_ = Align8(C_);
  hidden_ = d->hidden;
  Hp_ = Align8(hidden_);
  heads_ = d->heads;
  ws_ = d->window_size;
  N_ = ws_ * ws_;
  es_ = d->dtype == SWB_F32 ? 4 : 2;
  dt_ = d->dtype == SWB_F32 ? CUDA_R_32F : CUDA_R_16F;
  graph_ = (d->flags & SWB_SWIN_BLOCK_CUDA_GRAPH) != 0;
  const char* tune = std::getenv("SWB_SWIN_BLOCK_GEMM_TUNE");
  tune_ = tune == nullptr || std::strcmp(tune, "0") != 0;
  SWB_CUDA_TRY(cudaGetDevice(&device_), "cudaGetDevice");

  // The attention kernel: FP16 with N <= 64, an even head dim <= 64 and the window's qkv rows fitting in shared
  // memory runs the chain's own kernel (one block per window, all heads; no mask tensors); other FP16 cases with
  // N <= 64 and head dim <= 64 run the public tensor-core kernel with static shared memory; every other case runs
  // the public scalar kernel, whose shared memory grows with N and must fit the device.
  const int64_t d_head = C_ / heads_;
  if (N_ > 1024)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: window_size %lld gives %lld tokens per window (CUDA: <= 1024)",
                static_cast<long long>(ws_), static_cast<long long>(N_));
  int optin = 0;
  SWB_CUDA_TRY(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device_),
               "cudaDeviceGetAttribute");
  if (d->dtype == SWB_F16 && N_ <= swb::block::kAttnTokens && d_head <= 64 && d_head % 2 == 0 &&
      swb::block::AttnSharedBytes(static_cast<int>(Cp_)) <= static_cast<size_t>(optin)) {
    attn_dp_ = d_head <= 16 ? 16 : d_head <= 32 ? 32 : 64;
    attn_shared_ = swb::block::AttnSharedBytes(static_cast<int>(Cp_));
    // the largest shared-memory carveout, so that two blocks fit on a multiprocessor (the kernel's register budget)
    const int carveout = cudaSharedmemCarveoutMaxShared;
    const void* fn = attn_dp_ == 16   ? reinterpret_cast<const void*>(swb::block::ChainAttentionKernel<16>)
                     : attn_dp_ == 32 ? reinterpret_cast<const void*>(swb::block::ChainAttentionKernel<32>)
                                      : reinterpret_cast<const void*>(swb::block::ChainAttentionKernel<64>);
    SWB_CUDA_TRY(cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(attn_shared_)),
                 "cudaFuncSetAttribute (attention shared memory)");
    SWB_CUDA_TRY(cudaFuncSetAttribute(fn, cudaFuncAttributePreferredSharedMemoryCarveout, carveout),
                 "cudaFuncSetAttribute (attention carveout)");
  }
  for (int64_t i = 0; i < d->depth; ++i) {
    shifts.push_back(blocks[i].shift_size);
    if (attn_dp_ == 0 && blocks[i].shift_size > 0 &&
        std::find(mask_shifts_.begin(), mask_shifts_.end(), blocks[i].shift_size) == mask_shifts_.end())
      mask_shifts_.push_back(blocks[i].shift_size);
  }
  if (!(d->dtype == SWB_F16 && N_ <= 64 && d_head <= 64)) {
    const int64_t need = (3 * N_ * (d_head + 1) + N_ * (N_ + 1)) * 4;
    if (need > optin)
      return Fail(SWB_ERR_ARGUMENT, msg, size,
                  "swin_block: window attention of %lld tokens, head dim %lld needs %lld bytes of shared memory per "
                  "block; this device allows %d",
                  static_cast<long long>(N_), static_cast<long long>(d_head), static_cast<long long>(need), optin);
  }

  if (int rc = CopyWeights(blocks, stream, msg, size); rc != SWB_OK) return rc;

  SWB_LT_TRY(cublasLtCreate(&lt_), "cublasLtCreate");
  SWB_CUDA_TRY(cudaMalloc(&lt_workspace_, kLtWorkspaceBytes), "cudaMalloc of the cuBLASLt workspace");
  SWB_LT_TRY(cublasLtMatmulPreferenceCreate(&pref_), "cublasLtMatmulPreferenceCreate");
  const uint64_t workspace = kLtWorkspaceBytes;
  SWB_LT_TRY(cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace,
                                                  sizeof workspace),
             "workspace preference");
  if (int rc = CreateDescriptors(msg, size); rc != SWB_OK) return rc;

  SWB_CUDA_TRY(cudaStreamCreateWithFlags(&own_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  SWB_CUDA_TRY(cudaEventCreate(&tune_start_), "cudaEventCreate");
  SWB_CUDA_TRY(cudaEventCreate(&tune_stop_), "cudaEventCreate");
  if (graph_) SWB_CUDA_TRY(cudaEventCreateWithFlags(&in_ready_, cudaEventDisableTiming), "cudaEventCreateWithFlags");
  return swb::Ok(msg, size);
}

// Copies every block's weights into one allocation: converted to float32 (LayerNorm) or the run dtype (GEMMs),
// padded with zeros to Cp / 3Cp / Hp rows and columns (LayerNorm parameters to Cp), each tensor 256-byte aligned.
// Waits for the copies.
int CudaSwinBlock::CopyWeights(const swb_swin_block_weights* blocks, cudaStream_t stream, char* msg, size_t size) {
  const size_t f4 = sizeof(float);
  const size_t ln = AlignUp(Cp_ * f4);
  const size_t attn = AlignUp(heads_ * (attn_dp_ > 0 ? swb::block::kAttnBiasPerHead : N_ * N_) * f4);
  const size_t qkv_w = AlignUp(3 * Cp_ * Cp_ * es_), qkv_b = AlignUp(3 * Cp_ * es_);
  const size_t proj_w = AlignUp(Cp_ * Cp_ * es_), vec_c = AlignUp(Cp_ * es_);
  const size_t fc1_w = AlignUp(Hp_ * Cp_ * es_), fc1_b = AlignUp(Hp_ * es_), fc2_w = AlignUp(Cp_ * Hp_ * es_);
  const size_t per_block = 4 * ln + attn + qkv_w + qkv_b + proj_w + vec_c + fc1_w + fc1_b + fc2_w + vec_c;
  weight_bytes_ = per_block * static_cast<size_t>(desc.depth);
  SWB_CUDA_TRY(cudaMalloc(&weights_, weight_bytes_), "cudaMalloc of the weights");

  char* p = static_cast<char*>(weights_);
  auto take = [&p](size_t bytes) {
    void* q = p;
    p += bytes;
    return q;
  };
  // dst (parts * rows_p, cols_p) in dst_type from src (parts * rows, cols) in the param dtype
  auto copy = [&](const void* src, void* dst, bool to_float, int64_t parts, int64_t rows, int64_t rows_p,
                  int64_t cols, int64_t cols_p) {
    const int64_t total = parts * rows_p * cols_p;
    const unsigned int grid = swb::GridFor(total, 256);
    const bool dst_f32 = to_float || desc.dtype == SWB_F32;
    if (desc.param_dtype == SWB_F32) {
      if (dst_f32)
        PadCopyKernel<float, float><<<grid, 256, 0, stream>>>(static_cast<const float*>(src), static_cast<float*>(dst),
                                                              rows, rows_p, cols, cols_p, total);
      else
        PadCopyKernel<float, __half><<<grid, 256, 0, stream>>>(static_cast<const float*>(src),
                                                               static_cast<__half*>(dst), rows, rows_p, cols, cols_p,
                                                               total);
    } else {
      if (dst_f32)
        PadCopyKernel<__half, float><<<grid, 256, 0, stream>>>(static_cast<const __half*>(src),
                                                               static_cast<float*>(dst), rows, rows_p, cols, cols_p,
                                                               total);
      else
        PadCopyKernel<__half, __half><<<grid, 256, 0, stream>>>(static_cast<const __half*>(src),
                                                                static_cast<__half*>(dst), rows, rows_p, cols, cols_p,
                                                                total);
    }
    return cudaGetLastError();
  };

  // the attention bias: as given (heads, N, N), or arranged for the chain attention kernel's fragments
  auto arrange_bias = [&](const float* src, float* dst) {
    if (attn_dp_ == 0) return cudaMemcpyAsync(dst, src, heads_ * N_ * N_ * f4, cudaMemcpyDeviceToDevice, stream);
    const int total = static_cast<int>(heads_) * swb::block::kAttnBiasPerHead / 4;
    swb::block::ArrangeAttnBiasKernel<<<swb::GridFor(total, 256), 256, 0, stream>>>(
        src, static_cast<int>(N_), static_cast<int>(heads_), reinterpret_cast<float4*>(dst));
    return cudaGetLastError();
  };

  blocks_.resize(static_cast<size_t>(desc.depth));
  for (int64_t i = 0; i < desc.depth; ++i) {
    const swb_swin_block_weights& src = blocks[i];
    BlockWeights& w = blocks_[static_cast<size_t>(i)];
    w.ln1_w = static_cast<float*>(take(ln));
    w.ln1_b = static_cast<float*>(take(ln));
    w.ln2_w = static_cast<float*>(take(ln));
    w.ln2_b = static_cast<float*>(take(ln));
    w.attn_bias = static_cast<float*>(take(attn));
    w.qkv_w = take(qkv_w);
    w.qkv_b = take(qkv_b);
    w.proj_w = take(proj_w);
    w.proj_b = take(vec_c);
    w.fc1_w = take(fc1_w);
    w.fc1_b = take(fc1_b);
    w.fc2_w = take(fc2_w);
    w.fc2_b = take(vec_c);
    const cudaError_t errors[] = {
        copy(src.norm1_weight, w.ln1_w, true, 1, C_, Cp_, 1, 1),
        copy(src.norm1_bias, w.ln1_b, true, 1, C_, Cp_, 1, 1),
        copy(src.norm2_weight, w.ln2_w, true, 1, C_, Cp_, 1, 1),
        copy(src.norm2_bias, w.ln2_b, true, 1, C_, Cp_, 1, 1),
        arrange_bias(src.attn_bias, w.attn_bias),
        copy(src.qkv_weight, w.qkv_w, false, 3, C_, Cp_, C_, Cp_),  // rows [3][C] -> [3][Cp], columns C -> Cp
        copy(src.qkv_bias, w.qkv_b, false, 3, C_, Cp_, 1, 1),
        copy(src.proj_weight, w.proj_w, false, 1, C_, Cp_, C_, Cp_),
        copy(src.proj_bias, w.proj_b, false, 1, C_, Cp_, 1, 1),
        copy(src.fc1_weight, w.fc1_w, false, 1, hidden_, Hp_, C_, Cp_),
        copy(src.fc1_bias, w.fc1_b, false, 1, hidden_, Hp_, 1, 1),
        copy(src.fc2_weight, w.fc2_w, false, 1, C_, Cp_, hidden_, Hp_),
        copy(src.fc2_bias, w.fc2_b, false, 1, C_, Cp_, 1, 1),
    };
    for (cudaError_t e : errors)
      if (e != cudaSuccess)
        return Fail(SWB_ERR_CUDA, msg, size, "swin_block: copying block %lld's weights: %s",
                    static_cast<long long>(i), cudaGetErrorString(e));
  }
  SWB_CUDA_TRY(cudaStreamSynchronize(stream), "waiting for the weight copies");
  return swb::Ok(msg, size);
}

// Matmul descriptors (per block and GEMM: compute 32F, scale 32F, D^T = W X^T with A = W transposed) and the weights'
// layouts. Row-major X (T, K) with rows ld apart is the column-major K x T matrix with leading dimension ld, so
// Y = X W^T + b is the column-major D (M x T) = op(A) B with A the row-major weight (M, K) seen as K x M, op = T.
int CudaSwinBlock::CreateDescriptors(char* msg, size_t size) {
  const cublasOperation_t op_t = CUBLAS_OP_T, op_n = CUBLAS_OP_N;
  for (auto& w : blocks_) {
    const void* bias[kGemmKinds] = {w.qkv_b, w.proj_b, w.fc1_b, w.fc2_b};
    for (int k = kQkv; k < kGemmKinds; ++k) {
      cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_BIAS;
      if (k == kFc1 && desc.dtype == SWB_F16) epilogue = CUBLASLT_EPILOGUE_GELU_BIAS;
      SWB_LT_TRY(cublasLtMatmulDescCreate(&w.desc[k], CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
      SWB_LT_TRY(cublasLtMatmulDescSetAttribute(w.desc[k], CUBLASLT_MATMUL_DESC_TRANSA, &op_t, sizeof op_t),
                 "matmul transa");
      SWB_LT_TRY(cublasLtMatmulDescSetAttribute(w.desc[k], CUBLASLT_MATMUL_DESC_TRANSB, &op_n, sizeof op_n),
                 "matmul transb");
      SWB_LT_TRY(cublasLtMatmulDescSetAttribute(w.desc[k], CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof epilogue),
                 "matmul epilogue");
      SWB_LT_TRY(cublasLtMatmulDescSetAttribute(w.desc[k], CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias[k],
                                                sizeof bias[k]),
                 "matmul bias pointer");
    }
  }
  // stored weight matrices, column-major K x M with leading dimension K (padded)
  const struct {
    int64_t rows, cols, ld;
  } a[kGemmKinds] = {{Cp_, 3 * Cp_, Cp_}, {Cp_, Cp_, Cp_}, {Cp_, Hp_, Cp_}, {Hp_, Cp_, Hp_}};
  for (int k = 0; k < kGemmKinds; ++k)
    SWB_LT_TRY(cublasLtMatrixLayoutCreate(&a_[k], dt_, static_cast<uint64_t>(a[k].rows),
                                          static_cast<uint64_t>(a[k].cols), a[k].ld),
               "weight layout");
  return swb::Ok(msg, size);
}

void CudaSwinBlock::MatmulLayouts(const Shape& s, GemmKind kind, cublasLtMatrixLayout_t* a, cublasLtMatrixLayout_t* b,
                                  cublasLtMatrixLayout_t* c, cublasLtMatrixLayout_t* d) const {
  *a = a_[kind];
  switch (kind) {
    case kQkv: *b = s.l_cp, *c = *d = s.l_3cp; break;
    case kProj: *b = s.l_cp, *c = *d = s.l_cp; break;
    case kFc1: *b = s.l_cp, *c = *d = s.l_hp; break;
    default: *b = s.l_hp, *c = *d = s.l_cp; break;
  }
}

// The shape's algorithm for one GEMM: the process's earlier choice for the same problem, or the fastest of the
// heuristic's candidates timed on the shape's buffers (tuning off: the heuristic's first).
int CudaSwinBlock::PickAlgo(Shape& s, GemmKind kind, char* msg, size_t size) {
  const TunedGemm problem{device_, dt_, kind, s.tokens, Cp_, Hp_, {}};
  std::unique_lock<std::mutex> lock(g_tuned_mutex, std::defer_lock);
  if (tune_) {
    lock.lock();  // held through the timing: one handle times a problem, the others wait for its choice
    for (const TunedGemm& t : g_tuned)
      if (t.Same(problem)) {
        s.algo[kind].algo = t.algo;
        s.algo[kind].valid = true;
        return swb::Ok(msg, size);
      }
  }
  cublasLtMatrixLayout_t a, b, c, d;
  MatmulLayouts(s, kind, &a, &b, &c, &d);
  cublasLtMatmulHeuristicResult_t result[kTuneCandidates] = {};
  int found = 0;
  const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(lt_, blocks_[0].desc[kind], a, b, c, d, pref_,
                                                           tune_ ? kTuneCandidates : 1, result, &found);
  int best = -1;
  for (int i = 0; st == CUBLAS_STATUS_SUCCESS && i < found && best < 0; ++i)
    if (result[i].state == CUBLAS_STATUS_SUCCESS) best = i;
  if (best < 0)
    return Fail(SWB_ERR_CUDA, msg, size, "swin_block: cuBLASLt has no algorithm for the %s GEMM of %lld tokens (%s): %s",
                kGemmNames[kind], static_cast<long long>(s.tokens), swb::DTypeName(desc.dtype),
                cublasLtGetStatusString(st != CUBLAS_STATUS_SUCCESS ? st : CUBLAS_STATUS_NOT_SUPPORTED));
  if (tune_ && found > 1) {
    if (!s.zeroed) {  // finite operands for the timing runs (the buffers are fresh allocations)
      SWB_CUDA_TRY(cudaMemsetAsync(s.memory, 0, s.bytes, own_), "cudaMemsetAsync");
      s.zeroed = true;
    }
    float best_ms = 0.f;
    int timed = -1;
    for (int i = 0; i < found; ++i) {
      if (result[i].state != CUBLAS_STATUS_SUCCESS) continue;
      float ms = 0.f;
      if (int rc = TimeAlgo(s, kind, result[i].algo, &ms, msg, size); rc != SWB_OK) return rc;
      if (ms >= 0.f && (timed < 0 || ms < best_ms)) timed = i, best_ms = ms;
    }
    if (timed >= 0) best = timed;
  }
  s.algo[kind].algo = result[best].algo;
  s.algo[kind].valid = true;
  if (tune_ && g_tuned.size() < kMaxTunedGemms) {
    TunedGemm t = problem;
    t.algo = result[best].algo;
    g_tuned.push_back(t);
  }
  return swb::Ok(msg, size);
}

// One candidate's time (ms) for kTuneReps runs on the own stream after one untimed run, with the chain's operands
// of the GEMM (block 0's weights); -1 when cuBLASLt refuses to run it.
int CudaSwinBlock::TimeAlgo(Shape& s, GemmKind kind, const cublasLtMatmulAlgo_t& algo, float* ms, char* msg,
                            size_t size) {
  const BlockWeights& w = blocks_[0];
  const void* b = kind == kFc2 ? s.big : s.win;
  void* cd = kind == kFc2 ? s.act : s.big;
  const float beta = kind == kFc2 ? 1.f : 0.f;
  *ms = -1.f;
  if (LtMatmul(w, kind, s, algo, b, beta, cd, cd, own_) != CUBLAS_STATUS_SUCCESS) return swb::Ok(msg, size);
  SWB_CUDA_TRY(cudaEventRecord(tune_start_, own_), "cudaEventRecord");
  for (int r = 0; r < kTuneReps; ++r)
    if (LtMatmul(w, kind, s, algo, b, beta, cd, cd, own_) != CUBLAS_STATUS_SUCCESS) return swb::Ok(msg, size);
  SWB_CUDA_TRY(cudaEventRecord(tune_stop_, own_), "cudaEventRecord");
  SWB_CUDA_TRY(cudaEventSynchronize(tune_stop_), "cudaEventSynchronize");
  SWB_CUDA_TRY(cudaEventElapsedTime(ms, tune_start_, tune_stop_), "cudaEventElapsedTime");
  return swb::Ok(msg, size);
}

void CudaSwinBlock::DestroyShape(Shape* s) {
  if (s->done != nullptr) cudaEventSynchronize(s->done);
  if (s->exec != nullptr) cudaGraphExecDestroy(s->exec);
  for (cublasLtMatrixLayout_t l : {s->l_cp, s->l_3cp, s->l_hp})
    if (l != nullptr) cublasLtMatrixLayoutDestroy(l);
  if (s->memory != nullptr) cudaFree(s->memory);
  if (s->done != nullptr) cudaEventDestroy(s->done);
  *s = Shape{};
}

int CudaSwinBlock::EvictLeastRecent(char* msg, size_t size) {
  auto oldest = std::min_element(shapes_.begin(), shapes_.end(),
                                 [](const auto& a, const auto& b) { return a->last_used < b->last_used; });
  if (oldest == shapes_.end()) return swb::Ok(msg, size);
  DestroyShape(oldest->get());
  shapes_.erase(oldest);
  return swb::Ok(msg, size);
}

int CudaSwinBlock::CreateShape(int64_t batch, int64_t height, int64_t width, Shape** out, char* msg, size_t size) {
  if (static_cast<int64_t>(shapes_.size()) >= SWB_SWIN_BLOCK_MAX_SHAPES) {
    if (int rc = EvictLeastRecent(msg, size); rc != SWB_OK) return rc;
  }
  auto s = std::make_unique<Shape>();
  s->batch = batch;
  s->height = height;
  s->width = width;
  s->tokens = batch * height * width;
  s->windows = (height / ws_) * (width / ws_);
  const size_t T = static_cast<size_t>(s->tokens);
  const size_t act = AlignUp(T * Cp_ * es_), big = AlignUp(T * std::max(3 * Cp_, Hp_) * es_);
  const size_t io = graph_ ? AlignUp(T * C_ * es_) : 0;
  const size_t mask = AlignUp(static_cast<size_t>(s->windows * N_ * N_) * sizeof(float));
  s->bytes = 2 * act + big + io + mask * mask_shifts_.size();
  cudaError_t e = cudaMalloc(&s->memory, s->bytes);
  if (e != cudaSuccess) {
    cudaGetLastError();
    s->memory = nullptr;
    return Fail(SWB_ERR_CUDA, msg, size, "swin_block: cudaMalloc of %zu bytes for (B, H, W) = (%lld, %lld, %lld): %s",
                s->bytes, static_cast<long long>(batch), static_cast<long long>(height),
                static_cast<long long>(width), cudaGetErrorString(e));
  }
  char* p = static_cast<char*>(s->memory);
  s->act = p;
  s->win = p + act;
  s->big = p + 2 * act;
  s->io = graph_ ? p + 2 * act + big : nullptr;
  for (size_t i = 0; i < mask_shifts_.size(); ++i)
    s->masks.push_back(reinterpret_cast<float*>(p + 2 * act + big + io + i * mask));
  if (int rc = PrepareShape(*s, msg, size); rc != SWB_OK) {
    DestroyShape(s.get());
    return rc;
  }
  *out = s.get();
  shapes_.push_back(std::move(s));
  return swb::Ok(msg, size);
}

// The shape's layouts, its GEMM algorithms and its event.
int CudaSwinBlock::PrepareShape(Shape& s, char* msg, size_t size) {
  const uint64_t t = static_cast<uint64_t>(s.tokens), cp = static_cast<uint64_t>(Cp_), hp = static_cast<uint64_t>(Hp_);
  SWB_LT_TRY(cublasLtMatrixLayoutCreate(&s.l_cp, dt_, cp, t, Cp_), "activation layout");
  SWB_LT_TRY(cublasLtMatrixLayoutCreate(&s.l_3cp, dt_, 3 * cp, t, 3 * Cp_), "qkv layout");
  SWB_LT_TRY(cublasLtMatrixLayoutCreate(&s.l_hp, dt_, hp, t, Hp_), "hidden layout");
  for (int k = kQkv; k < kGemmKinds; ++k)
    if (int rc = PickAlgo(s, static_cast<GemmKind>(k), msg, size); rc != SWB_OK) return rc;
  // the zeroing (and timing) on the own stream ends before a run writes the buffers on another stream
  if (s.zeroed) SWB_CUDA_TRY(cudaStreamSynchronize(own_), "cudaStreamSynchronize");
  SWB_CUDA_TRY(cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming), "cudaEventCreateWithFlags");
  return swb::Ok(msg, size);
}

int CudaSwinBlock::BuildMasks(Shape& s, cudaStream_t stream, char* msg, size_t size) {
  for (size_t i = 0; i < mask_shifts_.size(); ++i) {
    swb_window_geometry g{1, s.height, s.width, 1, ws_, mask_shifts_[i], 0};
    if (int rc = swb_window_mask_cuda(&g, SWB_F32, s.masks[i], stream, msg, size); rc != SWB_OK) return rc;
  }
  s.masks_ready = true;
  return swb::Ok(msg, size);
}

cublasStatus_t CudaSwinBlock::LtMatmul(const BlockWeights& w, GemmKind kind, const Shape& s,
                                       const cublasLtMatmulAlgo_t& algo, const void* b, float beta, const void* c,
                                       void* d, cudaStream_t stream) const {
  cublasLtMatrixLayout_t la, lb, lc, ld;
  MatmulLayouts(s, kind, &la, &lb, &lc, &ld);
  const void* a = kind == kQkv ? w.qkv_w : kind == kProj ? w.proj_w : kind == kFc1 ? w.fc1_w : w.fc2_w;
  const float alpha = 1.f;
  return cublasLtMatmul(lt_, w.desc[kind], &alpha, a, la, b, lb, &beta, c, lc, d, ld, &algo, lt_workspace_,
                        kLtWorkspaceBytes, stream);
}

int CudaSwinBlock::Matmul(const BlockWeights& w, GemmKind kind, const Shape& s, const void* b, float beta,
                          const void* c, void* d, cudaStream_t stream, char* msg, size_t size) {
  const cublasStatus_t st = LtMatmul(w, kind, s, s.algo[kind].algo, b, beta, c, d, stream);
  if (st != CUBLAS_STATUS_SUCCESS)
    return Fail(SWB_ERR_CUDA, msg, size, "swin_block: %s GEMM of %lld tokens: cuBLASLt %s", kGemmNames[kind],
                static_cast<long long>(s.tokens), cublasLtGetStatusString(st));
  return swb::Ok(msg, size);
}

// The chain attention kernel: big (qkv rows of 3Cp) -> win (rows of Cp), one block per window.
int CudaSwinBlock::Attention(const Shape& s, const BlockWeights& w, int shift, cudaStream_t stream, char* msg,
                             size_t size) {
  const unsigned int grid = static_cast<unsigned int>(s.batch * s.windows);
  const int N = static_cast<int>(N_), C = static_cast<int>(C_), Cp = static_cast<int>(Cp_),
            heads = static_cast<int>(heads_), H = static_cast<int>(s.height), W = static_cast<int>(s.width),
            ws = static_cast<int>(ws_);
  const auto* qkv = static_cast<const __half*>(s.big);
  const auto* bias = reinterpret_cast<const float4*>(w.attn_bias);
  auto* out = static_cast<__half*>(s.win);
  constexpr int threads = swb::block::kAttnWarps * 32;
  if (attn_dp_ == 16)
    swb::block::ChainAttentionKernel<16><<<grid, threads, attn_shared_, stream>>>(N, C, Cp, heads, H, W, ws, shift,
                                                                                  desc.scale, qkv, bias, out);
  else if (attn_dp_ == 32)
    swb::block::ChainAttentionKernel<32><<<grid, threads, attn_shared_, stream>>>(N, C, Cp, heads, H, W, ws, shift,
                                                                                  desc.scale, qkv, bias, out);
  else
    swb::block::ChainAttentionKernel<64><<<grid, threads, attn_shared_, stream>>>(N, C, Cp, heads, H, W, ws, shift,
                                                                                  desc.scale, qkv, bias, out);
  return swb::LaunchStatus("swin_block: window attention", msg, size);
}

// act (T, Cp) -> y (T, C) dense: the widest word (16, 8, 4 or 2 bytes) dividing a dense row's bytes and y's address
// alignment; row ranges of fewer than 2^30 words per launch keep the kernel's indices in 32 bits.
int CudaSwinBlock::Unpad(const Shape& s, void* y, cudaStream_t stream, char* msg, size_t size) {
  const int64_t row_bytes = C_ * static_cast<int64_t>(es_), src_row_bytes = Cp_ * static_cast<int64_t>(es_);
  int64_t word = 16;
  const int64_t y_align = AddressAlignment(y);
  while (word > 2 && (row_bytes % word != 0 || y_align < word)) word /= 2;
  const int64_t words_per_row = row_bytes / word, rows_per_launch = std::max<int64_t>(1, (int64_t{1} << 30) / words_per_row);
  for (int64_t r0 = 0; r0 < s.tokens; r0 += rows_per_launch) {
    const int64_t rows = std::min(rows_per_launch, s.tokens - r0);
    const char* src = static_cast<const char*>(s.act) + r0 * src_row_bytes;
    char* dst = static_cast<char*>(y) + r0 * row_bytes;
    const int total = static_cast<int>(rows * words_per_row), wpr = static_cast<int>(words_per_row);
    const unsigned int grid = swb::GridFor(total, 256);
    const int srb = static_cast<int>(src_row_bytes);
    switch (word) {
      case 16: UnpadRowsKernel<uint4><<<grid, 256, 0, stream>>>(src, srb, reinterpret_cast<uint4*>(dst), wpr, total); break;
      case 8: UnpadRowsKernel<uint2><<<grid, 256, 0, stream>>>(src, srb, reinterpret_cast<uint2*>(dst), wpr, total); break;
      case 4: UnpadRowsKernel<uint32_t><<<grid, 256, 0, stream>>>(src, srb, reinterpret_cast<uint32_t*>(dst), wpr, total); break;
      default: UnpadRowsKernel<uint16_t><<<grid, 256, 0, stream>>>(src, srb, reinterpret_cast<uint16_t*>(dst), wpr, total); break;
    }
    if (int rc = swb::LaunchStatus("swin_block: act -> y", msg, size); rc != SWB_OK) return rc;
  }
  return swb::Ok(msg, size);
}

// The depth blocks from x (dense rows of C) to y (dense rows of C); y may be x.
int CudaSwinBlock::Chain(Shape& s, const void* x, void* y, cudaStream_t stream, char* msg, size_t size) {
  const unsigned int windows = static_cast<unsigned int>(s.batch * s.windows);  // < 2^31: T < 2^31
  const int ws = static_cast<int>(ws_);
  // every row, pixel and column index of the row kernels fits in 32 bits: T < 2^31 (Run), C <= 4096
  const int rows = static_cast<int>(s.tokens), C = static_cast<int>(C_), Cp = static_cast<int>(Cp_);
  const int nvec = static_cast<int>(Cp_ / (desc.dtype == SWB_F32 ? swb::block::kVecElems<float>
                                                                  : swb::block::kVecElems<__half>));
  for (int64_t i = 0; i < desc.depth; ++i) {
    const BlockWeights& w = blocks_[static_cast<size_t>(i)];
    const bool first = i == 0;
    const void* in = first ? x : s.act;
    const int64_t in_stride = first ? C_ : Cp_, shift = shifts[static_cast<size_t>(i)];
    const swb::block::WindowRows m{static_cast<int>(s.height), static_cast<int>(s.width), ws, static_cast<int>(shift),
                                   static_cast<int>(s.width / ws_), static_cast<int>(s.windows), static_cast<int>(N_)};
    SWB_DISPATCH_FLOAT(
        desc.dtype, T,
        if (!swb::block::DispatchRowGroup(
                nvec, LnRowsLaunch<T>{m, rows, C, nvec, static_cast<const T*>(in), static_cast<int>(in_stride),
                                      w.ln1_w, w.ln1_b, desc.epsilon, static_cast<T*>(s.win), Cp, stream}))
            swb::LnRollPartitionKernel<kWarps, T, float><<<windows, kWarps * 32, 0, stream>>>(
                s.height, s.width, C_, ws, shift, static_cast<const T*>(in), in_stride, w.ln1_w, w.ln1_b,
                desc.epsilon, static_cast<T*>(s.win), Cp_));
    if (int rc = swb::LaunchStatus("swin_block: LN1 + partition", msg, size); rc != SWB_OK) return rc;

    if (int rc = Matmul(w, kQkv, s, s.win, 0.f, s.big, s.big, stream, msg, size); rc != SWB_OK) return rc;

    if (attn_dp_ > 0) {
      if (int rc = Attention(s, w, static_cast<int>(shift), stream, msg, size); rc != SWB_OK) return rc;
    } else {
      const float* mask = nullptr;
      if (shift > 0)
        mask = s.masks[static_cast<size_t>(std::find(mask_shifts_.begin(), mask_shifts_.end(), shift) -
                                           mask_shifts_.begin())];
      const swb_qkv_geometry qg{s.batch * s.windows, N_, C_, heads_, Cp_, Cp_};
      if (int rc = swb_window_attention_cuda(&qg, desc.scale, desc.dtype, s.big, w.attn_bias, mask, s.windows, s.win,
                                             stream, msg, size);
          rc != SWB_OK)
        return rc;
    }

    if (int rc = Matmul(w, kProj, s, s.win, 0.f, s.big, s.big, stream, msg, size); rc != SWB_OK) return rc;

    SWB_DISPATCH_FLOAT(
        desc.dtype, T,
        if (!swb::block::DispatchRowGroup(
                nvec, AddLnRowsLaunch<T>{m, rows, C, nvec, static_cast<const T*>(s.big), Cp,
                                         static_cast<const T*>(in), static_cast<int>(in_stride),
                                         static_cast<T*>(s.act), Cp, static_cast<T*>(s.win), Cp, w.ln2_w, w.ln2_b,
                                         desc.epsilon, stream}))
            ReverseAddLnKernel<T><<<windows, kWarps * 32, 0, stream>>>(
                s.height, s.width, C_, ws, shift, static_cast<const T*>(s.big), Cp_, static_cast<const T*>(in),
                in_stride, static_cast<T*>(s.act), Cp_, static_cast<T*>(s.win), Cp_, w.ln2_w, w.ln2_b,
                desc.epsilon));
    if (int rc = swb::LaunchStatus("swin_block: reverse + residual + LN2", msg, size); rc != SWB_OK) return rc;

    if (int rc = Matmul(w, kFc1, s, s.win, 0.f, s.big, s.big, stream, msg, size); rc != SWB_OK) return rc;
    if (desc.dtype == SWB_F32) {
      const int64_t n = s.tokens * Hp_;
      GeluErfKernel<<<swb::GridFor(n, 256), 256, 0, stream>>>(static_cast<float*>(s.big), n);
      if (int rc = swb::LaunchStatus("swin_block: GELU", msg, size); rc != SWB_OK) return rc;
    }

    if (int rc = Matmul(w, kFc2, s, s.big, 1.f, s.act, s.act, stream, msg, size); rc != SWB_OK) return rc;
  }
  return Unpad(s, y, stream, msg, size);
}

// Captures the chain on io into a graph of the shape (the own stream, thread-local capture mode; every allocation,
// mask and algorithm is ready before).
int CudaSwinBlock::Capture(Shape& s, char* msg, size_t size) {
  SWB_CUDA_TRY(cudaStreamBeginCapture(own_, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
  const int rc = Chain(s, s.io, s.io, own_, msg, size);
  cudaGraph_t graph = nullptr;
  const cudaError_t end = cudaStreamEndCapture(own_, &graph);
  if (rc != SWB_OK || end != cudaSuccess) {
    if (graph != nullptr) cudaGraphDestroy(graph);
    cudaGetLastError();
    if (rc != SWB_OK) return rc;
    return Fail(SWB_ERR_CUDA, msg, size, "swin_block: capturing the chain into a CUDA graph: %s",
                cudaGetErrorString(end));
  }
  const cudaError_t inst = cudaGraphInstantiateWithFlags(&s.exec, graph, 0);
  cudaGraphDestroy(graph);
  if (inst != cudaSuccess) {
    s.exec = nullptr;
    return Fail(SWB_ERR_CUDA, msg, size, "swin_block: cudaGraphInstantiate: %s", cudaGetErrorString(inst));
  }
  ++captured_;
  return swb::Ok(msg, size);
}

int CudaSwinBlock::Run(int64_t batch, int64_t height, int64_t width, const void* x, void* y, void* stream, char* msg,
                       size_t size) {
  int current = 0;
  SWB_CUDA_TRY(cudaGetDevice(&current), "cudaGetDevice");
  if (current != device_)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: the handle lives on device %d but device %d is current",
                device_, current);
  if (AddressAlignment(x) < es_ || AddressAlignment(y) < es_)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: x and y must be aligned to their %zu-byte elements", es_);
  if (batch * height * width > INT32_MAX)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: B*H*W = %lld tokens (CUDA: < 2^31)",
                static_cast<long long>(batch * height * width));

  Shape* s = nullptr;
  for (auto& candidate : shapes_)
    if (candidate->batch == batch && candidate->height == height && candidate->width == width) s = candidate.get();
  if (s == nullptr) {
    if (int rc = CreateShape(batch, height, width, &s, msg, size); rc != SWB_OK) return rc;
  }
  s->last_used = ++clock_;
  const cudaStream_t caller = swb::AsStream(stream);

  if (!graph_) {
    if (!s->masks_ready)
      if (int rc = BuildMasks(*s, caller, msg, size); rc != SWB_OK) return rc;
    if (int rc = Chain(*s, x, y, caller, msg, size); rc != SWB_OK) return rc;
    SWB_CUDA_TRY(cudaEventRecord(s->done, caller), "cudaEventRecord");
    return swb::Ok(msg, size);
  }

  // graph mode: the caller's stream -> own stream, x -> io, the chain on io, io -> y, own stream -> the caller's
  const size_t bytes = static_cast<size_t>(s->tokens * C_) * es_;
  SWB_CUDA_TRY(cudaEventRecord(in_ready_, caller), "cudaEventRecord");
  SWB_CUDA_TRY(cudaStreamWaitEvent(own_, in_ready_, 0), "cudaStreamWaitEvent");
  SWB_CUDA_TRY(cudaMemcpyAsync(s->io, x, bytes, cudaMemcpyDeviceToDevice, own_), "copying x in");
  if (s->exec == nullptr) {
    // The first run of the shape: a direct run gives this call's result (and loads every kernel before capture).
    if (!s->masks_ready)
      if (int rc = BuildMasks(*s, own_, msg, size); rc != SWB_OK) return rc;
    if (int rc = Chain(*s, s->io, s->io, own_, msg, size); rc != SWB_OK) return rc;
    if (int rc = Capture(*s, msg, size); rc != SWB_OK) return rc;
  } else {
    SWB_CUDA_TRY(cudaGraphLaunch(s->exec, own_), "cudaGraphLaunch");
    ++replays_;
  }
  SWB_CUDA_TRY(cudaMemcpyAsync(y, s->io, bytes, cudaMemcpyDeviceToDevice, own_), "copying y out");
  SWB_CUDA_TRY(cudaEventRecord(s->done, own_), "cudaEventRecord");
  SWB_CUDA_TRY(cudaStreamWaitEvent(caller, s->done, 0), "cudaStreamWaitEvent");
  return swb::Ok(msg, size);
}

int CudaSwinBlock::Trim(char* msg, size_t size) {
  DeviceScope scope(device_);
  for (auto& s : shapes_) DestroyShape(s.get());
  shapes_.clear();
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return Fail(SWB_ERR_CUDA, msg, size, "swin_block: trim: %s", cudaGetErrorString(e));
  return swb::Ok(msg, size);
}

void CudaSwinBlock::Stats(swb_swin_block_stats* out) const {
  out->on_cuda = 1;
  out->shapes = static_cast<int32_t>(shapes_.size());
  out->weight_bytes = static_cast<int64_t>(weight_bytes_);
  int64_t work = 0;
  for (const auto& s : shapes_) work += static_cast<int64_t>(s->bytes);
  out->workspace_bytes = work;
  out->graphs_captured = captured_;
  out->graph_replays = replays_;
}

}  // namespace

extern "C" int swb_swin_block_create_cuda(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks,
                                          void* stream, swb_swin_block** out, char* msg, size_t size) {
  if (out == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: out is null");
  *out = nullptr;
  if (int rc = swb::CheckSwinBlockCreate(d, blocks, 1, msg, size); rc != SWB_OK) return rc;
  std::unique_ptr<CudaSwinBlock> h(new (std::nothrow) CudaSwinBlock());
  if (!h) return Fail(SWB_ERR_CUDA, msg, size, "swin_block: out of host memory");
  if (int rc = h->Init(d, blocks, swb::AsStream(stream), msg, size); rc != SWB_OK) return rc;
  *out = h.release();
  return swb::Ok(msg, size);
}
