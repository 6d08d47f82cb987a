using System.Text;

namespace SwinBench.Backends;

/// <summary>
/// Reads just enough of an ONNX model (a protobuf ModelProto) to list the ops of non-standard domains — the
/// <c>swinbench</c> custom ops — in the main graph and its subgraphs, so a session can say which op library it needs
/// before ONNX Runtime fails on it. Everything else (initializers included) is skipped by length.
/// </summary>
public static class OnnxGraphScan
{
    /// <summary>Domains ONNX Runtime implements itself.</summary>
    private static readonly HashSet<string> BuiltInDomains =
        ["", "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training", "com.microsoft", "com.microsoft.nchwc", "com.microsoft.mlfeaturizers"];

    /// <summary>The distinct (domain, op type) pairs of nodes outside the built-in domains, sorted.</summary>
    /// <exception cref="InvalidDataException">the bytes are not a well-formed protobuf message.</exception>
    public static IReadOnlyList<(string Domain, string OpType)> CustomOps(ReadOnlySpan<byte> model)
    {
        var found = new SortedSet<(string, string)>();
        try
        {
            var reader = new Reader(model);
            while (reader.Next(out var field, out var wire))
                if (field == 7 && wire == Reader.LengthDelimited) ScanGraph(reader.Bytes(), found); // ModelProto.graph
                else reader.Skip(wire);
        }
        catch (IndexOutOfRangeException) { throw new InvalidDataException("not an ONNX model: truncated protobuf"); }
        catch (ArgumentOutOfRangeException) { throw new InvalidDataException("not an ONNX model: truncated protobuf"); }
        return [.. found];
    }

    private static void ScanGraph(ReadOnlySpan<byte> graph, SortedSet<(string, string)> found)
    {
        var reader = new Reader(graph);
        while (reader.Next(out var field, out var wire))
            if (field == 1 && wire == Reader.LengthDelimited) ScanNode(reader.Bytes(), found); // GraphProto.node
            else reader.Skip(wire);
    }

    private static void ScanNode(ReadOnlySpan<byte> node, SortedSet<(string, string)> found)
    {
        string opType = "", domain = "";
        var reader = new Reader(node);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (4, Reader.LengthDelimited): opType = reader.String(); break;  // NodeProto.op_type
                case (7, Reader.LengthDelimited): domain = reader.String(); break;  // NodeProto.domain
                case (5, Reader.LengthDelimited): ScanAttribute(reader.Bytes(), found); break; // NodeProto.attribute
                default: reader.Skip(wire); break;
            }
        }
        if (!BuiltInDomains.Contains(domain)) found.Add((domain, opType));
    }

    private static void ScanAttribute(ReadOnlySpan<byte> attribute, SortedSet<(string, string)> found)
    {
        var reader = new Reader(attribute);
        while (reader.Next(out var field, out var wire))
            if ((field == 6 || field == 11) && wire == Reader.LengthDelimited) ScanGraph(reader.Bytes(), found); // g, graphs
            else reader.Skip(wire);
    }

    /// <summary>A forward-only protobuf wire-format reader over a span.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public bool Next(out int field, out int wire)
        {
            if (_pos >= _data.Length) { field = wire = 0; return false; }
            var key = ReadVarint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            if (field == 0) throw new InvalidDataException("not an ONNX model: protobuf field number 0");
            return true;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = ReadVarint();
            if (length > (ulong)(_data.Length - _pos)) throw new InvalidDataException("not an ONNX model: length past the end");
            var span = _data.Slice(_pos, (int)length);
            _pos += (int)length;
            return span;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case Varint: ReadVarint(); break;
                case Fixed64: Advance(8); break;
                case LengthDelimited: Bytes(); break;
                case Fixed32: Advance(4); break;
                default: throw new InvalidDataException($"not an ONNX model: protobuf wire type {wire}");
            }
        }

        private void Advance(int n)
        {
            if (n > _data.Length - _pos) throw new InvalidDataException("not an ONNX model: field past the end");
            _pos += n;
        }

        private ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = _data[_pos++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new InvalidDataException("not an ONNX model: varint too long");
        }
    }
}
