#include "plugins.h"

#include <cstdio>
#include <memory>
#include <mutex>

#include "swinbench_plugins.h"

namespace swinbench::trt {

using namespace nvinfer1;

namespace {

DType ToDType(DataType t) {
  return t == DataType::kFLOAT ? DType::F32 : t == DataType::kHALF ? DType::F16 : DType::Other;
}

DataType FromDType(DType t) { return t == DType::F16 ? DataType::kHALF : DataType::kFLOAT; }

// The kernels' dtype of a TensorRT type; any other type is no swb_dtype, which the kernels reject.
swb_dtype KernelDType(DataType t) {
  return t == DataType::kFLOAT ? SWB_F32 : t == DataType::kHALF ? SWB_F16 : static_cast<swb_dtype>(-1);
}

std::vector<int64_t> ToVector(const Dims& d) { return std::vector<int64_t>(d.d, d.d + d.nbDims); }

// The output-shape algebra on TensorRT's symbolic dimensions.
struct ExprAlgebra {
  IExprBuilder& b;
  const IDimensionExpr* Const(int64_t v) const { return b.constant(v); }
  const IDimensionExpr* Mul(const IDimensionExpr* x, const IDimensionExpr* y) const {
    return b.operation(DimensionOperation::kPROD, *x, *y);
  }
  const IDimensionExpr* FloorDiv(const IDimensionExpr* x, const IDimensionExpr* y) const {
    return b.operation(DimensionOperation::kFLOOR_DIV, *x, *y);
  }
};

FieldType ToFieldType(PluginFieldType t, bool& ok) {
  ok = true;
  switch (t) {
    case PluginFieldType::kINT32: return FieldType::Int32;
    case PluginFieldType::kINT64: return FieldType::Int64;
    case PluginFieldType::kFLOAT32: return FieldType::Float32;
    case PluginFieldType::kFLOAT64: return FieldType::Float64;
    default: ok = false; return FieldType::Int64;
  }
}

PluginFieldType FromFieldType(FieldType t) {
  switch (t) {
    case FieldType::Int32: return PluginFieldType::kINT32;
    case FieldType::Int64: return PluginFieldType::kINT64;
    case FieldType::Float32: return PluginFieldType::kFLOAT32;
    case FieldType::Float64: return PluginFieldType::kFLOAT64;
  }
  return PluginFieldType::kUNKNOWN;
}

}  // namespace

void ReportError(const std::string& message) { std::fprintf(stderr, "swinbench tensorrt plugin: %s\n", message.c_str()); }

// ---- the plugin -------------------------------------------------------------------------------------------------------
SwinPlugin::SwinPlugin(Op op, const Attrs& attrs, std::string ns)
    : op_(op), attrs_(attrs), namespace_(std::move(ns)), nb_inputs_(MaxInputs(op)) {}

bool SwinPlugin::Arity(int32_t nbInputs, int32_t nbOutputs) const {
  return nbInputs >= MinInputs(op_) && nbInputs <= MaxInputs(op_) && nbOutputs == NbOutputs(op_);
}

IPluginCapability* SwinPlugin::getCapabilityInterface(PluginCapabilityType type) noexcept {
  switch (type) {
    case PluginCapabilityType::kBUILD: return static_cast<IPluginV3OneBuild*>(this);
    case PluginCapabilityType::kRUNTIME: return static_cast<IPluginV3OneRuntime*>(this);
    case PluginCapabilityType::kCORE: return static_cast<IPluginV3OneCore*>(this);
  }
  return nullptr;
}

IPluginV3* SwinPlugin::clone() noexcept {
  try {
    auto* copy = new SwinPlugin(op_, attrs_, namespace_);
    copy->nb_inputs_ = nb_inputs_;
    return copy;
  } catch (...) {
    return nullptr;
  }
}

const char* SwinPlugin::getPluginName() const noexcept { return OpName(op_); }
const char* SwinPlugin::getPluginVersion() const noexcept { return kPluginVersion; }
const char* SwinPlugin::getPluginNamespace() const noexcept { return namespace_.c_str(); }
int32_t SwinPlugin::getNbOutputs() const noexcept { return NbOutputs(op_); }

int32_t SwinPlugin::configurePlugin(const DynamicPluginTensorDesc*, int32_t nbInputs, const DynamicPluginTensorDesc*,
                                    int32_t nbOutputs) noexcept {
  if (!Arity(nbInputs, nbOutputs)) return -1;
  nb_inputs_ = nbInputs;
  return 0;
}

int32_t SwinPlugin::getOutputDataTypes(DataType* outputTypes, int32_t nbOutputs, const DataType* inputTypes,
                                       int32_t nbInputs) const noexcept {
  if (!Arity(nbInputs, nbOutputs)) return -1;
  std::vector<DType> in;
  for (int32_t i = 0; i < nbInputs; ++i) in.push_back(ToDType(inputTypes[i]));
  const auto out = OutputTypes(op_, in);
  for (int32_t i = 0; i < nbOutputs; ++i) outputTypes[i] = FromDType(out[i]);
  return 0;
}

int32_t SwinPlugin::getOutputShapes(const DimsExprs* inputs, int32_t nbInputs, const DimsExprs*, int32_t,
                                    DimsExprs* outputs, int32_t nbOutputs, IExprBuilder& exprBuilder) noexcept {
  try {
    std::vector<std::vector<const IDimensionExpr*>> in;
    for (int32_t i = 0; i < nbInputs; ++i) in.emplace_back(inputs[i].d, inputs[i].d + inputs[i].nbDims);
    std::vector<std::vector<const IDimensionExpr*>> out;
    ExprAlgebra alg{exprBuilder};
    if (!OutputShapes(op_, attrs_, in, out, alg) || static_cast<int32_t>(out.size()) != nbOutputs) {
      ReportError(std::string(OpName(op_)) + ": wrong number of inputs or wrong input ranks");
      return -1;
    }
    for (int32_t i = 0; i < nbOutputs; ++i) {
      outputs[i].nbDims = static_cast<int32_t>(out[i].size());
      for (size_t j = 0; j < out[i].size(); ++j) outputs[i].d[j] = out[i][j];
    }
    return 0;
  } catch (...) {
    return -1;
  }
}

bool SwinPlugin::supportsFormatCombination(int32_t pos, const DynamicPluginTensorDesc* inOut, int32_t nbInputs,
                                           int32_t nbOutputs) noexcept {
  if (pos < 0 || pos >= nbInputs + nbOutputs) return false;
  if (inOut[pos].desc.format != TensorFormat::kLINEAR) return false;
  std::vector<DType> earlier;
  for (int32_t i = 0; i < pos; ++i) earlier.push_back(ToDType(inOut[i].desc.type));
  return SupportsType(op_, nbInputs, pos, earlier, ToDType(inOut[pos].desc.type));
}

size_t SwinPlugin::getWorkspaceSize(const DynamicPluginTensorDesc*, int32_t, const DynamicPluginTensorDesc*,
                                    int32_t) const noexcept {
  return 0;
}

int32_t SwinPlugin::onShapeChange(const PluginTensorDesc* in, int32_t nbInputs, const PluginTensorDesc*,
                                  int32_t) noexcept {
  try {
    std::vector<std::vector<int64_t>> dims;
    for (int32_t i = 0; i < nbInputs; ++i) dims.push_back(ToVector(in[i].dims));
    std::string error;
    if (!CheckInputDims(op_, attrs_, dims, error)) {
      ReportError(error);
      return -1;
    }
    nb_inputs_ = nbInputs;
    return 0;
  } catch (...) {
    return -1;
  }
}

int32_t SwinPlugin::enqueue(const PluginTensorDesc* inputDesc, const PluginTensorDesc*, const void* const* inputs,
                            void* const* outputs, void*, cudaStream_t stream) noexcept {
  try {
    ops::Node node;  // dims checked by onShapeChange
    for (int32_t i = 0; i < nb_inputs_; ++i) {
      node.dims.push_back(ToVector(inputDesc[i].dims));
      node.inputs.push_back(inputs[i]);
      node.types.push_back(KernelDType(inputDesc[i].type));
    }
    node.outputs.assign(outputs, outputs + NbOutputs(op_));
    char msg[256] = "";
    if (ops::Launch(op_, attrs_, node, ops::Device::Cuda, stream, cache_, msg, sizeof msg) != SWB_OK) {
      ReportError(std::string(OpName(op_)) + ": " + msg);
      return -1;
    }
    return 0;
  } catch (...) {
    return -1;
  }
}

IPluginV3* SwinPlugin::attachToContext(IPluginResourceContext*) noexcept { return clone(); }

const PluginFieldCollection* SwinPlugin::getFieldsToSerialize() noexcept {
  fields_.clear();
  // the names come from the op's attribute schema (static strings), the values point into attrs_
  const auto& schema = contract::AttrSchema(op_);
  const auto fields = ToFields(op_, attrs_);
  for (size_t i = 0; i < fields.size(); ++i)
    fields_.emplace_back(schema[i].name, fields[i].data, FromFieldType(fields[i].type), fields[i].length);
  collection_.nbFields = static_cast<int32_t>(fields_.size());
  collection_.fields = fields_.data();
  return &collection_;
}

// ---- the creator ------------------------------------------------------------------------------------------------------
SwinPluginCreator::SwinPluginCreator(Op op, std::string ns) : op_(op), namespace_(std::move(ns)) {
  const auto schema = FieldSchema(op);
  for (const auto& [name, type] : schema) names_.push_back(name);
  for (size_t i = 0; i < schema.size(); ++i)
    fields_.emplace_back(names_[i].c_str(), nullptr, FromFieldType(schema[i].second), 1);
  collection_.nbFields = static_cast<int32_t>(fields_.size());
  collection_.fields = fields_.data();
}

IPluginV3* SwinPluginCreator::createPlugin(const char*, const PluginFieldCollection* fc, TensorRTPhase) noexcept {
  try {
    std::vector<Field> fields;
    for (int32_t i = 0; fc != nullptr && i < fc->nbFields; ++i) {
      const PluginField& f = fc->fields[i];
      bool ok = false;
      const FieldType type = ToFieldType(f.type, ok);
      if (ok && f.name != nullptr) fields.push_back({f.name, type, f.data, f.length});
    }
    Attrs attrs;
    std::string error;
    if (!FromFields(op_, fields, attrs, error)) {
      ReportError(error);
      return nullptr;
    }
    return new SwinPlugin(op_, attrs, namespace_);
  } catch (...) {
    return nullptr;
  }
}

const PluginFieldCollection* SwinPluginCreator::getFieldNames() noexcept { return &collection_; }
const char* SwinPluginCreator::getPluginName() const noexcept { return OpName(op_); }
const char* SwinPluginCreator::getPluginVersion() const noexcept { return kPluginVersion; }
const char* SwinPluginCreator::getPluginNamespace() const noexcept { return namespace_.c_str(); }

// ---- registration -----------------------------------------------------------------------------------------------------
std::vector<IPluginCreatorInterface*>& Creators() {
  static std::vector<std::unique_ptr<SwinPluginCreator>> owned = [] {
    std::vector<std::unique_ptr<SwinPluginCreator>> v;
    for (const auto& [op, ns] : PluginRegistrations()) v.push_back(std::make_unique<SwinPluginCreator>(op, ns));
    return v;
  }();
  static std::vector<IPluginCreatorInterface*> creators = [] {
    std::vector<IPluginCreatorInterface*> v;
    for (auto& c : owned) v.push_back(c.get());
    return v;
  }();
  return creators;
}

bool RegisterPlugins(std::string& error) {
  static std::once_flag once;
  static std::string first_error;
  std::call_once(once, [] {
    IPluginRegistry* registry = getPluginRegistry();
    if (registry == nullptr) {
      first_error = "TensorRT returned no plugin registry";
      return;
    }
    for (IPluginCreatorInterface* c : Creators()) {
      auto* creator = static_cast<SwinPluginCreator*>(c);
      if (!registry->registerCreator(*c, creator->getPluginNamespace()) && first_error.empty())
        first_error = std::string("could not register the plugin ") + creator->getPluginName() + " in namespace '" +
                      creator->getPluginNamespace() + "'";
    }
  });
  error = first_error;
  return first_error.empty();
}

}  // namespace swinbench::trt

// TensorRT's plugin-library entry points (trtexec --dynamicPlugins=libswinbench_trt.so, IPluginRegistry::loadLibrary).
extern "C" __attribute__((visibility("default"))) nvinfer1::IPluginCreatorInterface* const* getCreators(
    int32_t& nbCreators) {
  auto& creators = swinbench::trt::Creators();
  nbCreators = static_cast<int32_t>(creators.size());
  return creators.data();
}
