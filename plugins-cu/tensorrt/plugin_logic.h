// The TensorRT plugins' logic that needs no TensorRT: the op contracts (common/op_contracts.h, shared with the ONNX
// Runtime ops), the attributes as plugin fields and their (de)serialization, and the engine cache file name. Built and
// tested everywhere (tests/test_trt_logic.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "op_contracts.h"

namespace swinbench::trt {

// The op contracts (common/op_contracts.h: names, arities, attributes, shapes, checks, dtypes), shared with the
// ONNX Runtime ops.
using contract::Attrs;
using contract::CheckAttrs;
using contract::CheckInputDims;
using contract::DType;
using contract::IntAlgebra;
using contract::kDomain;
using contract::kOps;
using contract::MaxInputs;
using contract::MinInputs;
using contract::NbOutputs;
using contract::Op;
using contract::OpFromName;
using contract::OpName;
using contract::OutputShapes;
using contract::OutputTypes;
using contract::SupportsType;
constexpr const char* kPluginVersion = "1";

// ---- attributes as plugin fields ----------------------------------------------------------------------------------------
// One attribute as a plugin field: what TensorRT's PluginField carries, without TensorRT's types.
enum class FieldType { Int32, Int64, Float32, Float64 };
struct Field {
  std::string name;
  FieldType type;
  const void* data;
  int32_t length;
};

// The attribute names of an op (contract::AttrSchema), in order, with the type the plugin writes them as (Int64 for
// ints, Float32 for floats).
std::vector<std::pair<std::string, FieldType>> FieldSchema(Op op);
// The attributes of op as fields pointing into attrs (valid while attrs lives).
std::vector<Field> ToFields(Op op, Attrs& attrs);
// Reads the fields of op (ints as Int32 or Int64, floats as Float32 or Float64, what the ONNX parser or a serialized
// engine gives) through contract::ReadAttrs (defaults, checks). False with a message when a required one is missing,
// of the wrong type, or invalid.
bool FromFields(Op op, const std::vector<Field>& fields, Attrs& attrs, std::string& error);

// ---- registration -----------------------------------------------------------------------------------------------------
// The plugin creators the library registers, (op, namespace): every op of the op table under "" (what the ONNX parser
// asks for) and under "swinbench" (the ONNX domain).
std::vector<std::pair<Op, std::string>> PluginRegistrations();

// ---- engine cache ----------------------------------------------------------------------------------------------------
// "<dir>/<stem>.<variant>.<gpu>.trt<version>.engine" beside the ONNX file, every part reduced to [A-Za-z0-9._-]
// ("NVIDIA H100 80GB HBM3" -> "NVIDIA-H100-80GB-HBM3"), e.g. "models/swinir_s_x2.fp16-h64-1024.NVIDIA-H100-80GB-HBM3.trt10.16.0.engine".
std::string EngineCacheFileName(const std::string& onnx_path, const std::string& gpu_name,
                                const std::string& trt_version, const std::string& variant);
std::string SanitizeName(const std::string& s);

}  // namespace swinbench::trt
