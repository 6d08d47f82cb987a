// The CUDA Swin block chain (swb_swin_block_create_cuda): `depth` pre-norm Swin blocks of one stage per call. This
// file is the chain itself: the handle (create, weight copies), the per-shape cache (buffers, masks, GEMM choices,
// LRU eviction), the block sequence and the CUDA graph capture. The GEMMs are in swin_gemm.cu, the other launches in
// swin_launch.cuh, the state in swin_block_cuda.h.
//
// Per block, on zero-padded rows of Cp = Align8(C) and Hp = Align8(hidden) (FP16 leading dimensions 16-byte aligned):
//   1. LN1 + roll + window partition: residual x -> win (T, Cp)        (kernel, swin_rows.cuh / swin_rows_v2.cuh)
//   2. qkv = win Wqkv^T + b -> big (T, 3Cp), q/k/v parts Cp apart                                 (cuBLASLt, BIAS)
//   3. window attention: big -> win (T, Cp)    (FP16, N <= 64, even head dim <= 64: swin_attention.cuh or
//      swin_attention_v2.cuh, the mask computed in the kernel; otherwise swb_window_attention_cuda with a mask tensor
//      per shift)
//   4. proj = win Wproj^T + b -> big (T, Cp), window order                                       (cuBLASLt, BIAS)
//   5. reverse + roll + residual add + LN2: act = x + proj (image order), win = LN2(act)
//                                                                       (kernel, swin_rows.cuh / swin_rows_v2.cuh)
//   6. fc1 = GELU(win W1^T + b) -> big (T, Hp)   (FP16: cuBLASLt GELU_BIAS; FP32: BIAS + exact-erf GELU kernel)
//   7. act += big W2^T + b                       (cuBLASLt BIAS, beta = 1, C = D = act)
// then, once per run, act (T, Cp) -> y (T, C) dense (a vectorized copy kernel).
// The residual stream between blocks lives in act (T, Cp), padded, so every GEMM operand and output is aligned (no
// cuBLASLt call has an unaligned leading dimension); the first block reads the dense input x directly. With
// SWB_SWIN_BLOCK_CUDA_GRAPH the chain of a shape is captured once into a CUDA graph on the handle's own stream and
// replayed on a handle-owned dense io buffer (x copied in, the result copied out). The kernel variants of steps 1, 3
// and 5 come from the environment at create (swin_block_options.h).
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "cuda_common.cuh"
#include "swin_block_cuda.h"
#include "swin_launch.cuh"

namespace swb::block {
namespace {

using swb::Align8;
using swb::Fail;

constexpr size_t kAlignBytes = 256;  // every sub-buffer starts 256-byte aligned (cuBLASLt's default)

size_t AlignUp(size_t n) { return (n + kAlignBytes - 1) / kAlignBytes * kAlignBytes; }

#define SWB_CUDA_TRY(call, what)                                                                              \
  do {                                                                                                         \
    const cudaError_t e_ = (call);                                                                             \
    if (e_ != cudaSuccess) return Fail(SWB_ERR_CUDA, msg, size, "swin_block: %s: %s", what, cudaGetErrorString(e_)); \
  } while (0)

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

}  // namespace

CudaSwinBlock::~CudaSwinBlock() {
  DeviceScope scope(device_);
  for (auto& s : shapes_) DestroyShape(s.get());
  shapes_.clear();
  if (own_ != nullptr) cudaStreamSynchronize(own_);
  gemms_.reset();
  if (weights_ != nullptr) cudaFree(weights_);
  if (in_ready_ != nullptr) cudaEventDestroy(in_ready_);
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
  if (int rc = ReadChainOptions(&options_, msg, size); rc != SWB_OK) return rc;
  SWB_CUDA_TRY(cudaGetDevice(&device_), "cudaGetDevice");

  // The attention kernel: FP16 with N <= 64, an even head dim <= 64 and the window's qkv fitting in shared memory
  // runs the chain's own kernel of the chosen variant (one block per window, all heads; no mask tensors); other FP16
  // cases with N <= 64 and head dim <= 64 run the public tensor-core kernel with static shared memory; every other
  // case runs the public scalar kernel, whose shared memory grows with N and must fit the device.
  const int64_t d_head = C_ / heads_;
  if (N_ > 1024)
    return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: window_size %lld gives %lld tokens per window (CUDA: <= 1024)",
                static_cast<long long>(ws_), static_cast<long long>(N_));
  int optin = 0;
  SWB_CUDA_TRY(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device_),
               "cudaDeviceGetAttribute");
  attn_ = PlanChainAttention(options_.attn, d->dtype, N_, C_, heads_, Cp_, optin);
  if (attn_.variant > 0) SWB_CUDA_TRY(ConfigureChainAttention(attn_), "cudaFuncSetAttribute (attention)");
  for (int64_t i = 0; i < d->depth; ++i) {
    shifts.push_back(blocks[i].shift_size);
    if (attn_.variant == 0 && blocks[i].shift_size > 0 &&
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

  gemms_ = std::make_unique<LtGemms>();
  if (int rc = gemms_->Init(device_, dt_, Cp_, Hp_, options_.gemm_tune, msg, size); rc != SWB_OK) return rc;
  for (const BlockWeights& w : blocks_) {
    const void* const bias[kGemmKinds] = {w.qkv_b, w.proj_b, w.fc1_b, w.fc2_b};
    if (int rc = gemms_->AddBlock(bias, d->dtype == SWB_F16, msg, size); rc != SWB_OK) return rc;
  }

  SWB_CUDA_TRY(cudaStreamCreateWithFlags(&own_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  if (graph_) SWB_CUDA_TRY(cudaEventCreateWithFlags(&in_ready_, cudaEventDisableTiming), "cudaEventCreateWithFlags");
  return swb::Ok(msg, size);
}

// Copies every block's weights into one allocation: converted to float32 (LayerNorm) or the run dtype (GEMMs),
// padded with zeros to Cp / 3Cp / Hp rows and columns (LayerNorm parameters to Cp), each tensor 256-byte aligned.
// Waits for the copies.
int CudaSwinBlock::CopyWeights(const swb_swin_block_weights* blocks, cudaStream_t stream, char* msg, size_t size) {
  const size_t f4 = sizeof(float);
  const size_t ln = AlignUp(Cp_ * f4);
  const size_t attn = AlignUp(heads_ * (attn_.variant > 0 ? kAttnBiasPerHead : N_ * N_) * f4);
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
  // dst (parts * rows_p, cols_p) in float32 (LayerNorm) or the run dtype from src (parts * rows, cols)
  auto copy = [&](const void* src, void* dst, bool to_float, int64_t parts, int64_t rows, int64_t rows_p,
                  int64_t cols, int64_t cols_p) {
    return LaunchPadCopy(desc.param_dtype, to_float || desc.dtype == SWB_F32, src, dst, parts, rows, rows_p, cols,
                         cols_p, stream);
  };
  // the attention bias: as given (heads, N, N), or arranged for the chain attention kernel's fragments
  auto arrange_bias = [&](const float* src, float* dst) {
    if (attn_.variant == 0) return cudaMemcpyAsync(dst, src, heads_ * N_ * N_ * f4, cudaMemcpyDeviceToDevice, stream);
    return LaunchArrangeAttnBias(src, static_cast<int>(N_), static_cast<int>(heads_), dst, stream);
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

// ---- the shape cache ------------------------------------------------------------------------------------------------

void CudaSwinBlock::DestroyShape(Shape* s) {
  if (s->done != nullptr) cudaEventSynchronize(s->done);
  if (s->exec != nullptr) cudaGraphExecDestroy(s->exec);
  LtGemms::DestroyShape(s->gemm);
  if (s->memory != nullptr) cudaFree(s->memory);
  if (s->done != nullptr) cudaEventDestroy(s->done);
  *s = Shape{};
}

void CudaSwinBlock::EvictLeastRecent() {
  auto oldest = std::min_element(shapes_.begin(), shapes_.end(),
                                 [](const auto& a, const auto& b) { return a->last_used < b->last_used; });
  if (oldest == shapes_.end()) return;
  DestroyShape(oldest->get());
  shapes_.erase(oldest);
}

// A new shape's buffers (act, win, big; io in graph mode; one mask per distinct shift for the public attention), its
// GEMM layouts and algorithms (timed on its own buffers on the own stream), and its event.
int CudaSwinBlock::CreateShape(int64_t batch, int64_t height, int64_t width, Shape** out, char* msg, size_t size) {
  if (static_cast<int64_t>(shapes_.size()) >= SWB_SWIN_BLOCK_MAX_SHAPES) EvictLeastRecent();
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
  const BlockWeights& w0 = blocks_[0];
  const GemmTimingOperands timing{{w0.qkv_w, w0.proj_w, w0.fc1_w, w0.fc2_w}, s->win, s->big, s->act,
                                  s->memory, s->bytes, &s->zeroed};
  int rc = gemms_->PrepareShape(s->gemm, s->tokens, timing, own_, swb::DTypeName(desc.dtype), msg, size);
  if (rc == SWB_OK) {
    e = cudaEventCreateWithFlags(&s->done, cudaEventDisableTiming);
    if (e != cudaSuccess)
      rc = Fail(SWB_ERR_CUDA, msg, size, "swin_block: cudaEventCreateWithFlags: %s", cudaGetErrorString(e));
  }
  if (rc != SWB_OK) {
    DestroyShape(s.get());
    return rc;
  }
  *out = s.get();
  shapes_.push_back(std::move(s));
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

// ---- the chain ------------------------------------------------------------------------------------------------------

// Step 3: big (qkv rows of 3Cp) -> win (rows of Cp): the chain's kernel, or the public one with a mask tensor.
int CudaSwinBlock::Attention(const Shape& s, const BlockWeights& w, int64_t shift, cudaStream_t stream, char* msg,
                             size_t size) {
  if (attn_.variant > 0) {
    const AttnStep a{static_cast<unsigned int>(s.batch * s.windows),
                     static_cast<int>(N_),
                     static_cast<int>(C_),
                     static_cast<int>(Cp_),
                     static_cast<int>(heads_),
                     static_cast<int>(s.height),
                     static_cast<int>(s.width),
                     static_cast<int>(ws_),
                     static_cast<int>(shift),
                     desc.scale};
    return LaunchChainAttention(attn_, a, s.big, w.attn_bias, s.win, stream, msg, size);
  }
  const float* mask = nullptr;
  if (shift > 0)
    mask = s.masks[static_cast<size_t>(std::find(mask_shifts_.begin(), mask_shifts_.end(), shift) -
                                       mask_shifts_.begin())];
  const swb_qkv_geometry qg{s.batch * s.windows, N_, C_, heads_, Cp_, Cp_};
  return swb_window_attention_cuda(&qg, desc.scale, desc.dtype, s.big, w.attn_bias, mask, s.windows, s.win, stream,
                                   msg, size);
}

// The depth blocks from x (dense rows of C) to y (dense rows of C); y may be x.
int CudaSwinBlock::Chain(Shape& s, const void* x, void* y, cudaStream_t stream, char* msg, size_t size) {
  const int ws = static_cast<int>(ws_);
  const GemmShape& g = s.gemm;
  for (int64_t i = 0; i < desc.depth; ++i) {
    const size_t b = static_cast<size_t>(i);
    const BlockWeights& w = blocks_[b];
    const bool first = i == 0;
    const void* in = first ? x : s.act;
    const int in_stride = static_cast<int>(first ? C_ : Cp_);
    const int64_t shift = shifts[b];
    // every row, pixel and column index of the row kernels fits in 32 bits: T < 2^31 (Run), C <= 4096
    const RowStep r{{static_cast<int>(s.height), static_cast<int>(s.width), ws, static_cast<int>(shift),
                     static_cast<int>(s.width / ws_), static_cast<int>(s.windows), static_cast<int>(N_)},
                    static_cast<int>(s.tokens),
                    static_cast<int>(C_),
                    static_cast<int>(Cp_)};
    if (int rc = LaunchLn1(options_.rows, desc.dtype, r, in, in_stride, w.ln1_w, w.ln1_b, desc.epsilon, s.win, stream,
                           msg, size);
        rc != SWB_OK)
      return rc;
    if (int rc = gemms_->Run(b, kQkv, g, w.qkv_w, s.win, 0.f, s.big, s.big, stream, msg, size); rc != SWB_OK)
      return rc;
    if (int rc = Attention(s, w, shift, stream, msg, size); rc != SWB_OK) return rc;
    if (int rc = gemms_->Run(b, kProj, g, w.proj_w, s.win, 0.f, s.big, s.big, stream, msg, size); rc != SWB_OK)
      return rc;
    if (int rc = LaunchAddLn2(options_.rows, desc.dtype, r, s.big, in, in_stride, s.act, s.win, w.ln2_w, w.ln2_b,
                              desc.epsilon, stream, msg, size);
        rc != SWB_OK)
      return rc;
    if (int rc = gemms_->Run(b, kFc1, g, w.fc1_w, s.win, 0.f, s.big, s.big, stream, msg, size); rc != SWB_OK)
      return rc;
    if (desc.dtype == SWB_F32)
      if (int rc = LaunchGeluErf(static_cast<float*>(s.big), s.tokens * Hp_, stream, msg, size); rc != SWB_OK)
        return rc;
    if (int rc = gemms_->Run(b, kFc2, g, w.fc2_w, s.big, 1.f, s.act, s.act, stream, msg, size); rc != SWB_OK)
      return rc;
  }
  return LaunchUnpad(s.act, s.tokens, C_, Cp_, es_, y, stream, msg, size);
}

// ---- runs and the CUDA graph ----------------------------------------------------------------------------------------

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

}  // namespace swb::block

extern "C" int swb_swin_block_create_cuda(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks,
                                          void* stream, swb_swin_block** out, char* msg, size_t size) {
  using swb::Fail;
  if (out == nullptr) return Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: out is null");
  *out = nullptr;
  if (int rc = swb::CheckSwinBlockCreate(d, blocks, 1, msg, size); rc != SWB_OK) return rc;
  std::unique_ptr<swb::block::CudaSwinBlock> h(new (std::nothrow) swb::block::CudaSwinBlock());
  if (!h) return Fail(SWB_ERR_CUDA, msg, size, "swin_block: out of host memory");
  if (int rc = h->Init(d, blocks, swb::AsStream(stream), msg, size); rc != SWB_OK) return rc;
  *out = h.release();
  return swb::Ok(msg, size);
}
