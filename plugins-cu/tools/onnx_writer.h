// A minimal ONNX model writer for tests: the protobuf wire format of the few ModelProto fields a one-node model needs
// (field numbers from onnx/onnx.proto), so that the ONNX Runtime op tests need neither protobuf nor the onnx package.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace swbtool {

// One protobuf message being written.
class Proto {
 public:
  Proto& Varint(int field, uint64_t v) {
    Key(field, 0);
    PutVarint(v);
    return *this;
  }
  Proto& Float(int field, float v) {
    Key(field, 5);
    char b[4];
    std::memcpy(b, &v, 4);  // little-endian hosts only (x86-64, aarch64)
    buf_.append(b, 4);
    return *this;
  }
  Proto& Bytes(int field, const std::string& s) {
    Key(field, 2);
    PutVarint(s.size());
    buf_ += s;
    return *this;
  }
  Proto& Message(int field, const Proto& m) { return Bytes(field, m.buf_); }
  const std::string& Data() const { return buf_; }

 private:
  void Key(int field, int wire_type) { PutVarint((static_cast<uint64_t>(field) << 3) | wire_type); }
  void PutVarint(uint64_t v) {
    while (v >= 0x80) {
      buf_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    buf_ += static_cast<char>(v);
  }
  std::string buf_;
};

// ONNX TensorProto.DataType values.
constexpr int kFloat = 1;
constexpr int kFloat16 = 10;

struct ValueSpec {
  std::string name;
  int elem_type;
  std::vector<int64_t> dims;  // empty: no shape given
};

struct AttrValue {
  std::string name;
  bool is_float;
  int64_t i;
  float f;
};

inline Proto ValueInfo(const ValueSpec& v) {
  Proto tensor;  // TypeProto.Tensor: elem_type 1, shape 2
  tensor.Varint(1, static_cast<uint64_t>(v.elem_type));
  if (!v.dims.empty()) {
    Proto shape;  // TensorShapeProto: dim 1 (Dimension: dim_value 1)
    for (int64_t d : v.dims) shape.Message(1, Proto().Varint(1, static_cast<uint64_t>(d)));
    tensor.Message(2, shape);
  }
  Proto type;  // TypeProto: tensor_type 1
  type.Message(1, tensor);
  Proto info;  // ValueInfoProto: name 1, type 2
  info.Bytes(1, v.name).Message(2, type);
  return info;
}

// A model of one node op_type (domain) with graph inputs `inputs` (node inputs `node_inputs`, where "" is an absent
// optional input), outputs and attributes; opsets: "" 17 and domain 1.
inline std::string SingleNodeModel(const std::string& op_type, const std::string& domain,
                                   const std::vector<ValueSpec>& inputs, const std::vector<std::string>& node_inputs,
                                   const std::vector<ValueSpec>& outputs, const std::vector<AttrValue>& attrs) {
  Proto node;  // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7
  for (const auto& name : node_inputs) node.Bytes(1, name);
  for (const auto& o : outputs) node.Bytes(2, o.name);
  node.Bytes(3, "node").Bytes(4, op_type);
  for (const auto& a : attrs) {
    Proto attr;  // AttributeProto: name 1, f 2, i 3, type 20 (FLOAT 1, INT 2)
    attr.Bytes(1, a.name);
    if (a.is_float) attr.Float(2, a.f).Varint(20, 1);
    else attr.Varint(3, static_cast<uint64_t>(a.i)).Varint(20, 2);
    node.Message(5, attr);
  }
  node.Bytes(7, domain);
  Proto graph;  // GraphProto: node 1, name 2, input 11, output 12
  graph.Message(1, node).Bytes(2, "g");
  for (const auto& i : inputs) graph.Message(11, ValueInfo(i));
  for (const auto& o : outputs) graph.Message(12, ValueInfo(o));
  Proto model;  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (domain 1, version 2)
  model.Varint(1, 8).Bytes(2, "swinbench-test").Message(7, graph);
  model.Message(8, Proto().Bytes(1, "").Varint(2, 17));
  model.Message(8, Proto().Bytes(1, domain).Varint(2, 1));
  return model.Data();
}

}  // namespace swbtool
