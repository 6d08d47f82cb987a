/*
 * swinbench_plugins.h: the one C ABI of the SwinBench kernels.
 *
 * Every kernel has a reference CPU entry point (swb_<op>_cpu, host pointers) and a CUDA entry point
 * (swb_<op>_cuda, device pointers, runs asynchronously on the given cudaStream_t passed as void*).
 * A build without CUDA, or a kernel whose CUDA version does not exist yet, still exports the CUDA entry point:
 * it returns SWB_ERR_NO_CUDA with a message. The thin front ends (TorchSharp P/Invoke, ONNX Runtime custom ops,
 * TensorRT plugins) call these functions and nothing else; no framework type crosses this header.
 *
 * Conventions
 *  - Tensors are dense, row-major (C order), of the dtype given (SWB_F16 = IEEE binary16 bits in uint16_t).
 *  - Every function returns an swb_status and, when msg is not NULL and msg_size > 0, writes a NUL-terminated
 *    message into msg (empty on success). Nothing throws across this boundary.
 *  - Sizes are int64_t; the geometry is checked before any memory is touched.
 *  - Row strides: a stride field of 0 means dense rows. A wider stride (>= the row's logical width) lays rows out
 *    with padding columns, e.g. 184 for C = 180, so that FP16 matrix products on those rows get 16-byte aligned
 *    leading dimensions (cuBLAS's tensor-core kernels). Kernels that write padded rows write the padding as zeros
 *    (the buffer is then a valid zero-padded GEMM operand); kernels that read them ignore it.
 */
#ifndef SWINBENCH_PLUGINS_H
#define SWINBENCH_PLUGINS_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define SWB_API __declspec(dllexport)
#else
#define SWB_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature or a struct below changes. 2: row strides (window_stride, part_stride, out_stride).
 * 3: the Swin block chain (swb_swin_block_*). 4: swb_roll_partition_* removed (ln_roll_partition covers its use). */
#define SWB_ABI_VERSION 4

typedef enum swb_dtype {
  SWB_F32 = 0, /* float */
  SWB_F16 = 1  /* IEEE binary16, stored as uint16_t bits */
} swb_dtype;

typedef enum swb_status {
  SWB_OK = 0,
  SWB_ERR_ARGUMENT = 1, /* a null pointer, an inconsistent size, an unsupported dtype */
  SWB_ERR_NO_CUDA = 2,  /* a CUDA entry point of a build (or kernel) without CUDA */
  SWB_ERR_CUDA = 3      /* a CUDA launch or runtime error; the message carries cudaGetErrorString */
} swb_status;

/*
 * A (B, H*W, C) token map of a padded H x W feature map, split into window_size x window_size windows after a
 * cyclic shift of shift_size. H and W are multiples of window_size; 0 <= shift_size < window_size.
 * nW = (H / ws) * (W / ws) windows per image, N = ws * ws tokens per window.
 */
typedef struct swb_window_geometry {
  int64_t batch;       /* B >= 1 (ignored by the window mask) */
  int64_t height;      /* H, a multiple of window_size */
  int64_t width;       /* W, a multiple of window_size */
  int64_t channels;    /* C >= 1 (ignored by the window mask) */
  int64_t window_size; /* ws >= 1 */
  int64_t shift_size;  /* 0 <= shift < ws */
  int64_t window_stride; /* elements between tokens of the windows tensor (B*nW, N, .): 0 = channels, else >= channels */
} swb_window_geometry;

/* The packed qkv projection of window attention: (B_, N, 3C), last dim laid out [3][heads][C / heads]. */
typedef struct swb_qkv_geometry {
  int64_t batch_windows; /* B_ = B * nW >= 1 */
  int64_t tokens;        /* N >= 1 */
  int64_t channels;      /* C, a multiple of heads */
  int64_t heads;         /* >= 1 */
  int64_t part_stride;   /* elements from q to k and k to v in a qkv row (rows of 3 * part_stride): 0 = C, else >= C */
  int64_t out_stride;    /* elements between rows of a (B_, N, .) output: 0 = C, else >= C */
} swb_qkv_geometry;

/* rows x cols, normalized over cols (the last dim). */
typedef struct swb_rows_geometry {
  int64_t rows; /* >= 0 */
  int64_t cols; /* >= 1 */
  int64_t out_stride; /* elements between rows of the output: 0 = cols, else >= cols */
} swb_rows_geometry;

/* "swinbench_plugins abi 4; cuda kernels: none" and the like. */
SWB_API const char* swb_build_info(void);

/* The ops of this library, by token, space-separated in op-table order: "window_mask reverse_roll_add ...". Op
 * "<token>" has the entry points swb_<token>_cpu and swb_<token>_cuda (swin_block: swb_swin_block_create_cpu/_cuda and
 * the handle functions below). */
SWB_API const char* swb_ops(void);

/* Checks a window geometry (what every window kernel checks first). mask_only: batch, channels and window_stride
 * are ignored. */
SWB_API int swb_window_geometry_check(const swb_window_geometry* g, int mask_only, char* msg, size_t msg_size);

/*
 * Window mask: the additive attention mask of a shifted block, (nW, N, N) of out_dtype.
 * Region id of pixel (y, x): 3 * r(y) + r(x), r(i) = 0 on [0, n-ws), 1 on [n-ws, n-shift), 2 on [n-shift, n).
 * mask[w][i][j] = 0 when tokens i and j of window w share a region id, else -100.
 */
SWB_API int swb_window_mask_cpu(const swb_window_geometry* g, swb_dtype out_dtype, void* mask, char* msg,
                                size_t msg_size);
SWB_API int swb_window_mask_cuda(const swb_window_geometry* g, swb_dtype out_dtype, void* mask, void* stream,
                                 char* msg, size_t msg_size);

/*
 * Window reverse + reverse roll + residual add: windows (B*nW, N, C), residual (B, H*W, C) -> y (B, H*W, C),
 * y = residual + roll(window_reverse(windows), shifts (+shift, +shift), dims (1, 2)).view(B, H*W, C); windows rows are
 * window_stride apart, residual and y are dense. With window_size 1 and shift 0 it is a plain residual add of a
 * (possibly padded) row tensor.
 * FP16 adds in float and rounds once. y may be residual itself (in place); it must not alias windows.
 */
SWB_API int swb_reverse_roll_add_cpu(const swb_window_geometry* g, swb_dtype dtype, const void* windows,
                                     const void* residual, void* y, char* msg, size_t msg_size);
SWB_API int swb_reverse_roll_add_cuda(const swb_window_geometry* g, swb_dtype dtype, const void* windows,
                                      const void* residual, void* y, void* stream, char* msg, size_t msg_size);

/*
 * qkv split with q scaling: qkv (B_, N, 3C) -> q, k, v each (B_, heads, N, C / heads), q = scale * q
 * (FP16: multiplied in float, rounded once). qkv parts are part_stride apart; the outputs are dense (out_stride must
 * be 0). Outputs must not alias the input or each other.
 */
SWB_API int swb_qkv_split_cpu(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv, void* q,
                              void* k, void* v, char* msg, size_t msg_size);
SWB_API int swb_qkv_split_cuda(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv, void* q,
                               void* k, void* v, void* stream, char* msg, size_t msg_size);

/*
 * LayerNorm over the last dim with float32 accumulation (two passes: mean, then the mean squared deviation):
 * y = (x - mean) / sqrt(var + epsilon) * weight + bias. x and y are dtype; weight and bias (cols) are param_dtype.
 * x is dense; y rows are out_stride apart. y may be x itself (in place) only with dense output rows.
 */
SWB_API int swb_layer_norm_fp32_cpu(const swb_rows_geometry* g, float epsilon, swb_dtype dtype,
                                    swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                    void* y, char* msg, size_t msg_size);
SWB_API int swb_layer_norm_fp32_cuda(const swb_rows_geometry* g, float epsilon, swb_dtype dtype,
                                     swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                     void* y, void* stream, char* msg, size_t msg_size);

/*
 * LayerNorm (float32 accumulation) fused with roll + window partition (the study's STReshapeRoll):
 * x (B, H*W, C) -> windows (B*nW, N, C), windows = window_partition(roll(layer_norm(x).view(B, H, W, C),
 * shifts (-shift, -shift), dims (1, 2))), rows window_stride apart. weight and bias (C) are param_dtype. windows must
 * not alias x.
 */
SWB_API int swb_ln_roll_partition_cpu(const swb_window_geometry* g, float epsilon, swb_dtype dtype,
                                      swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                      void* windows, char* msg, size_t msg_size);
SWB_API int swb_ln_roll_partition_cuda(const swb_window_geometry* g, float epsilon, swb_dtype dtype,
                                       swb_dtype param_dtype, const void* x, const void* weight, const void* bias,
                                       void* windows, void* stream, char* msg, size_t msg_size);

/*
 * Fused window attention from the packed qkv projection: qkv (B_, N, 3C) [3][heads][d] -> out (B_, N, C) [heads][d],
 * out = softmax(scale * q k^T + bias[h] + mask[b_ % num_windows]) v for every (window, head), softmax in float32.
 * bias: float32 (heads, N, N); mask: float32 (num_windows, N, N) or NULL (then num_windows is ignored).
 * qkv parts are part_stride apart (rows of 3 * part_stride); out rows are out_stride apart. FP16 with N <= 64 and
 * C / heads <= 64 runs on tensor cores (q k^T and P v in FP16 with float accumulation, P rounded to FP16 once).
 */
SWB_API int swb_window_attention_cpu(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv,
                                     const float* bias, const float* mask, int64_t num_windows, void* out, char* msg,
                                     size_t msg_size);
SWB_API int swb_window_attention_cuda(const swb_qkv_geometry* g, float scale, swb_dtype dtype, const void* qkv,
                                      const float* bias, const float* mask, int64_t num_windows, void* out,
                                      void* stream, char* msg, size_t msg_size);

/*
 * The Swin block chain: `depth` consecutive Swin Transformer blocks of one stage (official BasicLayer) as one call.
 * Each block: x += proj(window_attention(partition(roll(norm1(x))))) reversed and rolled back; x += fc2(gelu(fc1(norm2(x)))).
 * A handle is created once from the blocks' weights (it copies them; the caller's pointers are not kept) and run on
 * any (B, H, W) with H and W multiples of window_size. The CPU handle composes the reference kernels above with a
 * float-accumulating matrix product (exact erf GELU); the CUDA handle runs fused kernels and cuBLASLt GEMMs with
 * bias / bias+GELU / bias+residual epilogues on zero-padded rows of Align8(C) (FP16: tensor cores, FP32 accumulation);
 * the first run of a shape times cuBLASLt's candidate algorithms per GEMM and keeps the fastest (once per process and
 * GEMM problem; SWB_SWIN_BLOCK_GEMM_TUNE=0 in the environment at create: the heuristic's first, no timing).
 * Both hold every buffer they use: weights (from create to destroy), and per input shape the work buffers, the
 * shifted-window mask (where the attention reads one) and, with SWB_SWIN_BLOCK_CUDA_GRAPH, the captured CUDA graph (from the first run of that shape
 * to swb_swin_block_trim or destroy; at most SWB_SWIN_BLOCK_MAX_SHAPES shapes are kept, least recently used first out).
 * CUDA handle: without the graph flag a run queues its kernels on the caller's stream and reads x / writes y directly.
 * With it the handle owns a non-blocking stream and a dense (B, H*W, C) io buffer per shape: a run makes its stream
 * wait for the caller's, copies x into io, replays the shape's graph on io (the first run of a shape runs the chain
 * directly, then captures it; nothing else is allocated during capture), copies io to y and makes the caller's stream
 * wait for it. The captured graph refers only to handle-owned memory (weights, cuBLASLt workspace, the shape's
 * buffers), never to x or y. A handle runs one chain at a time: runs on different streams must be ordered by the
 * caller (or use one handle per stream).
 */
typedef struct swb_swin_block_weights {
  int64_t shift_size;       /* this block's cyclic shift: 0 <= shift < window_size (0: unshifted, no mask) */
  const void* norm1_weight; /* (C) param_dtype */
  const void* norm1_bias;   /* (C) */
  const void* qkv_weight;   /* (3C, C), rows [3][heads][C / heads] (the official nn.Linear layout) */
  const void* qkv_bias;     /* (3C) */
  const float* attn_bias;   /* (heads, N, N) float32: the relative position bias table gathered by the index */
  const void* proj_weight;  /* (C, C) */
  const void* proj_bias;    /* (C) */
  const void* norm2_weight; /* (C) */
  const void* norm2_bias;   /* (C) */
  const void* fc1_weight;   /* (hidden, C) */
  const void* fc1_bias;     /* (hidden) */
  const void* fc2_weight;   /* (C, hidden) */
  const void* fc2_bias;     /* (C) */
} swb_swin_block_weights;

/* flags of swb_swin_block_desc */
#define SWB_SWIN_BLOCK_CUDA_GRAPH 1 /* CUDA: capture the chain once per input shape into a CUDA graph, then replay it */
#define SWB_SWIN_BLOCK_MAX_SHAPES 4

typedef struct swb_swin_block_desc {
  int64_t channels;      /* C >= 1 */
  int64_t heads;         /* C % heads == 0 */
  int64_t hidden;        /* MLP width >= 1 (mlp_ratio * C) */
  int64_t window_size;   /* ws >= 1; N = ws * ws */
  int64_t depth;         /* number of blocks >= 1 (entries of the weights array) */
  float epsilon;         /* LayerNorm epsilon (SwinIR: 1e-5) */
  float scale;           /* attention scale (SwinIR: (C / heads)^-0.5) */
  swb_dtype dtype;       /* activations and matrix products: SWB_F32 or SWB_F16 */
  swb_dtype param_dtype; /* dtype of every weight pointer except attn_bias (float32) */
  int32_t flags;         /* SWB_SWIN_BLOCK_* */
} swb_swin_block_desc;

typedef struct swb_swin_block swb_swin_block; /* opaque handle */

/* What a handle holds, for tests and reports. */
typedef struct swb_swin_block_stats {
  int32_t on_cuda;         /* 1: a CUDA handle */
  int32_t shapes;          /* input shapes with buffers now */
  int64_t weight_bytes;    /* bytes of the weight copies */
  int64_t workspace_bytes; /* bytes of every shape's work buffers and masks (CUDA: not the fixed cuBLASLt workspace) */
  int64_t graphs_captured; /* CUDA graphs captured so far (one per shape, again after a trim) */
  int64_t graph_replays;   /* runs that replayed a captured graph */
} swb_swin_block_stats;

/* Checks a description (what create checks first): sizes, dtypes, flags (CUDA_GRAPH on the CPU is an error). */
SWB_API int swb_swin_block_desc_check(const swb_swin_block_desc* d, int on_cuda, char* msg, size_t msg_size);
/* Creates a handle from depth blocks of weights: host pointers for _cpu, device pointers of the current device for
 * _cuda (copied on stream, which the call synchronizes before returning). *out is NULL on failure. */
SWB_API int swb_swin_block_create_cpu(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks,
                                      swb_swin_block** out, char* msg, size_t msg_size);
SWB_API int swb_swin_block_create_cuda(const swb_swin_block_desc* d, const swb_swin_block_weights* blocks,
                                       void* stream, swb_swin_block** out, char* msg, size_t msg_size);
/* Runs the chain: x (B, H*W, C) dtype -> y (B, H*W, C); y may be x (in place), else they must not overlap. Host
 * pointers and stream ignored for a CPU handle; device pointers and work queued on stream for a CUDA handle (the
 * handle's device must be current; x and y aligned to their elements). H and W are multiples of window_size. */
SWB_API int swb_swin_block_run(swb_swin_block* h, int64_t batch, int64_t height, int64_t width, const void* x,
                               void* y, void* stream, char* msg, size_t msg_size);
/* Frees every per-shape buffer and graph (weights stay); waits for the handle's queued work first. */
SWB_API int swb_swin_block_trim(swb_swin_block* h, char* msg, size_t msg_size);
SWB_API int swb_swin_block_stats_get(const swb_swin_block* h, swb_swin_block_stats* out, char* msg, size_t msg_size);
/* Frees the handle and everything it holds (waits for its queued work). NULL is ignored. */
SWB_API void swb_swin_block_destroy(swb_swin_block* h);

#ifdef __cplusplus
}
#endif

#endif /* SWINBENCH_PLUGINS_H */
