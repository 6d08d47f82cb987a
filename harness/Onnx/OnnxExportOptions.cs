using SwinBench.Model;

namespace SwinBench.Onnx;

/// <summary>How the ONNX graph computes LayerNorm.</summary>
public enum OnnxLayerNorm
{
    /// <summary>One <c>LayerNormalization</c> node (opset 17).</summary>
    Fused,
    /// <summary>ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add (what a naive export produces).</summary>
    Decomposed,
}

/// <summary>
/// The <c>swinbench</c>-domain ops a graph may use, each replacing the subgraph it stands for. The ops' contract
/// (inputs, outputs, attributes, dtypes) is in harness/Onnx/CUSTOM_OPS.md.
/// </summary>
[Flags]
public enum SwinBenchOps
{
    None = 0,
    /// <summary><c>WindowMask(image) → mask</c>: the shifted-window attention mask.</summary>
    WindowMask = 1,
    /// <summary><c>RollPartition(x, image) → windows</c>: cyclic shift by -shift and window partition.</summary>
    RollPartition = 2,
    /// <summary><c>ReverseRollAdd(windows, residual, image) → y</c>: window reverse, shift by +shift, residual add.</summary>
    ReverseRollAdd = 4,
    /// <summary><c>QkvSplit(qkv) → (q, k, v)</c>: head split of the qkv projection with q scaling.</summary>
    QkvSplit = 8,
    /// <summary><c>LayerNormFp32(x, weight, bias) → y</c>: LayerNorm with FP32 accumulation.</summary>
    LayerNormFp32 = 16,
    All = WindowMask | RollPartition | ReverseRollAdd | QkvSplit | LayerNormFp32,
}

/// <summary>The variant flags of one ONNX export.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>PerBlock: every shifted block builds its mask in-graph from the runtime H/W; Hoisted: built once and shared.</summary>
    public MaskMode Mask { get; init; } = MaskMode.PerBlock;

    public OnnxLayerNorm LayerNorm { get; init; } = OnnxLayerNorm.Fused;

    /// <summary>Fp16: weights and activations in float16; the graph's input and output stay float32 (Cast at both ends).</summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>With <see cref="Precision.Fp16"/>: LayerNorm and Softmax run in float32 (Cast in and out).</summary>
    public bool KeepNormsFp32 { get; init; }

    public SwinBenchOps CustomOps { get; init; } = SwinBenchOps.None;

    /// <summary>A name for the metadata (task or preset), e.g. <c>lightweight-x2</c>; empty: not recorded.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The official export path: per-block masks, fused LayerNorm, FP32, standard ops only.</summary>
    public static OnnxExportOptions Original { get; } = new();

    /// <summary>
    /// The export of a variant: derived from its model options, never chosen separately. Mask and precision carry over;
    /// LayerNorm Decomposed is written out, Fp32Accumulate keeps the norms in float32 under FP16; each kernel flag
    /// becomes the <c>swinbench</c> op that runs it. A flag the exporter has no op for is refused by name.
    /// </summary>
    public static OnnxExportOptions For(ModelOptions options, string modelName = "")
    {
        var ops = SwinBenchOps.None;
        foreach (var (flag, token) in ModelOptions.KernelTokens.Where(k => options.Kernels.HasFlag(k.Flag)))
            ops |= flag switch
            {
                Kernels.WindowMask => SwinBenchOps.WindowMask,
                Kernels.LnRollPartition => SwinBenchOps.RollPartition | SwinBenchOps.LayerNormFp32,
                Kernels.ReverseRollAdd => SwinBenchOps.ReverseRollAdd,
                Kernels.QkvSplit => SwinBenchOps.QkvSplit,
                Kernels.LayerNormFp32 => SwinBenchOps.LayerNormFp32,
                _ => throw new NotSupportedException($"kernel '{token}' has no ONNX op in this exporter"),
            };
        return new OnnxExportOptions
        {
            Mask = options.Mask,
            Precision = options.Precision,
            LayerNorm = options.LayerNorm == LayerNormMode.Decomposed ? OnnxLayerNorm.Decomposed : OnnxLayerNorm.Fused,
            KeepNormsFp32 = options.LayerNorm == LayerNormMode.Fp32Accumulate && options.Precision == Precision.Fp16,
            CustomOps = ops,
            ModelName = modelName,
        };
    }

    public bool Uses(SwinBenchOps op) => (CustomOps & op) == op && op != SwinBenchOps.None;

    /// <summary>Short text for tables, e.g. <c>hoisted/ln-fused/fp16+norms32/ops:WindowMask,QkvSplit</c>.</summary>
    public string Label =>
        $"{Mask.ToString().ToLowerInvariant()}/ln-{LayerNorm.ToString().ToLowerInvariant()}/{Precision.ToString().ToLowerInvariant()}" +
        (KeepNormsFp32 && Precision == Precision.Fp16 ? "+norms32" : "") +
        (CustomOps == SwinBenchOps.None ? "" : CustomOps == SwinBenchOps.All ? "/ops:all" : $"/ops:{CustomOpsText}");

    /// <summary>The custom ops as a comma-separated list (<c>none</c> when empty).</summary>
    public string CustomOpsText => CustomOps == SwinBenchOps.None
        ? "none"
        : string.Join(",", Enum.GetValues<SwinBenchOps>().Where(o => o is not SwinBenchOps.None and not SwinBenchOps.All && Uses(o)));

    /// <summary>Parses <c>all</c>, <c>none</c> or a comma-separated list of op names (case-insensitive).</summary>
    public static SwinBenchOps ParseCustomOps(string text)
    {
        var t = text.Trim();
        if (t.Equals("all", StringComparison.OrdinalIgnoreCase)) return SwinBenchOps.All;
        if (t.Length == 0 || t.Equals("none", StringComparison.OrdinalIgnoreCase)) return SwinBenchOps.None;
        var ops = SwinBenchOps.None;
        var known = Enum.GetValues<SwinBenchOps>().Where(o => o is not SwinBenchOps.None and not SwinBenchOps.All).ToArray();
        foreach (var part in t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var op = known.FirstOrDefault(o => o.ToString().Equals(part, StringComparison.OrdinalIgnoreCase));
            if (op == SwinBenchOps.None)
                throw new ArgumentException($"custom op '{part}' is not one of: all, none, {string.Join(", ", known)}");
            ops |= op;
        }
        return ops;
    }

    public override string ToString() => Label;
}
