// The Swin block chain's cuBLASLt GEMMs and their algorithm cache (see swin_gemm.h).
#include "swin_gemm.h"

#include <mutex>

#include "status.h"

namespace swb::block {

const char* const kGemmNames[kGemmKinds] = {"qkv", "proj", "fc1", "fc2"};

namespace {

constexpr size_t kLtWorkspaceBytes = 32u << 20;  // cuBLASLt workspace per handle
constexpr int kTuneCandidates = 8, kTuneReps = 3;

#define SWB_GEMM_CUDA_TRY(call, what)                                                                             \
  do {                                                                                                             \
    const cudaError_t e_ = (call);                                                                                 \
    if (e_ != cudaSuccess) return Fail(SWB_ERR_CUDA, msg, size, "swin_block: %s: %s", what, cudaGetErrorString(e_)); \
  } while (0)

#define SWB_LT_TRY(call, what)                                                                                   \
  do {                                                                                                            \
    const cublasStatus_t s_ = (call);                                                                             \
    if (s_ != CUBLAS_STATUS_SUCCESS)                                                                              \
      return Fail(SWB_ERR_CUDA, msg, size, "swin_block: %s: cuBLASLt %s", what, cublasLtGetStatusString(s_));    \
  } while (0)

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

}  // namespace

LtGemms::~LtGemms() {
  for (auto& d : desc_)
    if (d != nullptr) cublasLtMatmulDescDestroy(d);
  for (auto& a : a_)
    if (a != nullptr) cublasLtMatrixLayoutDestroy(a);
  if (pref_ != nullptr) cublasLtMatmulPreferenceDestroy(pref_);
  if (lt_ != nullptr) cublasLtDestroy(lt_);
  if (workspace_ != nullptr) cudaFree(workspace_);
  if (start_ != nullptr) cudaEventDestroy(start_);
  if (stop_ != nullptr) cudaEventDestroy(stop_);
}

int LtGemms::Init(int device, cudaDataType_t dt, int64_t Cp, int64_t Hp, bool tune, char* msg, size_t size) {
  device_ = device;
  dt_ = dt;
  Cp_ = Cp;
  Hp_ = Hp;
  tune_ = tune;
  SWB_LT_TRY(cublasLtCreate(&lt_), "cublasLtCreate");
  SWB_GEMM_CUDA_TRY(cudaMalloc(&workspace_, kLtWorkspaceBytes), "cudaMalloc of the cuBLASLt workspace");
  SWB_LT_TRY(cublasLtMatmulPreferenceCreate(&pref_), "cublasLtMatmulPreferenceCreate");
  const uint64_t workspace = kLtWorkspaceBytes;
  SWB_LT_TRY(cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace,
                                                  sizeof workspace),
             "workspace preference");
  // stored weight matrices, column-major K x M with leading dimension K (padded)
  const struct {
    int64_t rows, cols, ld;
  } a[kGemmKinds] = {{Cp_, 3 * Cp_, Cp_}, {Cp_, Cp_, Cp_}, {Cp_, Hp_, Cp_}, {Hp_, Cp_, Hp_}};
  for (int k = 0; k < kGemmKinds; ++k)
    SWB_LT_TRY(cublasLtMatrixLayoutCreate(&a_[k], dt_, static_cast<uint64_t>(a[k].rows),
                                          static_cast<uint64_t>(a[k].cols), a[k].ld),
               "weight layout");
  SWB_GEMM_CUDA_TRY(cudaEventCreate(&start_), "cudaEventCreate");
  SWB_GEMM_CUDA_TRY(cudaEventCreate(&stop_), "cudaEventCreate");
  return Ok(msg, size);
}

int LtGemms::AddBlock(const void* const (&bias)[kGemmKinds], bool gelu_fc1, char* msg, size_t size) {
  const cublasOperation_t op_t = CUBLAS_OP_T, op_n = CUBLAS_OP_N;
  for (int k = kQkv; k < kGemmKinds; ++k) {
    cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_BIAS;
    if (k == kFc1 && gelu_fc1) epilogue = CUBLASLT_EPILOGUE_GELU_BIAS;
    desc_.push_back(nullptr);
    cublasLtMatmulDesc_t& d = desc_.back();
    SWB_LT_TRY(cublasLtMatmulDescCreate(&d, CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
    SWB_LT_TRY(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSA, &op_t, sizeof op_t), "matmul transa");
    SWB_LT_TRY(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSB, &op_n, sizeof op_n), "matmul transb");
    SWB_LT_TRY(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof epilogue),
               "matmul epilogue");
    SWB_LT_TRY(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias[k], sizeof bias[k]),
               "matmul bias pointer");
  }
  return Ok(msg, size);
}

void LtGemms::Layouts(const GemmShape& g, GemmKind kind, cublasLtMatrixLayout_t* a, cublasLtMatrixLayout_t* b,
                      cublasLtMatrixLayout_t* c, cublasLtMatrixLayout_t* d) const {
  *a = a_[kind];
  switch (kind) {
    case kQkv: *b = g.l_cp, *c = *d = g.l_3cp; break;
    case kProj: *b = g.l_cp, *c = *d = g.l_cp; break;
    case kFc1: *b = g.l_cp, *c = *d = g.l_hp; break;
    default: *b = g.l_hp, *c = *d = g.l_cp; break;
  }
}

int LtGemms::PrepareShape(GemmShape& g, int64_t tokens, const GemmTimingOperands& timing, cudaStream_t stream,
                          const char* dtype_name, char* msg, size_t size) {
  g.tokens = tokens;
  const uint64_t t = static_cast<uint64_t>(tokens), cp = static_cast<uint64_t>(Cp_), hp = static_cast<uint64_t>(Hp_);
  SWB_LT_TRY(cublasLtMatrixLayoutCreate(&g.l_cp, dt_, cp, t, Cp_), "activation layout");
  SWB_LT_TRY(cublasLtMatrixLayoutCreate(&g.l_3cp, dt_, 3 * cp, t, 3 * Cp_), "qkv layout");
  SWB_LT_TRY(cublasLtMatrixLayoutCreate(&g.l_hp, dt_, hp, t, Hp_), "hidden layout");
  for (int k = kQkv; k < kGemmKinds; ++k)
    if (int rc = Pick(g, static_cast<GemmKind>(k), timing, stream, dtype_name, msg, size); rc != SWB_OK) return rc;
  // the zeroing (and timing) on `stream` ends before a run writes the buffers on another stream
  if (*timing.zeroed) SWB_GEMM_CUDA_TRY(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return Ok(msg, size);
}

void LtGemms::DestroyShape(GemmShape& g) {
  for (cublasLtMatrixLayout_t l : {g.l_cp, g.l_3cp, g.l_hp})
    if (l != nullptr) cublasLtMatrixLayoutDestroy(l);
  g = GemmShape{};
}

cublasStatus_t LtGemms::Matmul(size_t block, GemmKind kind, const GemmShape& g, const cublasLtMatmulAlgo_t& algo,
                               const void* weight, const void* b, float beta, const void* c, void* d,
                               cudaStream_t stream) const {
  cublasLtMatrixLayout_t la, lb, lc, ld;
  Layouts(g, kind, &la, &lb, &lc, &ld);
  const float alpha = 1.f;
  return cublasLtMatmul(lt_, desc_[block * kGemmKinds + kind], &alpha, weight, la, b, lb, &beta, c, lc, d, ld, &algo,
                        workspace_, kLtWorkspaceBytes, stream);
}

int LtGemms::Run(size_t block, GemmKind kind, const GemmShape& g, const void* weight, const void* b, float beta,
                 const void* c, void* d, cudaStream_t stream, char* msg, size_t size) const {
  const cublasStatus_t st = Matmul(block, kind, g, g.algo[kind], weight, b, beta, c, d, stream);
  if (st != CUBLAS_STATUS_SUCCESS)
    return Fail(SWB_ERR_CUDA, msg, size, "swin_block: %s GEMM of %lld tokens: cuBLASLt %s", kGemmNames[kind],
                static_cast<long long>(g.tokens), cublasLtGetStatusString(st));
  return Ok(msg, size);
}

// The shape's algorithm for one GEMM: the process's earlier choice for the same problem, or the fastest of the
// heuristic's candidates timed on the shape's buffers (tuning off: the heuristic's first).
int LtGemms::Pick(GemmShape& g, GemmKind kind, const GemmTimingOperands& timing, cudaStream_t stream,
                  const char* dtype_name, char* msg, size_t size) {
  const TunedGemm problem{device_, dt_, kind, g.tokens, Cp_, Hp_, {}};
  std::unique_lock<std::mutex> lock(g_tuned_mutex, std::defer_lock);
  if (tune_) {
    lock.lock();  // held through the timing: one handle times a problem, the others wait for its choice
    for (const TunedGemm& t : g_tuned)
      if (t.Same(problem)) {
        g.algo[kind] = t.algo;
        return Ok(msg, size);
      }
  }
  cublasLtMatrixLayout_t a, b, c, d;
  Layouts(g, kind, &a, &b, &c, &d);
  cublasLtMatmulHeuristicResult_t result[kTuneCandidates] = {};
  int found = 0;
  const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(lt_, desc_[kind], a, b, c, d, pref_,
                                                           tune_ ? kTuneCandidates : 1, result, &found);
  int best = -1;
  for (int i = 0; st == CUBLAS_STATUS_SUCCESS && i < found && best < 0; ++i)
    if (result[i].state == CUBLAS_STATUS_SUCCESS) best = i;
  if (best < 0)
    return Fail(SWB_ERR_CUDA, msg, size, "swin_block: cuBLASLt has no algorithm for the %s GEMM of %lld tokens (%s): %s",
                kGemmNames[kind], static_cast<long long>(g.tokens), dtype_name,
                cublasLtGetStatusString(st != CUBLAS_STATUS_SUCCESS ? st : CUBLAS_STATUS_NOT_SUPPORTED));
  if (tune_ && found > 1) {
    if (!*timing.zeroed) {  // finite operands for the timing runs (the buffers are fresh allocations)
      SWB_GEMM_CUDA_TRY(cudaMemsetAsync(timing.memory, 0, timing.bytes, stream), "cudaMemsetAsync");
      *timing.zeroed = true;
    }
    float best_ms = 0.f;
    int timed = -1;
    for (int i = 0; i < found; ++i) {
      if (result[i].state != CUBLAS_STATUS_SUCCESS) continue;
      float ms = 0.f;
      if (int rc = Time(g, kind, result[i].algo, timing, stream, &ms, msg, size); rc != SWB_OK) return rc;
      if (ms >= 0.f && (timed < 0 || ms < best_ms)) timed = i, best_ms = ms;
    }
    if (timed >= 0) best = timed;
  }
  g.algo[kind] = result[best].algo;
  if (tune_ && g_tuned.size() < kMaxTunedGemms) {
    TunedGemm t = problem;
    t.algo = result[best].algo;
    g_tuned.push_back(t);
  }
  return Ok(msg, size);
}

// One candidate's time (ms) for kTuneReps runs on `stream` after one untimed run, with the chain's operands of the
// GEMM (block 0's weights); -1 when cuBLASLt refuses to run it.
int LtGemms::Time(GemmShape& g, GemmKind kind, const cublasLtMatmulAlgo_t& algo, const GemmTimingOperands& timing,
                  cudaStream_t stream, float* ms, char* msg, size_t size) {
  const void* b = kind == kFc2 ? timing.big : timing.win;
  void* cd = kind == kFc2 ? timing.act : timing.big;
  const float beta = kind == kFc2 ? 1.f : 0.f;
  const void* w = timing.weight[kind];
  *ms = -1.f;
  if (Matmul(0, kind, g, algo, w, b, beta, cd, cd, stream) != CUBLAS_STATUS_SUCCESS) return Ok(msg, size);
  SWB_GEMM_CUDA_TRY(cudaEventRecord(start_, stream), "cudaEventRecord");
  for (int r = 0; r < kTuneReps; ++r)
    if (Matmul(0, kind, g, algo, w, b, beta, cd, cd, stream) != CUBLAS_STATUS_SUCCESS) return Ok(msg, size);
  SWB_GEMM_CUDA_TRY(cudaEventRecord(stop_, stream), "cudaEventRecord");
  SWB_GEMM_CUDA_TRY(cudaEventSynchronize(stop_), "cudaEventSynchronize");
  SWB_GEMM_CUDA_TRY(cudaEventElapsedTime(ms, start_, stop_), "cudaEventElapsedTime");
  return Ok(msg, size);
}

}  // namespace swb::block
