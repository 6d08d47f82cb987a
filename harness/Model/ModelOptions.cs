namespace SwinBench.Model;

/// <summary>How shifted-window attention masks are made.</summary>
public enum MaskMode
{
    /// <summary>Like the official code: every shifted block builds its mask from the current H/W on each forward (on the host, then copied to the device).</summary>
    PerBlock,
    /// <summary>One mask per input size, built once and shared by all blocks (cached by size, dtype and device).</summary>
    Hoisted,
}

/// <summary>Numeric precision of weights and activations.</summary>
public enum Precision { Fp32, Fp16 }

/// <summary>How LayerNorm is computed.</summary>
public enum LayerNormMode
{
    /// <summary>The framework's fused layer_norm kernel.</summary>
    Fused,
    /// <summary>Written out as mean, variance, rsqrt, scale and shift (what a naive ONNX export produces).</summary>
    Decomposed,
    /// <summary>Computed in FP32 and cast back (the study's FP16 accuracy fix); equal to Fused in FP32.</summary>
    Fp32Accumulate,
}

/// <summary>
/// The variant flags of one model instance: the model reads them, it is never copied per variant.
/// Later plugin flags (GPU kernels) join this record.
/// </summary>
public sealed record ModelOptions
{
    public MaskMode Mask { get; init; } = MaskMode.PerBlock;
    public Precision Precision { get; init; } = Precision.Fp32;
    public LayerNormMode LayerNorm { get; init; } = LayerNormMode.Fused;

    /// <summary>The official code path: per-block masks, FP32, fused LayerNorm.</summary>
    public static ModelOptions Original { get; } = new();

    /// <summary>Short text for tables and CSV columns, e.g. <c>hoisted/fp16/ln-fused</c>.</summary>
    public string Label => $"{Mask.ToString().ToLowerInvariant()}/{Precision.ToString().ToLowerInvariant()}/ln-{LayerNorm.ToString().ToLowerInvariant()}";

    public override string ToString() => Label;
}
