// The engine C API (swinbench_trt.h): ONNX -> TensorRT engine with the swinbench plugins, cached beside the ONNX file.
#include "swinbench_trt.h"

#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "NvInfer.h"
#include "NvOnnxParser.h"
#include "plugin_logic.h"
#include "plugins.h"

using namespace nvinfer1;

namespace {

int Fail(int status, const std::string& text, char* msg, size_t msg_size) {
  if (msg != nullptr && msg_size > 0) std::snprintf(msg, msg_size, "%s", text.c_str());
  return status;
}

int Ok(char* msg, size_t msg_size) { return Fail(SWBTRT_OK, "", msg, msg_size); }

int CudaFail(cudaError_t e, const std::string& what, char* msg, size_t msg_size) {
  return Fail(SWBTRT_ERR_CUDA, what + ": " + cudaGetErrorString(e), msg, msg_size);
}

// Keeps TensorRT's warnings and errors; the last error becomes the message of a failed call.
class Logger final : public ILogger {
 public:
  void log(Severity severity, const char* text) noexcept override {
    if (severity > Severity::kWARNING) return;
    std::fprintf(stderr, "tensorrt: %s\n", text);
    if (severity <= Severity::kERROR) last_error = text;
  }
  std::string last_error;
};

Logger& GlobalLogger() {
  static Logger logger;
  return logger;
}

std::string Version() {
  const int32_t v = getInferLibVersion();  // (major * 100 + minor) * 100 + patch
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

bool ReadFile(const std::string& path, std::vector<char>& data) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  data.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

bool WriteFile(const std::string& path, const void* data, size_t size) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) return false;
    f.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!f) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

std::string GpuName(int device) {
  cudaDeviceProp prop{};
  return cudaGetDeviceProperties(&prop, device) == cudaSuccess ? std::string(prop.name) : std::string("unknown-gpu");
}

Dims ToDims(const int64_t* d, int n) {
  Dims dims{};
  dims.nbDims = n;
  for (int i = 0; i < n; ++i) dims.d[i] = d[i];
  return dims;
}

}  // namespace

struct swbtrt_engine {
  std::unique_ptr<IRuntime> runtime;
  std::unique_ptr<ICudaEngine> engine;
  std::unique_ptr<IExecutionContext> context;
  std::string path;
  std::vector<std::string> io_names;
};

namespace {

// Parses the ONNX file and builds a serialized engine for the options' profile.
int Build(const char* onnx_path, const swbtrt_build_options& o, std::unique_ptr<IHostMemory>& plan, char* msg,
          size_t msg_size) {
  Logger& log = GlobalLogger();
  std::unique_ptr<IBuilder> builder(createInferBuilder(log));
  if (!builder) return Fail(SWBTRT_ERR_TENSORRT, "createInferBuilder failed: " + log.last_error, msg, msg_size);
  std::unique_ptr<INetworkDefinition> network(builder->createNetworkV2(0));
  std::unique_ptr<nvonnxparser::IParser> parser(nvonnxparser::createParser(*network, log));
  if (!network || !parser) return Fail(SWBTRT_ERR_TENSORRT, "could not create the network or the ONNX parser", msg, msg_size);
  if (!parser->parseFromFile(onnx_path, static_cast<int>(ILogger::Severity::kWARNING))) {
    std::string errors;
    for (int i = 0; i < parser->getNbErrors(); ++i) errors += std::string(i ? "; " : "") + parser->getError(i)->desc();
    return Fail(SWBTRT_ERR_TENSORRT, std::string("parsing ") + onnx_path + " failed: " + errors, msg, msg_size);
  }
  if (network->getNbInputs() != 1)
    return Fail(SWBTRT_ERR_ARGUMENT, "the model has " + std::to_string(network->getNbInputs()) + " inputs, expected 1",
                msg, msg_size);

  std::unique_ptr<IBuilderConfig> config(builder->createBuilderConfig());
  if (o.fp16) {
#if NV_TENSORRT_MAJOR < 11
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    config->setFlag(BuilderFlag::kFP16);  // deprecated in favor of strongly typed networks; the study's FP16 mode
#pragma GCC diagnostic pop
#else
    return Fail(SWBTRT_ERR_ARGUMENT, "TensorRT 11 has no FP16 builder flag: build from the FP16 ONNX export with fp16 = 0",
                msg, msg_size);
#endif
  }
  if (o.workspace_mb > 0) config->setMemoryPoolLimit(MemoryPoolType::kWORKSPACE, o.workspace_mb << 20);

  ITensor* input = network->getInput(0);
  const Dims declared = input->getDimensions();
  if (declared.nbDims != 4) return Fail(SWBTRT_ERR_ARGUMENT, "the model's input is not NCHW", msg, msg_size);
  const int64_t channels = declared.d[1] > 0 ? declared.d[1] : 3;
  IOptimizationProfile* profile = builder->createOptimizationProfile();
  const int64_t b = o.batch;
  profile->setDimensions(input->getName(), OptProfileSelector::kMIN, Dims4{b, channels, o.min_h, o.min_w});
  profile->setDimensions(input->getName(), OptProfileSelector::kOPT, Dims4{b, channels, o.opt_h, o.opt_w});
  profile->setDimensions(input->getName(), OptProfileSelector::kMAX, Dims4{b, channels, o.max_h, o.max_w});
  if (config->addOptimizationProfile(profile) < 0)
    return Fail(SWBTRT_ERR_ARGUMENT, "invalid optimization profile: " + log.last_error, msg, msg_size);

  std::unique_ptr<ITimingCache> cache;
  if (o.timing_cache != nullptr) {
    std::vector<char> blob;
    ReadFile(o.timing_cache, blob);  // absent: start empty
    cache.reset(config->createTimingCache(blob.data(), blob.size()));
    if (!cache || !config->setTimingCache(*cache, false))
      return Fail(SWBTRT_ERR_TENSORRT, std::string("could not use the timing cache ") + o.timing_cache, msg, msg_size);
  }

  plan.reset(builder->buildSerializedNetwork(*network, *config));
  if (!plan) return Fail(SWBTRT_ERR_TENSORRT, "building the engine failed: " + log.last_error, msg, msg_size);

  if (o.timing_cache != nullptr) {
    if (const ITimingCache* used = config->getTimingCache()) {
      std::unique_ptr<IHostMemory> blob(used->serialize());
      if (!blob || !WriteFile(o.timing_cache, blob->data(), blob->size()))
        return Fail(SWBTRT_ERR_IO, std::string("could not write the timing cache ") + o.timing_cache, msg, msg_size);
    }
  }
  return SWBTRT_OK;
}

}  // namespace

extern "C" {

const char* swbtrt_tensorrt_version(void) {
  static const std::string v = Version();
  return v.c_str();
}

int swbtrt_register_plugins(char* msg, size_t msg_size) {
  std::string error;
  return swinbench::trt::RegisterPlugins(error) ? Ok(msg, msg_size) : Fail(SWBTRT_ERR_TENSORRT, error, msg, msg_size);
}

int swbtrt_gpu_name(int device, char* name, size_t name_size, char* msg, size_t msg_size) {
  if (name == nullptr || name_size == 0) return Fail(SWBTRT_ERR_ARGUMENT, "name is null", msg, msg_size);
  cudaDeviceProp prop{};
  if (cudaError_t e = cudaGetDeviceProperties(&prop, device); e != cudaSuccess)
    return CudaFail(e, "cudaGetDeviceProperties", msg, msg_size);
  std::snprintf(name, name_size, "%s", prop.name);
  return Ok(msg, msg_size);
}

int swbtrt_engine_cache_path(const char* onnx_path, const char* gpu_name, const char* variant, char* path,
                             size_t path_size, char* msg, size_t msg_size) {
  if (onnx_path == nullptr || gpu_name == nullptr || path == nullptr)
    return Fail(SWBTRT_ERR_ARGUMENT, "onnx_path, gpu_name and path must not be null", msg, msg_size);
  const std::string p = swinbench::trt::EngineCacheFileName(onnx_path, gpu_name, swbtrt_tensorrt_version(),
                                                             variant != nullptr ? variant : "default");
  if (p.size() + 1 > path_size) return Fail(SWBTRT_ERR_ARGUMENT, "path buffer too small", msg, msg_size);
  std::snprintf(path, path_size, "%s", p.c_str());
  return Ok(msg, msg_size);
}

int swbtrt_engine_open(const char* onnx_path, const swbtrt_build_options* options, swbtrt_engine** engine, int* built,
                       char* msg, size_t msg_size) {
  if (onnx_path == nullptr || options == nullptr || engine == nullptr)
    return Fail(SWBTRT_ERR_ARGUMENT, "onnx_path, options and engine must not be null", msg, msg_size);
  *engine = nullptr;
  if (built != nullptr) *built = 0;
  const swbtrt_build_options& o = *options;
  if (o.batch < 1 || o.min_h < 1 || o.min_w < 1 || o.min_h > o.opt_h || o.opt_h > o.max_h || o.min_w > o.opt_w ||
      o.opt_w > o.max_w)
    return Fail(SWBTRT_ERR_ARGUMENT, "the profile needs batch >= 1 and 1 <= min <= opt <= max for H and W", msg, msg_size);
  try {
    if (int s = swbtrt_register_plugins(msg, msg_size); s != SWBTRT_OK) return s;
    if (cudaError_t e = cudaSetDevice(o.device); e != cudaSuccess) return CudaFail(e, "cudaSetDevice", msg, msg_size);
    const std::string path = swinbench::trt::EngineCacheFileName(onnx_path, GpuName(o.device), swbtrt_tensorrt_version(),
                                                                 o.variant != nullptr ? o.variant : "default");
    std::vector<char> plan;
    const bool cached = !o.rebuild && ReadFile(path, plan) && !plan.empty();
    if (!cached) {
      std::ifstream probe(onnx_path);
      if (!probe) return Fail(SWBTRT_ERR_IO, std::string("ONNX model not found: ") + onnx_path, msg, msg_size);
      std::unique_ptr<IHostMemory> serialized;
      if (int s = Build(onnx_path, o, serialized, msg, msg_size); s != SWBTRT_OK) return s;
      const auto* bytes = static_cast<const char*>(serialized->data());
      plan.assign(bytes, bytes + serialized->size());
      if (!WriteFile(path, plan.data(), plan.size()))
        return Fail(SWBTRT_ERR_IO, "could not write the engine to " + path, msg, msg_size);
      if (built != nullptr) *built = 1;
    }
    auto e = std::make_unique<swbtrt_engine>();
    e->path = path;
    e->runtime.reset(createInferRuntime(GlobalLogger()));
    if (!e->runtime) return Fail(SWBTRT_ERR_TENSORRT, "createInferRuntime failed", msg, msg_size);
    e->engine.reset(e->runtime->deserializeCudaEngine(plan.data(), plan.size()));
    if (!e->engine)
      return Fail(SWBTRT_ERR_TENSORRT, "could not deserialize " + path + ": " + GlobalLogger().last_error +
                                           " (delete it or pass rebuild = 1)", msg, msg_size);
    e->context.reset(e->engine->createExecutionContext());
    if (!e->context) return Fail(SWBTRT_ERR_TENSORRT, "createExecutionContext failed", msg, msg_size);
    for (int32_t i = 0; i < e->engine->getNbIOTensors(); ++i) e->io_names.emplace_back(e->engine->getIOTensorName(i));
    *engine = e.release();
    return Ok(msg, msg_size);
  } catch (const std::exception& ex) {
    return Fail(SWBTRT_ERR_TENSORRT, ex.what(), msg, msg_size);
  }
}

void swbtrt_engine_free(swbtrt_engine* engine) { delete engine; }

int swbtrt_engine_layer_count(const swbtrt_engine* engine, int64_t* layers, char* msg, size_t msg_size) {
  if (engine == nullptr || layers == nullptr) return Fail(SWBTRT_ERR_ARGUMENT, "null argument", msg, msg_size);
  *layers = engine->engine->getNbLayers();
  return Ok(msg, msg_size);
}

const char* swbtrt_engine_path(const swbtrt_engine* engine) { return engine != nullptr ? engine->path.c_str() : ""; }

int swbtrt_engine_io_count(const swbtrt_engine* engine) {
  return engine != nullptr ? static_cast<int>(engine->io_names.size()) : 0;
}

int swbtrt_engine_io(const swbtrt_engine* engine, int index, const char** name, int* is_input, int* dtype, char* msg,
                     size_t msg_size) {
  if (engine == nullptr || index < 0 || index >= static_cast<int>(engine->io_names.size()))
    return Fail(SWBTRT_ERR_ARGUMENT, "no such I/O tensor", msg, msg_size);
  const char* n = engine->io_names[index].c_str();
  if (name != nullptr) *name = n;
  if (is_input != nullptr) *is_input = engine->engine->getTensorIOMode(n) == TensorIOMode::kINPUT ? 1 : 0;
  if (dtype != nullptr) {
    const DataType t = engine->engine->getTensorDataType(n);
    *dtype = t == DataType::kFLOAT ? SWBTRT_F32 : t == DataType::kHALF ? SWBTRT_F16 : SWBTRT_OTHER;
  }
  return Ok(msg, msg_size);
}

int swbtrt_engine_set_input_shape(swbtrt_engine* engine, const char* name, const int64_t* dims, int nb_dims, char* msg,
                                  size_t msg_size) {
  if (engine == nullptr || name == nullptr || dims == nullptr || nb_dims < 0 || nb_dims > Dims::MAX_DIMS)
    return Fail(SWBTRT_ERR_ARGUMENT, "bad arguments", msg, msg_size);
  if (!engine->context->setInputShape(name, ToDims(dims, nb_dims)))
    return Fail(SWBTRT_ERR_ARGUMENT, std::string("shape rejected for ") + name + " (outside the profile?): " +
                                         GlobalLogger().last_error, msg, msg_size);
  return Ok(msg, msg_size);
}

int swbtrt_engine_tensor_shape(const swbtrt_engine* engine, const char* name, int64_t* dims, int max_dims, int* nb_dims,
                               char* msg, size_t msg_size) {
  if (engine == nullptr || name == nullptr || dims == nullptr || nb_dims == nullptr)
    return Fail(SWBTRT_ERR_ARGUMENT, "bad arguments", msg, msg_size);
  const Dims d = engine->context->getTensorShape(name);
  if (d.nbDims < 0 || d.nbDims > max_dims)
    return Fail(SWBTRT_ERR_ARGUMENT, std::string("no shape for ") + name, msg, msg_size);
  *nb_dims = d.nbDims;
  for (int i = 0; i < d.nbDims; ++i) dims[i] = d.d[i];
  return Ok(msg, msg_size);
}

int swbtrt_engine_run(swbtrt_engine* engine, void* const* buffers, int nb_buffers, void* stream, int synchronize,
                      char* msg, size_t msg_size) {
  if (engine == nullptr || buffers == nullptr || nb_buffers != static_cast<int>(engine->io_names.size()))
    return Fail(SWBTRT_ERR_ARGUMENT, "one device buffer per I/O tensor is needed", msg, msg_size);
  for (int i = 0; i < nb_buffers; ++i)
    if (!engine->context->setTensorAddress(engine->io_names[i].c_str(), buffers[i]))
      return Fail(SWBTRT_ERR_ARGUMENT, "setTensorAddress failed for " + engine->io_names[i], msg, msg_size);
  auto s = static_cast<cudaStream_t>(stream);
  if (!engine->context->enqueueV3(s))
    return Fail(SWBTRT_ERR_TENSORRT, "enqueueV3 failed: " + GlobalLogger().last_error, msg, msg_size);
  if (synchronize)
    if (cudaError_t e = cudaStreamSynchronize(s); e != cudaSuccess) return CudaFail(e, "cudaStreamSynchronize", msg, msg_size);
  return Ok(msg, msg_size);
}

int swbtrt_device_alloc(size_t bytes, void** ptr, char* msg, size_t msg_size) {
  if (ptr == nullptr) return Fail(SWBTRT_ERR_ARGUMENT, "ptr is null", msg, msg_size);
  if (cudaError_t e = cudaMalloc(ptr, bytes); e != cudaSuccess) return CudaFail(e, "cudaMalloc", msg, msg_size);
  return Ok(msg, msg_size);
}

int swbtrt_device_free(void* ptr) { return cudaFree(ptr) == cudaSuccess ? SWBTRT_OK : SWBTRT_ERR_CUDA; }

int swbtrt_copy_to_device(void* dst, const void* src, size_t bytes, char* msg, size_t msg_size) {
  if (cudaError_t e = cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice); e != cudaSuccess)
    return CudaFail(e, "cudaMemcpy to device", msg, msg_size);
  return Ok(msg, msg_size);
}

int swbtrt_copy_to_host(void* dst, const void* src, size_t bytes, char* msg, size_t msg_size) {
  if (cudaError_t e = cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost); e != cudaSuccess)
    return CudaFail(e, "cudaMemcpy to host", msg, msg_size);
  return Ok(msg, msg_size);
}

int swbtrt_device_memory_used(int device, size_t* used_bytes, char* msg, size_t msg_size) {
  if (used_bytes == nullptr) return Fail(SWBTRT_ERR_ARGUMENT, "used_bytes is null", msg, msg_size);
  if (cudaError_t e = cudaSetDevice(device); e != cudaSuccess) return CudaFail(e, "cudaSetDevice", msg, msg_size);
  size_t free_bytes = 0, total = 0;
  if (cudaError_t e = cudaMemGetInfo(&free_bytes, &total); e != cudaSuccess) return CudaFail(e, "cudaMemGetInfo", msg, msg_size);
  *used_bytes = total - free_bytes;
  return Ok(msg, msg_size);
}

}  // extern "C"
