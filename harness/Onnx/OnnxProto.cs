using Google.Protobuf;
using Onnx;

namespace SwinBench.Onnx;

/// <summary>
/// Converts an <see cref="OnnxModel"/> to OnnxSharp's generated ONNX messages (<see cref="ModelProto"/> and the messages
/// it holds), which serialize to the ONNX protobuf format. Initializer bytes are wrapped, not copied.
/// </summary>
public static class OnnxProto
{
    public static ModelProto ToProto(OnnxModel model)
    {
        var proto = new ModelProto
        {
            IrVersion = model.IrVersion,
            ProducerName = model.ProducerName,
            ProducerVersion = model.ProducerVersion,
            DocString = model.DocString,
            Graph = Graph(model.Graph),
        };
        proto.OpsetImport.AddRange(model.Opsets.Select(o => new OperatorSetIdProto { Domain = o.Domain, Version = o.Version }));
        proto.MetadataProps.AddRange(model.Metadata.Select(kv => new StringStringEntryProto { Key = kv.Key, Value = kv.Value }));
        return proto;
    }

    /// <summary>The serialized model (ONNX protobuf bytes).</summary>
    public static byte[] Serialize(OnnxModel model) => ToProto(model).ToByteArray();

    private static GraphProto Graph(OnnxGraph graph)
    {
        var proto = new GraphProto { Name = graph.Name };
        proto.Node.AddRange(graph.Nodes.Select(Node));
        proto.Initializer.AddRange(graph.Initializers.Select(Tensor));
        proto.Input.AddRange(graph.Inputs.Select(ValueInfo));
        proto.Output.AddRange(graph.Outputs.Select(ValueInfo));
        return proto;
    }

    private static NodeProto Node(OnnxNode node)
    {
        var proto = new NodeProto { Name = node.Name, OpType = node.OpType, Domain = node.Domain };
        proto.Input.AddRange(node.Inputs);
        proto.Output.AddRange(node.Outputs);
        proto.Attribute.AddRange(node.Attributes.Select(Attribute));
        return proto;
    }

    private static AttributeProto Attribute(OnnxAttribute attribute)
    {
        var proto = new AttributeProto { Name = attribute.Name };
        switch (attribute.Value)
        {
            case long i:
                proto.Type = AttributeProto.Types.AttributeType.Int;
                proto.I = i;
                break;
            case float f:
                proto.Type = AttributeProto.Types.AttributeType.Float;
                proto.F = f;
                break;
            case string s:
                proto.Type = AttributeProto.Types.AttributeType.String;
                proto.S = ByteString.CopyFromUtf8(s);
                break;
            case long[] ints:
                proto.Type = AttributeProto.Types.AttributeType.Ints;
                proto.Ints.AddRange(ints);
                break;
            case float[] floats:
                proto.Type = AttributeProto.Types.AttributeType.Floats;
                proto.Floats.AddRange(floats);
                break;
            default:
                throw new ArgumentException($"attribute {attribute.Name}: unsupported value type {attribute.Value.GetType().Name}");
        }
        return proto;
    }

    private static TensorProto Tensor(OnnxTensor tensor)
    {
        var proto = new TensorProto { Name = tensor.Name, DataType = (int)tensor.DataType, RawData = UnsafeByteOperations.UnsafeWrap(tensor.RawData) };
        proto.Dims.AddRange(tensor.Dims);
        return proto;
    }

    private static ValueInfoProto ValueInfo(OnnxValueInfo info)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(info.Shape.Select(d => d.Param is not null
            ? new TensorShapeProto.Types.Dimension { DimParam = d.Param }
            : new TensorShapeProto.Types.Dimension { DimValue = d.Value }));
        return new ValueInfoProto
        {
            Name = info.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)info.DataType, Shape = shape } },
        };
    }
}
