using System.Text;

namespace SwinBench.Tests.Backends;

/// <summary>
/// Writes tiny ONNX models (protobuf ModelProto bytes) by hand for the backend tests: graph inputs and outputs with
/// fixed or symbolic dims, nodes of any domain with int/float attributes, float and int64 initializers. Opset 17 for
/// the default domain, version 1 for every other domain a node uses.
/// </summary>
internal sealed class OnnxTestModel
{
    public const int Float = 1, Int64 = 7, Float16 = 10; // TensorProto.DataType

    private readonly List<byte[]> _nodes = [], _inputs = [], _outputs = [], _initializers = [];
    private readonly SortedSet<string> _domains = [];

    /// <summary>A graph input; dims are long (fixed) or string (symbolic).</summary>
    public OnnxTestModel Input(string name, int elemType, params object[] dims)
    {
        _inputs.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    /// <summary>A graph output; no dims: shape left to inference.</summary>
    public OnnxTestModel Output(string name, int elemType, params object[] dims)
    {
        _outputs.Add(ValueInfo(name, elemType, dims.Length == 0 ? null : dims));
        return this;
    }

    /// <summary>A node; attributes are (name, long) or (name, float).</summary>
    public OnnxTestModel Node(string domain, string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var w = new Writer();
        foreach (var i in inputs) w.String(1, i);
        foreach (var o in outputs) w.String(2, o);
        w.String(3, $"{opType}_{_nodes.Count}");
        w.String(4, opType);
        foreach (var (name, value) in attributes) w.Message(5, Attribute(name, value));
        if (domain.Length > 0) w.String(7, domain);
        _nodes.Add(w.ToArray());
        if (domain.Length > 0) _domains.Add(domain);
        return this;
    }

    public OnnxTestModel Initializer(string name, long[] dims, long[] values)
    {
        var raw = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        _initializers.Add(Tensor(name, Int64, dims, raw));
        return this;
    }

    public OnnxTestModel Initializer(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        _initializers.Add(Tensor(name, Float, dims, raw));
        return this;
    }

    public byte[] ToBytes()
    {
        var graph = new Writer();
        foreach (var n in _nodes) graph.Message(1, n);
        graph.String(2, "swinbench_test");
        foreach (var t in _initializers) graph.Message(5, t);
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in _outputs) graph.Message(12, o);

        var model = new Writer();
        model.Varint(1, 8);                     // ir_version
        model.String(2, "swinbench-tests");     // producer_name
        model.Message(7, graph.ToArray());      // graph
        model.Message(8, Opset("", 17));        // opset_import
        foreach (var d in _domains) model.Message(8, Opset(d, 1));
        return model.ToArray();
    }

    private static byte[] Opset(string domain, long version)
    {
        var w = new Writer();
        if (domain.Length > 0) w.String(1, domain);
        w.Varint(2, (ulong)version);
        return w.ToArray();
    }

    private static byte[] Attribute(string name, object value)
    {
        var w = new Writer();
        w.String(1, name);
        switch (value)
        {
            case float f:
                w.Fixed32(2, BitConverter.SingleToUInt32Bits(f));
                w.Varint(20, 1); // AttributeType.FLOAT
                break;
            case long or int:
                w.Varint(3, (ulong)Convert.ToInt64(value));
                w.Varint(20, 2); // AttributeType.INT
                break;
            case long[] ints:
                foreach (var i in ints) w.Varint(8, (ulong)i);
                w.Varint(20, 7); // AttributeType.INTS
                break;
            default:
                throw new ArgumentException($"attribute {name}: unsupported value {value}");
        }
        return w.ToArray();
    }

    private static byte[] ValueInfo(string name, int elemType, object[]? dims)
    {
        var tensor = new Writer();
        tensor.Varint(1, (ulong)elemType);
        if (dims is not null)
        {
            var shape = new Writer();
            foreach (var d in dims)
            {
                var dim = new Writer();
                if (d is string symbol) dim.String(2, symbol);
                else dim.Varint(1, (ulong)Convert.ToInt64(d));
                shape.Message(1, dim.ToArray());
            }
            tensor.Message(2, shape.ToArray());
        }
        var type = new Writer();
        type.Message(1, tensor.ToArray());
        var info = new Writer();
        info.String(1, name);
        info.Message(2, type.ToArray());
        return info.ToArray();
    }

    private static byte[] Tensor(string name, int dataType, long[] dims, byte[] raw)
    {
        var w = new Writer();
        foreach (var d in dims) w.Varint(1, (ulong)d);
        w.Varint(2, (ulong)dataType);
        w.String(8, name);
        w.Bytes(9, raw);
        return w.ToArray();
    }

    /// <summary>Protobuf wire format: varint (0), fixed32 (5), length-delimited (2).</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _s = new();

        public void Varint(int field, ulong value)
        {
            Key(field, 0);
            Raw(value);
        }

        public void Fixed32(int field, uint value)
        {
            Key(field, 5);
            Span<byte> b = stackalloc byte[4];
            BitConverter.TryWriteBytes(b, value);
            _s.Write(b);
        }

        public void Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            _s.Write(value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public void Message(int field, byte[] message) => Bytes(field, message);
        public byte[] ToArray() => _s.ToArray();

        private void Key(int field, int wire) => Raw((ulong)((field << 3) | wire));

        private void Raw(ulong value)
        {
            do
            {
                var b = (byte)(value & 0x7f);
                value >>= 7;
                _s.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
            } while (value != 0);
        }
    }
}
