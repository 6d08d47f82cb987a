using System.Globalization;
using System.Text;

namespace SwinBench.Onnx;

/// <summary>
/// Node counts of an exported graph: the total, by op type (custom ops as <c>swinbench::Op</c>), and the
/// shape-computation nodes, defined as the nodes whose outputs are all int64 tensors (Shape, Gather, Concat, Div,
/// Split… on sizes; also the integer region ids of the in-graph mask).
/// </summary>
public sealed record OnnxGraphReport(
    int Nodes,
    int ShapeNodes,
    int CustomNodes,
    IReadOnlyDictionary<string, int> ByOpType,
    int Initializers,
    long InitializerBytes)
{
    public static OnnxGraphReport Of(OnnxModel model) => Of(model.Graph);

    public static OnnxGraphReport Of(OnnxGraph graph)
    {
        var byOp = graph.Nodes
            .GroupBy(n => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}::{n.OpType}")
            .OrderByDescending(gr => gr.Count()).ThenBy(gr => gr.Key, StringComparer.Ordinal)
            .ToDictionary(gr => gr.Key, gr => gr.Count());
        var shape = graph.Nodes.Count(n => n.Outputs.Count > 0 && n.Outputs.All(o => graph.ValueTypes[o] == OnnxDataType.Int64));
        return new OnnxGraphReport(
            graph.Nodes.Count,
            shape,
            graph.Nodes.Count(n => n.Domain.Length > 0),
            byOp,
            graph.Initializers.Count,
            graph.Initializers.Sum(t => (long)t.RawData.Length));
    }

    /// <summary>Nodes of one op type (e.g. <c>Conv</c> or <c>swinbench::WindowMask</c>), 0 when absent.</summary>
    public int Count(string opType) => ByOpType.TryGetValue(opType, out var n) ? n : 0;

    /// <summary>A plain-text report: totals, then one line per op type.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"nodes        {Nodes}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"shape nodes  {ShapeNodes} (outputs all int64)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"custom nodes {CustomNodes} (domain swinbench)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"initializers {Initializers} ({InitializerBytes / 1048576.0:F1} MiB)");
        sb.AppendLine("by op type:");
        foreach (var (op, n) in ByOpType)
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {op,-28} {n,6}");
        return sb.ToString();
    }

    /// <summary>
    /// A Markdown table of node counts, one row per (model, variant): total, shape-computation and custom nodes, and the
    /// biggest op types.
    /// </summary>
    public static string MarkdownTable(IEnumerable<(string Model, string Variant, OnnxGraphReport Report)> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model | variant | nodes | shape nodes | swinbench nodes | top op types |");
        sb.AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var (model, variant, r) in rows)
        {
            var top = string.Join(", ", r.ByOpType.Take(6).Select(kv => $"{kv.Key} {kv.Value}"));
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {model} | {variant} | {r.Nodes:N0} | {r.ShapeNodes:N0} | {r.CustomNodes:N0} | {top} |");
        }
        return sb.ToString();
    }
}
