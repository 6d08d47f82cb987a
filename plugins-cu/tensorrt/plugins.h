// The swinbench ops as TensorRT 10 plugins (IPluginV3: OneCore + OneBuild + OneRuntime): one class for every op of the
// op table, which only translates TensorRT's tensors and fields: the op's contract (common/op_contracts.h through
// plugin_logic.h) gives shapes, dtypes and checks, its shared launch (common/op_launch.h) runs it. The creators
// (IPluginCreatorV3One) are registered under the op names the ONNX emitter writes. A SwinBlock plugin keeps its
// swb_swin_block handle in its own ops::SwinBlockCache: made at its first enqueue from the weight inputs (device
// pointers of the engine's constants), made again when they move, never shared by clones (each execution context's
// plugin has its own), destroyed with the plugin. The ONNX parser looks a custom node up by (op_type,
// plugin_version "1", plugin_namespace ""), so every creator is registered twice: under "" (what the parser asks for)
// and under "swinbench" (the ONNX domain).
#pragma once

#include <string>
#include <vector>

#include "NvInfer.h"
#include "op_launch.h"
#include "plugin_logic.h"

namespace swinbench::trt {

class SwinPlugin final : public nvinfer1::IPluginV3,
                         public nvinfer1::IPluginV3OneCore,
                         public nvinfer1::IPluginV3OneBuild,
                         public nvinfer1::IPluginV3OneRuntime {
 public:
  SwinPlugin(Op op, const Attrs& attrs, std::string ns);
  ~SwinPlugin() override = default;
  SwinPlugin(const SwinPlugin&) = delete;
  SwinPlugin& operator=(const SwinPlugin&) = delete;

  // IPluginV3
  nvinfer1::IPluginCapability* getCapabilityInterface(nvinfer1::PluginCapabilityType type) noexcept override;
  nvinfer1::IPluginV3* clone() noexcept override;

  // IPluginV3OneCore
  const char* getPluginName() const noexcept override;
  const char* getPluginVersion() const noexcept override;
  const char* getPluginNamespace() const noexcept override;

  // IPluginV3OneBuild
  int32_t configurePlugin(const nvinfer1::DynamicPluginTensorDesc* in, int32_t nbInputs,
                          const nvinfer1::DynamicPluginTensorDesc* out, int32_t nbOutputs) noexcept override;
  int32_t getOutputDataTypes(nvinfer1::DataType* outputTypes, int32_t nbOutputs, const nvinfer1::DataType* inputTypes,
                             int32_t nbInputs) const noexcept override;
  int32_t getOutputShapes(const nvinfer1::DimsExprs* inputs, int32_t nbInputs, const nvinfer1::DimsExprs* shapeInputs,
                          int32_t nbShapeInputs, nvinfer1::DimsExprs* outputs, int32_t nbOutputs,
                          nvinfer1::IExprBuilder& exprBuilder) noexcept override;
  bool supportsFormatCombination(int32_t pos, const nvinfer1::DynamicPluginTensorDesc* inOut, int32_t nbInputs,
                                 int32_t nbOutputs) noexcept override;
  int32_t getNbOutputs() const noexcept override;
  size_t getWorkspaceSize(const nvinfer1::DynamicPluginTensorDesc* inputs, int32_t nbInputs,
                          const nvinfer1::DynamicPluginTensorDesc* outputs, int32_t nbOutputs) const noexcept override;

  // IPluginV3OneRuntime
  int32_t onShapeChange(const nvinfer1::PluginTensorDesc* in, int32_t nbInputs, const nvinfer1::PluginTensorDesc* out,
                        int32_t nbOutputs) noexcept override;
  int32_t enqueue(const nvinfer1::PluginTensorDesc* inputDesc, const nvinfer1::PluginTensorDesc* outputDesc,
                  const void* const* inputs, void* const* outputs, void* workspace, cudaStream_t stream) noexcept override;
  nvinfer1::IPluginV3* attachToContext(nvinfer1::IPluginResourceContext* context) noexcept override;
  const nvinfer1::PluginFieldCollection* getFieldsToSerialize() noexcept override;

 private:
  bool Arity(int32_t nbInputs, int32_t nbOutputs) const;  // the op's input and output counts (contract)

  Op op_;
  Attrs attrs_;
  std::string namespace_;
  int32_t nb_inputs_;  // inputs of the node (WindowAttention: 2 without a mask, 3 with one), from configure/onShapeChange
  std::vector<nvinfer1::PluginField> fields_;  // getFieldsToSerialize's storage (points into attrs_)
  nvinfer1::PluginFieldCollection collection_{};
  ops::SwinBlockCache cache_;  // SwinBlock: the handle of this plugin, made by enqueue
};

class SwinPluginCreator final : public nvinfer1::IPluginCreatorV3One {
 public:
  SwinPluginCreator(Op op, std::string ns);

  nvinfer1::IPluginV3* createPlugin(const char* name, const nvinfer1::PluginFieldCollection* fc,
                                    nvinfer1::TensorRTPhase phase) noexcept override;
  const nvinfer1::PluginFieldCollection* getFieldNames() noexcept override;
  const char* getPluginName() const noexcept override;
  const char* getPluginVersion() const noexcept override;
  const char* getPluginNamespace() const noexcept override;

 private:
  Op op_;
  std::string namespace_;
  std::vector<std::string> names_;
  std::vector<nvinfer1::PluginField> fields_;
  nvinfer1::PluginFieldCollection collection_{};
};

// A creator per PluginRegistrations() entry, built once and alive for the process.
std::vector<nvinfer1::IPluginCreatorInterface*>& Creators();

// Registers Creators() with TensorRT's global plugin registry (once; later calls return the first result).
bool RegisterPlugins(std::string& error);

// Where the plugins report errors (TensorRT's logger when the plugin library is loaded by TensorRT, else stderr).
void ReportError(const std::string& message);

}  // namespace swinbench::trt
