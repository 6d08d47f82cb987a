using Google.Protobuf;
using Onnx;

namespace SwinBench.Tests.Backends;

/// <summary>
/// Builds tiny ONNX models (OnnxSharp's <see cref="ModelProto"/>, serialized) for the backend tests: graph inputs and
/// outputs with fixed or symbolic dims, nodes of any domain with int/float/ints attributes, float and int64
/// initializers. Opset 17 for the default domain, version 1 for every other domain a node uses.
/// </summary>
internal sealed class OnnxTestModel
{
    public const int Float = 1, Int64 = 7, Float16 = 10; // TensorProto.DataType

    private readonly GraphProto _graph = new() { Name = "swinbench_test" };
    private readonly SortedSet<string> _domains = [];

    /// <summary>A graph input; dims are long (fixed) or string (symbolic).</summary>
    public OnnxTestModel Input(string name, int elemType, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    /// <summary>A graph output; no dims: shape left to inference.</summary>
    public OnnxTestModel Output(string name, int elemType, params object[] dims)
    {
        _graph.Output.Add(ValueInfo(name, elemType, dims.Length == 0 ? null : dims));
        return this;
    }

    /// <summary>A node; attributes are (name, long), (name, float) or (name, long[]).</summary>
    public OnnxTestModel Node(string domain, string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { Name = $"{opType}_{_graph.Node.Count}", OpType = opType, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes.Select(a => Attribute(a.Name, a.Value)));
        _graph.Node.Add(node);
        if (domain.Length > 0) _domains.Add(domain);
        return this;
    }

    public OnnxTestModel Initializer(string name, long[] dims, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return this;
    }

    public OnnxTestModel Initializer(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return this;
    }

    public byte[] ToBytes()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "swinbench-tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.AddRange(_domains.Select(d => new OperatorSetIdProto { Domain = d, Version = 1 }));
        return model.ToByteArray();
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case float f:
                a.Type = AttributeProto.Types.AttributeType.Float;
                a.F = f;
                break;
            case long or int:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = Convert.ToInt64(value);
                break;
            case long[] ints:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.AddRange(ints);
                break;
            default:
                throw new ArgumentException($"attribute {name}: unsupported value {value}");
        }
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, int elemType, object[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = elemType };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in dims)
                tensor.Shape.Dim.Add(d is string symbol
                    ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                    : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
