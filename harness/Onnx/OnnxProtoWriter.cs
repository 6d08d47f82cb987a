using Google.Protobuf;

namespace SwinBench.Onnx;

/// <summary>
/// Serializes an <see cref="OnnxModel"/> to the ONNX protobuf wire format (onnx.proto, proto2). Only the fields SwinBench
/// uses are written; field numbers are those of onnx.proto. Nested messages are written to their own buffer first and
/// then embedded as length-delimited fields. Repeated scalars in attributes are written unpacked (the proto2 default).
/// </summary>
public static class OnnxProtoWriter
{
    // ModelProto
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDocString = 6, ModelGraph = 7,
        ModelOpsetImport = 8, ModelMetadataProps = 14;
    // OperatorSetIdProto, StringStringEntryProto
    private const int OpsetDomain = 1, OpsetVersion = 2, EntryKey = 1, EntryValue = 2;
    // GraphProto
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    // AttributeProto
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrFloats = 7, AttrInts = 8, AttrType = 20;
    private const int AttrTypeFloat = 1, AttrTypeInt = 2, AttrTypeString = 3, AttrTypeFloats = 6, AttrTypeInts = 7;
    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private const int ValueInfoName = 1, ValueInfoType = 2, TypeTensorType = 1, TensorTypeElemType = 1, TensorTypeShape = 2,
        ShapeDim = 1, DimValue = 1, DimParam = 2;

    public static byte[] Serialize(OnnxModel model) => Message(o =>
    {
        WriteInt64(o, ModelIrVersion, model.IrVersion);
        WriteString(o, ModelProducerName, model.ProducerName);
        WriteString(o, ModelProducerVersion, model.ProducerVersion);
        if (model.DocString.Length > 0) WriteString(o, ModelDocString, model.DocString);
        WriteMessage(o, ModelGraph, Graph(model.Graph));
        foreach (var opset in model.Opsets)
            WriteMessage(o, ModelOpsetImport, Message(m =>
            {
                WriteString(m, OpsetDomain, opset.Domain);
                WriteInt64(m, OpsetVersion, opset.Version);
            }));
        foreach (var (key, value) in model.Metadata)
            WriteMessage(o, ModelMetadataProps, Message(m =>
            {
                WriteString(m, EntryKey, key);
                WriteString(m, EntryValue, value);
            }));
    });

    private static byte[] Graph(OnnxGraph graph) => Message(o =>
    {
        foreach (var node in graph.Nodes) WriteMessage(o, GraphNode, Node(node));
        WriteString(o, GraphName, graph.Name);
        foreach (var tensor in graph.Initializers) WriteMessage(o, GraphInitializer, Tensor(tensor));
        foreach (var input in graph.Inputs) WriteMessage(o, GraphInput, ValueInfo(input));
        foreach (var output in graph.Outputs) WriteMessage(o, GraphOutput, ValueInfo(output));
    });

    private static byte[] Node(OnnxNode node) => Message(o =>
    {
        foreach (var input in node.Inputs) WriteString(o, NodeInput, input);
        foreach (var output in node.Outputs) WriteString(o, NodeOutput, output);
        WriteString(o, NodeName, node.Name);
        WriteString(o, NodeOpType, node.OpType);
        foreach (var attribute in node.Attributes) WriteMessage(o, NodeAttribute, Attribute(attribute));
        if (node.Domain.Length > 0) WriteString(o, NodeDomain, node.Domain);
    });

    private static byte[] Attribute(OnnxAttribute attribute) => Message(o =>
    {
        WriteString(o, AttrName, attribute.Name);
        switch (attribute.Value)
        {
            case long i:
                o.WriteTag(AttrI, WireFormat.WireType.Varint);
                o.WriteInt64(i);
                WriteInt64(o, AttrType, AttrTypeInt);
                break;
            case float f:
                o.WriteTag(AttrF, WireFormat.WireType.Fixed32);
                o.WriteFloat(f);
                WriteInt64(o, AttrType, AttrTypeFloat);
                break;
            case string s:
                WriteString(o, AttrS, s);
                WriteInt64(o, AttrType, AttrTypeString);
                break;
            case long[] ints:
                foreach (var i in ints)
                {
                    o.WriteTag(AttrInts, WireFormat.WireType.Varint);
                    o.WriteInt64(i);
                }
                WriteInt64(o, AttrType, AttrTypeInts);
                break;
            case float[] floats:
                foreach (var f in floats)
                {
                    o.WriteTag(AttrFloats, WireFormat.WireType.Fixed32);
                    o.WriteFloat(f);
                }
                WriteInt64(o, AttrType, AttrTypeFloats);
                break;
            default:
                throw new ArgumentException($"attribute {attribute.Name}: unsupported value type {attribute.Value.GetType().Name}");
        }
    });

    private static byte[] Tensor(OnnxTensor tensor) => Message(o =>
    {
        foreach (var d in tensor.Dims) WriteInt64(o, TensorDims, d);
        WriteInt64(o, TensorDataType, (long)tensor.DataType);
        WriteString(o, TensorName, tensor.Name);
        o.WriteTag(TensorRawData, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(UnsafeByteOperations.UnsafeWrap(tensor.RawData));
    });

    private static byte[] ValueInfo(OnnxValueInfo info) => Message(o =>
    {
        WriteString(o, ValueInfoName, info.Name);
        var shape = Message(s =>
        {
            foreach (var dim in info.Shape)
                WriteMessage(s, ShapeDim, Message(d =>
                {
                    if (dim.Param is not null) WriteString(d, DimParam, dim.Param);
                    else WriteInt64(d, DimValue, dim.Value);
                }));
        });
        var tensorType = Message(t =>
        {
            WriteInt64(t, TensorTypeElemType, (long)info.DataType);
            WriteMessage(t, TensorTypeShape, shape);
        });
        WriteMessage(o, ValueInfoType, Message(t => WriteMessage(t, TypeTensorType, tensorType)));
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var o = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(o);
            o.Flush();
        }
        return buffer.ToArray();
    }

    private static void WriteMessage(CodedOutputStream o, int field, byte[] message)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(UnsafeByteOperations.UnsafeWrap(message));
    }

    private static void WriteString(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void WriteInt64(CodedOutputStream o, int field, long value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    }
}
