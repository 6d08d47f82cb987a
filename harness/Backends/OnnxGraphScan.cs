using Google.Protobuf;
using Onnx;

namespace SwinBench.Backends;

/// <summary>
/// Lists the ops of non-standard domains — the <c>swinbench</c> custom ops — in an ONNX model's main graph and its
/// subgraphs (parsed with OnnxSharp's <see cref="ModelProto"/>), so a session can say which op library it needs before
/// ONNX Runtime fails on it.
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
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"not an ONNX model: {e.Message}");
        }
        var found = new SortedSet<(string, string)>();
        if (proto.Graph is not null) Scan(proto.Graph, found);
        return [.. found];
    }

    private static void Scan(GraphProto graph, SortedSet<(string, string)> found)
    {
        foreach (var node in graph.Node)
        {
            if (!BuiltInDomains.Contains(node.Domain)) found.Add((node.Domain, node.OpType));
            foreach (var attribute in node.Attribute)
            {
                if (attribute.G is not null) Scan(attribute.G, found);
                foreach (var subgraph in attribute.Graphs) Scan(subgraph, found);
            }
        }
    }
}
