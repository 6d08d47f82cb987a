/*
 * swinbench_trt.h: the C API of libswinbench_trt.so, a TensorRT 10 engine over an ONNX file that may use the swinbench
 * custom ops (registered as TensorRT plugins by this library). Used by the C# TensorRT backend (P/Invoke).
 *
 * Conventions as in swinbench_plugins.h: every function returns an swbtrt_status and, when msg is not NULL and
 * msg_size > 0, writes a NUL-terminated message (empty on success); nothing throws across this boundary.
 * The model has one NCHW input whose H and W are dynamic; the optimization profile covers [min, max] of both.
 */
#ifndef SWINBENCH_TRT_H
#define SWINBENCH_TRT_H

#include <stddef.h>
#include <stdint.h>

#define SWBTRT_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

typedef enum swbtrt_status {
  SWBTRT_OK = 0,
  SWBTRT_ERR_ARGUMENT = 1, /* a null pointer, an unknown tensor, a shape outside the profile */
  SWBTRT_ERR_TENSORRT = 2, /* parsing, building, deserializing or running failed; the message says where */
  SWBTRT_ERR_CUDA = 3,     /* a CUDA runtime error */
  SWBTRT_ERR_IO = 4        /* the ONNX file, the engine cache or the timing cache could not be read or written */
} swbtrt_status;

typedef enum swbtrt_dtype { SWBTRT_F32 = 0, SWBTRT_F16 = 1, SWBTRT_OTHER = 2 } swbtrt_dtype;

typedef struct swbtrt_build_options {
  int fp16;                   /* 1: allow FP16 kernels (BuilderFlag::kFP16); 0: the ONNX types as they are */
  int64_t batch;              /* the profile's batch size (min = opt = max), >= 1 */
  int64_t min_h, min_w;       /* the profile's smallest input H, W (the dataset's smallest padded size) */
  int64_t opt_h, opt_w;       /* the size TensorRT tunes for */
  int64_t max_h, max_w;       /* the largest */
  const char* timing_cache;   /* a timing cache file, read when present and written back after a build; NULL: none */
  const char* variant;        /* names the engine in its cache file (e.g. "fp16-ops-h64-1024"); NULL: "default" */
  size_t workspace_mb;        /* the builder's workspace limit; 0: TensorRT's default */
  int device;                 /* the CUDA device */
  int rebuild;                /* 1: ignore an existing cached engine */
} swbtrt_build_options;

typedef struct swbtrt_engine swbtrt_engine;

/* "10.16.0", the TensorRT library this process loaded. */
SWBTRT_API const char* swbtrt_tensorrt_version(void);

/* Registers the swinbench plugin creators (once per process; engine_open does it too). */
SWBTRT_API int swbtrt_register_plugins(char* msg, size_t msg_size);

/* The name of CUDA device `device` ("NVIDIA H100 80GB HBM3"). */
SWBTRT_API int swbtrt_gpu_name(int device, char* name, size_t name_size, char* msg, size_t msg_size);

/* Where the engine of onnx_path for this GPU, TensorRT version and variant is cached (beside the ONNX file). */
SWBTRT_API int swbtrt_engine_cache_path(const char* onnx_path, const char* gpu_name, const char* variant, char* path,
                                        size_t path_size, char* msg, size_t msg_size);

/* Loads the cached engine of onnx_path (see swbtrt_engine_cache_path) or builds it from the ONNX file and saves it.
   *built is set to 1 when it was built now, 0 when loaded. */
SWBTRT_API int swbtrt_engine_open(const char* onnx_path, const swbtrt_build_options* options, swbtrt_engine** engine,
                                  int* built, char* msg, size_t msg_size);
SWBTRT_API void swbtrt_engine_free(swbtrt_engine* engine);

/* The engine's layer count (after TensorRT's fusions), and where it was cached. */
SWBTRT_API int swbtrt_engine_layer_count(const swbtrt_engine* engine, int64_t* layers, char* msg, size_t msg_size);
SWBTRT_API const char* swbtrt_engine_path(const swbtrt_engine* engine);

/* The I/O tensors: count, then for each index its name, whether it is an input, and its dtype. */
SWBTRT_API int swbtrt_engine_io_count(const swbtrt_engine* engine);
SWBTRT_API int swbtrt_engine_io(const swbtrt_engine* engine, int index, const char** name, int* is_input,
                                int* dtype, char* msg, size_t msg_size);

/* Sets an input's shape (inside the profile), then reads any tensor's shape (outputs: as inferred from the inputs). */
SWBTRT_API int swbtrt_engine_set_input_shape(swbtrt_engine* engine, const char* name, const int64_t* dims,
                                             int nb_dims, char* msg, size_t msg_size);
SWBTRT_API int swbtrt_engine_tensor_shape(const swbtrt_engine* engine, const char* name, int64_t* dims, int max_dims,
                                          int* nb_dims, char* msg, size_t msg_size);

/* Runs on device buffers, one per I/O tensor in swbtrt_engine_io order, enqueued on stream (a cudaStream_t or NULL),
   and waits for it when synchronize is 1. */
SWBTRT_API int swbtrt_engine_run(swbtrt_engine* engine, void* const* buffers, int nb_buffers, void* stream,
                                 int synchronize, char* msg, size_t msg_size);

/* Device memory and copies for callers without a CUDA binding of their own (the C# backend). */
SWBTRT_API int swbtrt_device_alloc(size_t bytes, void** ptr, char* msg, size_t msg_size);
SWBTRT_API int swbtrt_device_free(void* ptr);
SWBTRT_API int swbtrt_copy_to_device(void* dst, const void* src, size_t bytes, char* msg, size_t msg_size);
SWBTRT_API int swbtrt_copy_to_host(void* dst, const void* src, size_t bytes, char* msg, size_t msg_size);
SWBTRT_API int swbtrt_device_memory_used(int device, size_t* used_bytes, char* msg, size_t msg_size);

#ifdef __cplusplus
}
#endif

#endif /* SWINBENCH_TRT_H */
