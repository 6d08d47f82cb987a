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

    /// <summary>
    /// The kernels the graph runs as <c>swinbench</c>-domain ops, each flag with the meaning it has in the TorchSharp model
    /// (<see cref="Kernels"/>); the op type is the flag's row's (<see cref="ModelOptions.KernelTokens"/>). The ops' contract
    /// is harness/Onnx/CUSTOM_OPS.md.
    /// <see cref="Kernels.CudaGraph"/> (a mode of the TorchSharp handles) is refused by <see cref="CheckExportable"/>.
    /// <see cref="Kernels.AlignedRows"/> is the graph's own layout: its convolutions run on channels zero-padded to a
    /// multiple of 8 (Pad, padded weights, Slice), as the TorchSharp blocks' GEMMs run on aligned rows (inside the ops
    /// the kernels align their own rows). <see cref="Kernels.ChannelsLast"/> leaves the graph
    /// as it is (ONNX is NCHW; the ONNX Runtime session takes it as the CUDA EP's <c>prefer_nhwc</c>).
    /// </summary>
    public Kernels Kernels { get; init; } = Kernels.None;

    /// <summary>Every per-op kernel flag the exporter writes as an op (<see cref="Kernels.All"/> but <see cref="Kernels.AlignedRows"/>).</summary>
    public const Kernels PerOpKernels = Kernels.All & ~Kernels.AlignedRows;

    /// <summary>
    /// Every kernel flag the exporter writes as an op: the per-op ones and <see cref="Kernels.SwinBlock"/> (one
    /// <c>SwinBlock</c> node per Swin block; within the blocks it supersedes the per-op flags, as in the TorchSharp model).
    /// </summary>
    public const Kernels ExportableKernels = PerOpKernels | Kernels.SwinBlock;

    /// <summary>A name for the metadata (task or preset), e.g. <c>lightweight-x2</c>; empty: not recorded.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The official export path: per-block masks, fused LayerNorm, FP32, standard ops only.</summary>
    public static OnnxExportOptions Original { get; } = new();

    /// <summary>
    /// The export of a variant: derived from its model options, never chosen separately. Mask, precision and kernels carry
    /// over; LayerNorm Decomposed is written out, Fp32Accumulate keeps the norms in float32 under FP16.
    /// </summary>
    public static OnnxExportOptions For(ModelOptions options, string modelName = "") => new()
    {
        Mask = options.Mask,
        Precision = options.Precision,
        LayerNorm = options.LayerNorm == LayerNormMode.Decomposed ? OnnxLayerNorm.Decomposed : OnnxLayerNorm.Fused,
        KeepNormsFp32 = options.LayerNorm == LayerNormMode.Fp32Accumulate && options.Precision == Precision.Fp16,
        Kernels = options.Kernels,
        ModelName = modelName,
    };

    /// <summary>Whether the graph runs <paramref name="kernel"/> (one flag) as its <c>swinbench</c> op.</summary>
    public bool Uses(Kernels kernel) => kernel != Kernels.None && (Kernels & kernel) == kernel;

    /// <summary>Throws <see cref="ArgumentException"/> naming a kernel flag the exporter has no graph form for.</summary>
    public void CheckExportable()
    {
        ModelOptions.CheckKernels(Kernels);
        if (Uses(Kernels.CudaGraph))
            throw new ArgumentException(
                "kernel mode 'cuda_graph' cannot be exported to ONNX: it is a mode of the TorchSharp swin_block handles (each stage captured once per input shape as a CUDA graph and replayed), not an op; export with 'swin_block' alone");
    }

    /// <summary>Short text for tables, e.g. <c>hoisted/ln-fused/fp16+norms32/window_mask+qkv_split</c>.</summary>
    public string Label =>
        $"{Mask.ToString().ToLowerInvariant()}/ln-{LayerNorm.ToString().ToLowerInvariant()}/{Precision.ToString().ToLowerInvariant()}" +
        (KeepNormsFp32 && Precision == Precision.Fp16 ? "+norms32" : "") +
        (Kernels == Kernels.None ? "" : "/" + ModelOptions.KernelLabel(Kernels)[1..]);

    /// <summary>The kernel tokens, comma-separated in flag order (<c>none</c> when empty): the <c>kernels</c> metadata entry.</summary>
    public string KernelsText => Kernels == Kernels.None ? "none" : ModelOptions.TokenList(Kernels).Replace(" ", "");

    public override string ToString() => Label;
}
