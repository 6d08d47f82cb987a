namespace SwinBench.Onnx;

/// <summary>ONNX tensor element types (the <c>TensorProto.DataType</c> numbers) that SwinBench graphs use.</summary>
public enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Float16 = 10,
    Double = 11,
}

/// <summary>One node attribute: an int, a float, a string, or a list of ints or floats.</summary>
public sealed record OnnxAttribute(string Name, object Value)
{
    public static OnnxAttribute Int(string name, long value) => new(name, value);
    public static OnnxAttribute Float(string name, float value) => new(name, value);
    public static OnnxAttribute String(string name, string value) => new(name, value);
    public static OnnxAttribute Ints(string name, params long[] value) => new(name, value);
    public static OnnxAttribute Floats(string name, params float[] value) => new(name, value);

    public long AsInt => (long)Value;
    public float AsFloat => (float)Value;
    public string AsString => (string)Value;
    public long[] AsInts => (long[])Value;

    public override string ToString() => Value switch
    {
        long[] ints => $"{Name}=[{string.Join(",", ints)}]",
        float[] floats => $"{Name}=[{string.Join(",", floats)}]",
        _ => $"{Name}={Value}",
    };
}

/// <summary>A graph node. <see cref="Domain"/> is empty for the standard ONNX operators.</summary>
public sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes)
{
    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    public override string ToString() =>
        $"{(Domain.Length > 0 ? Domain + "::" : "")}{OpType} {Name}({string.Join(", ", Inputs)}) -> {string.Join(", ", Outputs)}" +
        (Attributes.Count > 0 ? $" [{string.Join(" ", Attributes)}]" : "");
}

/// <summary>A constant tensor (an initializer): little-endian raw bytes of <see cref="DataType"/> elements.</summary>
public sealed record OnnxTensor(string Name, OnnxDataType DataType, long[] Dims, byte[] RawData)
{
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
}

/// <summary>One dimension of a graph input or output: a fixed size or a named symbolic one (<c>dim_param</c>).</summary>
public readonly record struct OnnxDim(long Value, string? Param)
{
    public static OnnxDim Fixed(long value) => new(value, null);
    public static OnnxDim Symbolic(string name) => new(0, name);
    public override string ToString() => Param ?? Value.ToString();
}

/// <summary>A typed graph input or output.</summary>
public sealed record OnnxValueInfo(string Name, OnnxDataType DataType, IReadOnlyList<OnnxDim> Shape);

/// <summary>An ONNX graph: nodes in topological order, initializers, inputs and outputs, and the element type of every value.</summary>
public sealed class OnnxGraph
{
    public required string Name { get; init; }
    public required IReadOnlyList<OnnxNode> Nodes { get; init; }
    public required IReadOnlyList<OnnxTensor> Initializers { get; init; }
    public required IReadOnlyList<OnnxValueInfo> Inputs { get; init; }
    public required IReadOnlyList<OnnxValueInfo> Outputs { get; init; }

    /// <summary>The element type of every named value (inputs, initializers and node outputs); not serialized.</summary>
    public required IReadOnlyDictionary<string, OnnxDataType> ValueTypes { get; init; }
}

/// <summary>An operator set the model imports: domain ("" = the standard ONNX operators) and version.</summary>
public sealed record OnnxOpset(string Domain, long Version);

/// <summary>An ONNX model (the parts of <c>ModelProto</c> SwinBench writes).</summary>
public sealed class OnnxModel
{
    public long IrVersion { get; init; } = 8;
    public required IReadOnlyList<OnnxOpset> Opsets { get; init; }
    public string ProducerName { get; init; } = "swinbench";
    public string ProducerVersion { get; init; } = "";
    public string DocString { get; init; } = "";
    public required IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; }
    public required OnnxGraph Graph { get; init; }

    public string? MetadataValue(string key) => Metadata.FirstOrDefault(kv => kv.Key == key).Value;
}
