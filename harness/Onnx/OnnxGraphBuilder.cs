using System.Globalization;
using System.Runtime.InteropServices;

namespace SwinBench.Onnx;

/// <summary>
/// Emits an ONNX graph node by node. Values are named strings; every value's element type is tracked, so helpers can
/// infer output types and the report can tell shape computation (int64 outputs) from tensor math. Node and value names
/// carry the current <see cref="Scope"/> (e.g. <c>layers.0.residual_group.blocks.1/attn/MatMul_2</c>), which keeps the
/// graph readable in a viewer. Small constants (shapes, axes, scalars) become initializers, shared by value.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>The domain of SwinBench's custom ops.</summary>
    public const string CustomDomain = "swinbench";

    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly Dictionary<string, OnnxDataType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly Stack<string> _scopes = new();

    public OnnxGraphBuilder(OnnxDataType activations)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian");
        Activations = activations;
    }

    /// <summary>The element type of activations and weights (float or float16).</summary>
    public OnnxDataType Activations { get; }

    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    public OnnxDataType TypeOf(string value) =>
        _types.TryGetValue(value, out var t) ? t : throw new InvalidOperationException($"unknown value '{value}'");

    // ---- structure ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Prefixes the names of the nodes emitted until the returned handle is disposed: nested in the current scope, or
    /// at the top level when <paramref name="root"/> (for values shared by the whole graph).
    /// </summary>
    public IDisposable Scope(string name, bool root = false)
    {
        _scopes.Push(_scopes.Count == 0 || root ? name : $"{_scopes.Peek()}/{name}");
        return new PopScope(_scopes);
    }

    private sealed class PopScope(Stack<string> scopes) : IDisposable
    {
        public void Dispose() => scopes.Pop();
    }

    public string Input(string name, OnnxDataType type, params OnnxDim[] shape)
    {
        Declare(name, type);
        _inputs.Add(new OnnxValueInfo(name, type, shape));
        return name;
    }

    /// <summary>
    /// Makes <paramref name="value"/> a graph output named <paramref name="name"/>: the producing node's output is renamed
    /// when nothing else reads it, otherwise an Identity node forwards it.
    /// </summary>
    public void Output(string value, string name, params OnnxDim[] shape)
    {
        if (value != name)
        {
            var producer = _nodes.FindIndex(n => n.Outputs.Contains(value));
            var consumed = _nodes.Any(n => n.Inputs.Contains(value)) || _outputs.Any(o => o.Name == value);
            if (producer >= 0 && !consumed)
            {
                var node = _nodes[producer];
                _nodes[producer] = node with { Outputs = node.Outputs.Select(o => o == value ? name : o).ToArray() };
                Declare(name, TypeOf(value));
                _types.Remove(value);
            }
            else Emit("Identity", [value], [name], [TypeOf(value)], "", []);
        }
        _outputs.Add(new OnnxValueInfo(name, TypeOf(name), shape));
    }

    public OnnxGraph Build(string name) => new()
    {
        Name = name,
        Nodes = _nodes.ToArray(),
        Initializers = _initializers.ToArray(),
        Inputs = _inputs.ToArray(),
        Outputs = _outputs.ToArray(),
        ValueTypes = new Dictionary<string, OnnxDataType>(_types),
    };

    // ---- initializers -------------------------------------------------------------------------------------------

    /// <summary>A named weight from float32 data, stored as the activation type.</summary>
    public string Weight(string name, float[] data, params long[] dims) => Tensor(name, Activations, data, dims);

    /// <summary>A named tensor from float32 data, stored as <paramref name="type"/> (float or float16).</summary>
    public string Tensor(string name, OnnxDataType type, float[] data, params long[] dims)
    {
        if (dims.Aggregate(1L, (a, d) => a * d) != data.Length)
            throw new ArgumentException($"{name}: {data.Length} values do not fill shape [{string.Join(", ", dims)}]");
        var raw = type switch
        {
            OnnxDataType.Float => MemoryMarshal.AsBytes(data.AsSpan()).ToArray(),
            OnnxDataType.Float16 => MemoryMarshal.AsBytes(Array.ConvertAll(data, v => (Half)v).AsSpan()).ToArray(),
            _ => throw new ArgumentException($"{name}: float data cannot be stored as {type}"),
        };
        return AddInitializer(new OnnxTensor(name, type, dims, raw));
    }

    /// <summary>A 1-D int64 constant (shapes, axes, pads), shared by value.</summary>
    public string Ints(params long[] values) =>
        Constant($"i64[{string.Join(",", values)}]", () => Int64Tensor(values, [values.Length]));

    /// <summary>A 0-D int64 constant.</summary>
    public string IntScalar(long value) => Constant($"i64({value})", () => Int64Tensor([value], []));

    /// <summary>A 0-D constant of <paramref name="type"/> (default: the activation type), shared by value.</summary>
    public string Scalar(float value, OnnxDataType? type = null)
    {
        var t = type ?? Activations;
        return Constant($"{(t == OnnxDataType.Float ? "f32" : "f16")}({value.ToString("R", CultureInfo.InvariantCulture)})",
            () => (t, [], t == OnnxDataType.Float ? BitConverter.GetBytes(value) : BitConverter.GetBytes((Half)value)));
    }

    private static (OnnxDataType, long[], byte[]) Int64Tensor(long[] values, long[] dims) =>
        (OnnxDataType.Int64, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private string Constant(string key, Func<(OnnxDataType Type, long[] Dims, byte[] Raw)> make)
    {
        if (_constants.TryGetValue(key, out var name)) return name;
        var (type, dims, raw) = make();
        name = AddInitializer(new OnnxTensor($"const.{key}", type, dims, raw));
        _constants[key] = name;
        return name;
    }

    private string AddInitializer(OnnxTensor tensor)
    {
        Declare(tensor.Name, tensor.DataType);
        _initializers.Add(tensor);
        return tensor.Name;
    }

    private void Declare(string name, OnnxDataType type)
    {
        if (!_types.TryAdd(name, type)) throw new InvalidOperationException($"value '{name}' is defined twice");
    }

    // ---- nodes --------------------------------------------------------------------------------------------------

    /// <summary>Emits a one-output node; the output type is <paramref name="outputType"/> or that of the first input.</summary>
    public string Node(string opType, string[] inputs, OnnxDataType? outputType = null, params OnnxAttribute[] attributes) =>
        NodeMulti(opType, "", inputs, [outputType ?? TypeOf(inputs[0])], attributes)[0];

    /// <summary>Emits a node with one output per entry of <paramref name="outputTypes"/>.</summary>
    public string[] NodeMulti(string opType, string domain, string[] inputs, OnnxDataType[] outputTypes, params OnnxAttribute[] attributes)
    {
        var name = NextName(opType);
        var outputs = outputTypes.Length == 1 ? [name] : outputTypes.Select((_, i) => $"{name}:{i}").ToArray();
        Emit(opType, inputs, outputs, outputTypes, domain, attributes, name);
        return outputs;
    }

    /// <summary>A node of the <c>swinbench</c> domain.</summary>
    public string[] Custom(string opType, string[] inputs, OnnxDataType[] outputTypes, params OnnxAttribute[] attributes) =>
        NodeMulti(opType, CustomDomain, inputs, outputTypes, attributes);

    private void Emit(string opType, string[] inputs, string[] outputs, OnnxDataType[] types, string domain, OnnxAttribute[] attributes,
        string? name = null)
    {
        foreach (var input in inputs)
            if (input.Length > 0 && !_types.ContainsKey(input))
                throw new InvalidOperationException($"{opType}: input '{input}' is not defined yet");
        for (var i = 0; i < outputs.Length; i++) Declare(outputs[i], types[i]);
        _nodes.Add(new OnnxNode(name ?? NextName(opType), opType, domain, inputs, outputs, attributes));
    }

    private string NextName(string opType)
    {
        var scope = _scopes.Count == 0 ? "" : _scopes.Peek() + "/";
        var key = scope + opType;
        _counters.TryGetValue(key, out var n);
        _counters[key] = n + 1;
        return n == 0 ? key : $"{key}_{n}";
    }

    // ---- standard operators (opset 17) ---------------------------------------------------------------------------

    public string Add(string a, string b) => Node("Add", [a, b]);
    public string Sub(string a, string b) => Node("Sub", [a, b]);
    public string Mul(string a, string b) => Node("Mul", [a, b]);
    public string Div(string a, string b) => Node("Div", [a, b]);
    public string Mod(string a, string b) => Node("Mod", [a, b]);
    public string Pow(string a, string b) => Node("Pow", [a, b]);
    public string Sqrt(string x) => Node("Sqrt", [x]);
    public string Neg(string x) => Node("Neg", [x]);
    public string Erf(string x) => Node("Erf", [x]);
    public string MatMul(string a, string b) => Node("MatMul", [a, b]);
    public string Equal(string a, string b) => Node("Equal", [a, b], OnnxDataType.Bool);
    public string GreaterOrEqual(string a, string b) => Node("GreaterOrEqual", [a, b], OnnxDataType.Bool);
    public string Where(string condition, string x, string y) => Node("Where", [condition, x, y], TypeOf(x));
    public string Cast(string x, OnnxDataType to) => Node("Cast", [x], to, OnnxAttribute.Int("to", (long)to));

    /// <summary>Cast only when the type differs.</summary>
    public string CastTo(string x, OnnxDataType to) => TypeOf(x) == to ? x : Cast(x, to);

    public string LeakyRelu(string x, float alpha) => Node("LeakyRelu", [x], null, OnnxAttribute.Float("alpha", alpha));
    public string Softmax(string x, long axis = -1) => Node("Softmax", [x], null, OnnxAttribute.Int("axis", axis));

    /// <summary>2-D convolution with a k×k kernel and symmetric zero padding.</summary>
    public string Conv(string x, string weight, string bias, long kernel, long pad) => Node("Conv", [x, weight, bias], null,
        OnnxAttribute.Ints("kernel_shape", kernel, kernel), OnnxAttribute.Ints("pads", pad, pad, pad, pad));

    public string Reshape(string x, string shape) => Node("Reshape", [x, shape]);
    public string Reshape(string x, params long[] shape) => Reshape(x, Ints(shape));
    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], null, OnnxAttribute.Ints("perm", perm));
    public string Unsqueeze(string x, params long[] axes) => Node("Unsqueeze", [x, Ints(axes)]);
    public string Concat(long axis, params string[] xs) => Node("Concat", xs, null, OnnxAttribute.Int("axis", axis));
    public string Tile(string x, string repeats) => Node("Tile", [x, repeats]);

    /// <summary>Splits x into <paramref name="parts"/> equal pieces along <paramref name="axis"/> (opset 13–17: the output count decides).</summary>
    public string[] Split(string x, int parts, long axis = 0) =>
        NodeMulti("Split", "", [x], Enumerable.Repeat(TypeOf(x), parts).ToArray(), OnnxAttribute.Int("axis", axis));
    public string Gather(string x, string indices, long axis = 0) => Node("Gather", [x, indices], null, OnnxAttribute.Int("axis", axis));

    /// <summary>Slice with constant starts/ends along <paramref name="axes"/>.</summary>
    public string Slice(string x, long[] starts, long[] ends, long[] axes) => Node("Slice", [x, Ints(starts), Ints(ends), Ints(axes)]);

    /// <summary>Slice with runtime starts/ends tensors.</summary>
    public string Slice(string x, string starts, string ends, long[] axes) => Node("Slice", [x, starts, ends, Ints(axes)]);

    /// <summary>The dims [start, end) of x's shape as a 1-D int64 tensor (one Shape node, opset 15+).</summary>
    public string Shape(string x, long start, long? end = null) => end is null
        ? Node("Shape", [x], OnnxDataType.Int64, OnnxAttribute.Int("start", start))
        : Node("Shape", [x], OnnxDataType.Int64, OnnxAttribute.Int("start", start), OnnxAttribute.Int("end", end.Value));

    /// <summary>Range(start, limit, delta) of 0-D int64 inputs.</summary>
    public string Range(string start, string limit, string delta) => Node("Range", [start, limit, delta]);

    public string ReduceSum(string x, long[] axes, bool keepDims) =>
        Node("ReduceSum", [x, Ints(axes)], null, OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>ReduceMean (opset 17: the axes are an attribute).</summary>
    public string ReduceMean(string x, long[] axes, bool keepDims) =>
        Node("ReduceMean", [x], null, OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    public string LayerNormalization(string x, string scale, string bias, float epsilon) => Node("LayerNormalization", [x, scale, bias], null,
        OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", epsilon));

    /// <summary>Pads the last two dims at their end by the runtime amounts in <paramref name="pads"/> (8 int64: begins then ends), reflecting.</summary>
    /// <summary>Zero padding (Pad, mode constant) with the 2·rank begin/end <paramref name="pads"/>.</summary>
    public string PadConstant(string x, string pads) => Node("Pad", [x, pads]);

    public string PadReflect(string x, string pads) => Node("Pad", [x, pads], null, OnnxAttribute.String("mode", "reflect"));

    /// <summary>PixelShuffle: DepthToSpace in CRD order (channel-major, as PyTorch's pixel_shuffle).</summary>
    public string PixelShuffle(string x, long factor) => Node("DepthToSpace", [x], null,
        OnnxAttribute.Int("blocksize", factor), OnnxAttribute.String("mode", "CRD"));

    /// <summary>Nearest-neighbour upsampling by an integer factor, as PyTorch's interpolate(mode='nearest', scale_factor).</summary>
    public string ResizeNearest(string x, float factor) => Node("Resize",
        [x, "", Constant($"f32[1,1,{factor},{factor}]", () => (OnnxDataType.Float, [4],
            MemoryMarshal.AsBytes(new float[] { 1, 1, factor, factor }.AsSpan()).ToArray()))],
        null,
        OnnxAttribute.String("mode", "nearest"), OnnxAttribute.String("nearest_mode", "floor"),
        OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"));
}
