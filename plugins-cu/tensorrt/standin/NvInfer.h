// Stand-in declarations of the TensorRT 10 names that tensorrt/plugins.cpp and tensorrt/engine.cpp use, with the
// signatures of TensorRT 10.16's public headers, so that both compile where TensorRT is not installed (the
// swinbench_trt_check target). Declarations only, written for this check: not TensorRT's headers, never linked. A
// TensorRT name new to those files needs its declaration here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cuda_runtime_api.h"

#define NV_TENSORRT_MAJOR 10

namespace nvinfer1 {

using AsciiChar = char;

enum class DataType : int32_t { kFLOAT = 0, kHALF = 1 };
enum class TensorFormat : int32_t { kLINEAR = 0 };
enum class DimensionOperation : int32_t { kPROD = 1, kFLOOR_DIV = 7 };
enum class PluginFieldType : int32_t { kFLOAT32 = 1, kFLOAT64 = 2, kINT32 = 5, kUNKNOWN = 8, kINT64 = 10 };
enum class TensorRTPhase : int32_t { kBUILD = 0, kRUNTIME = 1 };
enum class PluginCapabilityType : int32_t { kCORE = 0, kBUILD = 1, kRUNTIME = 2 };
enum class TensorIOMode : int32_t { kNONE = 0, kINPUT = 1, kOUTPUT = 2 };
enum class OptProfileSelector : int32_t { kMIN = 0, kOPT = 1, kMAX = 2 };
enum class BuilderFlag : int32_t { kFP16 = 0 };
enum class MemoryPoolType : int32_t { kWORKSPACE = 0 };
enum class ExecutionContextAllocationStrategy : int32_t { kSTATIC = 0 };
using NetworkDefinitionCreationFlags = uint32_t;

class Dims64 {
 public:
  static constexpr int32_t MAX_DIMS{8};
  int32_t nbDims;
  int64_t d[MAX_DIMS];
};
using Dims = Dims64;

class Dims4 : public Dims {
 public:
  Dims4(int64_t d0, int64_t d1, int64_t d2, int64_t d3);
};

struct PluginTensorDesc {
  Dims dims;
  DataType type;
  TensorFormat format;
  float scale;
};

struct DynamicPluginTensorDesc {
  PluginTensorDesc desc;
  Dims min;
  Dims max;
  Dims opt;
};

class IDimensionExpr {
 protected:
  virtual ~IDimensionExpr() noexcept = default;
};

class IExprBuilder {
 public:
  IDimensionExpr const* constant(int64_t value) noexcept;
  IDimensionExpr const* operation(DimensionOperation op, IDimensionExpr const& first,
                                  IDimensionExpr const& second) noexcept;

 protected:
  virtual ~IExprBuilder() noexcept = default;
};

class DimsExprs {
 public:
  int32_t nbDims;
  IDimensionExpr const* d[Dims::MAX_DIMS];
};

class PluginField {
 public:
  AsciiChar const* name;
  void const* data;
  PluginFieldType type;
  int32_t length;
  PluginField(AsciiChar const* name_ = nullptr, void const* data_ = nullptr,
              PluginFieldType type_ = PluginFieldType::kUNKNOWN, int32_t length_ = 0) noexcept;
};

struct PluginFieldCollection {
  int32_t nbFields{};
  PluginField const* fields{};
};

// ---- plugins (IPluginV3) ----------------------------------------------------------------------------------------------
class IPluginCapability {
 public:
  virtual ~IPluginCapability() noexcept = default;
};

class IPluginResourceContext;

class IPluginV3 {
 public:
  virtual ~IPluginV3() noexcept = default;
  virtual IPluginCapability* getCapabilityInterface(PluginCapabilityType type) noexcept = 0;
  virtual IPluginV3* clone() noexcept = 0;
};

class IPluginV3OneCore : public IPluginCapability {
 public:
  virtual AsciiChar const* getPluginName() const noexcept = 0;
  virtual AsciiChar const* getPluginVersion() const noexcept = 0;
  virtual AsciiChar const* getPluginNamespace() const noexcept = 0;
};

class IPluginV3OneBuild : public IPluginCapability {
 public:
  virtual int32_t configurePlugin(DynamicPluginTensorDesc const* in, int32_t nbInputs, DynamicPluginTensorDesc const* out,
                                  int32_t nbOutputs) noexcept = 0;
  virtual int32_t getOutputDataTypes(DataType* outputTypes, int32_t nbOutputs, const DataType* inputTypes,
                                     int32_t nbInputs) const noexcept = 0;
  virtual int32_t getOutputShapes(DimsExprs const* inputs, int32_t nbInputs, DimsExprs const* shapeInputs,
                                  int32_t nbShapeInputs, DimsExprs* outputs, int32_t nbOutputs,
                                  IExprBuilder& exprBuilder) noexcept = 0;
  virtual bool supportsFormatCombination(int32_t pos, DynamicPluginTensorDesc const* inOut, int32_t nbInputs,
                                         int32_t nbOutputs) noexcept = 0;
  virtual int32_t getNbOutputs() const noexcept = 0;
  virtual size_t getWorkspaceSize(DynamicPluginTensorDesc const* inputs, int32_t nbInputs,
                                  DynamicPluginTensorDesc const* outputs, int32_t nbOutputs) const noexcept;
};

class IPluginV3OneRuntime : public IPluginCapability {
 public:
  virtual int32_t onShapeChange(PluginTensorDesc const* in, int32_t nbInputs, PluginTensorDesc const* out,
                                int32_t nbOutputs) noexcept = 0;
  virtual int32_t enqueue(PluginTensorDesc const* inputDesc, PluginTensorDesc const* outputDesc,
                          void const* const* inputs, void* const* outputs, void* workspace,
                          cudaStream_t stream) noexcept = 0;
  virtual IPluginV3* attachToContext(IPluginResourceContext* context) noexcept = 0;
  virtual PluginFieldCollection const* getFieldsToSerialize() noexcept = 0;
};

class IPluginCreatorInterface {
 public:
  virtual ~IPluginCreatorInterface() noexcept = default;
};

class IPluginCreatorV3One : public IPluginCreatorInterface {
 public:
  virtual IPluginV3* createPlugin(AsciiChar const* name, PluginFieldCollection const* fc,
                                  TensorRTPhase phase) noexcept = 0;
  virtual PluginFieldCollection const* getFieldNames() noexcept = 0;
  virtual AsciiChar const* getPluginName() const noexcept = 0;
  virtual AsciiChar const* getPluginVersion() const noexcept = 0;
  virtual AsciiChar const* getPluginNamespace() const noexcept = 0;
};

class IPluginRegistry {
 public:
  virtual bool registerCreator(IPluginCreatorInterface& creator, AsciiChar const* const pluginNamespace) noexcept = 0;

 protected:
  virtual ~IPluginRegistry() noexcept = default;
};

// ---- builder and runtime ----------------------------------------------------------------------------------------------
class ILogger {
 public:
  enum class Severity : int32_t { kINTERNAL_ERROR = 0, kERROR = 1, kWARNING = 2, kINFO = 3, kVERBOSE = 4 };
  virtual void log(Severity severity, AsciiChar const* msg) noexcept = 0;
  virtual ~ILogger() = default;
};

class IHostMemory {
 public:
  virtual ~IHostMemory() noexcept = default;
  void* data() const noexcept;
  std::size_t size() const noexcept;
};

class ITensor {
 public:
  Dims getDimensions() const noexcept;
  char const* getName() const noexcept;
};

class INetworkDefinition {
 public:
  virtual ~INetworkDefinition() noexcept = default;
  int32_t getNbInputs() const noexcept;
  ITensor* getInput(int32_t index) const noexcept;
};

class IOptimizationProfile {
 public:
  bool setDimensions(char const* inputName, OptProfileSelector select, Dims const& dims) noexcept;
};

class ITimingCache {
 public:
  virtual ~ITimingCache() noexcept = default;
  IHostMemory* serialize() const noexcept;
};

class IBuilderConfig {
 public:
  virtual ~IBuilderConfig() noexcept = default;
  void setFlag(BuilderFlag builderFlag) noexcept;
  void setMemoryPoolLimit(MemoryPoolType pool, std::size_t poolSize) noexcept;
  int32_t addOptimizationProfile(IOptimizationProfile const* profile) noexcept;
  ITimingCache* createTimingCache(void const* blob, std::size_t size) const noexcept;
  bool setTimingCache(ITimingCache const& cache, bool ignoreMismatch) noexcept;
  ITimingCache const* getTimingCache() const noexcept;
};

class IBuilder {
 public:
  virtual ~IBuilder() noexcept = default;
  INetworkDefinition* createNetworkV2(NetworkDefinitionCreationFlags flags) noexcept;
  IBuilderConfig* createBuilderConfig() noexcept;
  IOptimizationProfile* createOptimizationProfile() noexcept;
  IHostMemory* buildSerializedNetwork(INetworkDefinition& network, IBuilderConfig& config) noexcept;
};

class IExecutionContext {
 public:
  virtual ~IExecutionContext() noexcept = default;
  bool setInputShape(char const* tensorName, Dims const& dims) noexcept;
  Dims getTensorShape(char const* tensorName) const noexcept;
  bool setTensorAddress(char const* tensorName, void* data) noexcept;
  bool enqueueV3(cudaStream_t stream) noexcept;
};

class ICudaEngine {
 public:
  virtual ~ICudaEngine() noexcept = default;
  IExecutionContext* createExecutionContext(
      ExecutionContextAllocationStrategy strategy = ExecutionContextAllocationStrategy::kSTATIC) noexcept;
  int32_t getNbIOTensors() const noexcept;
  char const* getIOTensorName(int32_t index) const noexcept;
  int32_t getNbLayers() const noexcept;
  TensorIOMode getTensorIOMode(char const* tensorName) const noexcept;
  DataType getTensorDataType(char const* tensorName) const noexcept;
};

class IRuntime {
 public:
  virtual ~IRuntime() noexcept = default;
  ICudaEngine* deserializeCudaEngine(void const* blob, std::size_t size) noexcept;
};

IBuilder* createInferBuilder(ILogger& logger) noexcept;
IRuntime* createInferRuntime(ILogger& logger) noexcept;

}  // namespace nvinfer1

extern "C" int32_t getInferLibVersion() noexcept;
extern "C" nvinfer1::IPluginRegistry* getPluginRegistry() noexcept;
