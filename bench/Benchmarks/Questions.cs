using SwinBench.Model;
using static SwinBench.Benchmarks.QuestionSpec;

namespace SwinBench.Benchmarks;

/// <summary>Named kernel sets the questions share.</summary>
public static class KernelSets
{
    /// <summary>
    /// Five per-op kernels: the window mask, LayerNorm + roll + partition, reverse + roll + residual add, the qkv split
    /// and FP32 LayerNorm; the backend question's custom-op variants and a step of the ONNX Runtime parity question.
    /// </summary>
    public const Kernels FiveOps = Kernels.WindowMask | Kernels.LnRollPartition | Kernels.ReverseRollAdd | Kernels.QkvSplit | Kernels.LayerNormFp32;
}

/// <summary>Does building the shifted-window mask once per size (hoisted) beat the official per-block construction?</summary>
public class MaskHoistingBenchmarks : Question
{
    public static readonly QuestionSpec Definition = Of<MaskHoistingBenchmarks>("mask-hoisting", "Per-block vs hoisted shifted-window masks",
        BaselineVariant("per-block fp32", new ModelOptions { Mask = MaskMode.PerBlock }),
        new Variant("hoisted fp32", new ModelOptions { Mask = MaskMode.Hoisted }),
        new Variant("per-block fp16", new ModelOptions { Mask = MaskMode.PerBlock, Precision = Precision.Fp16 }),
        new Variant("hoisted fp16", new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16 }));
}

/// <summary>What does FP16 buy over FP32 (hoisted masks), and what does keeping LayerNorm in FP32 cost?</summary>
public class PrecisionBenchmarks : Question
{
    public static readonly QuestionSpec Definition = Of<PrecisionBenchmarks>("precision", "FP32 vs FP16, with and without FP32 LayerNorm (hoisted masks)",
        BaselineVariant("fp32", new ModelOptions { Mask = MaskMode.Hoisted }),
        new Variant("fp16", new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16 }),
        new Variant("fp16 ln-fp32", new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, LayerNorm = LayerNormMode.Fp32Accumulate }));
}

/// <summary>How much do the LayerNorm forms differ: the fused kernel, the decomposed ops, FP32 accumulation?</summary>
public class LayerNormBenchmarks : Question
{
    private static ModelOptions Ln(LayerNormMode ln, Precision p) => new() { Mask = MaskMode.Hoisted, Precision = p, LayerNorm = ln };

    public static readonly QuestionSpec Definition = Of<LayerNormBenchmarks>("layernorm", "LayerNorm fused vs decomposed vs FP32-accumulating (hoisted masks)",
        BaselineVariant("fused fp32", Ln(LayerNormMode.Fused, Precision.Fp32)),
        new Variant("decomposed fp32", Ln(LayerNormMode.Decomposed, Precision.Fp32)),
        new Variant("fp32-accumulate fp32", Ln(LayerNormMode.Fp32Accumulate, Precision.Fp32)),
        new Variant("fused fp16", Ln(LayerNormMode.Fused, Precision.Fp16)),
        new Variant("decomposed fp16", Ln(LayerNormMode.Decomposed, Precision.Fp16)),
        new Variant("fp32-accumulate fp16", Ln(LayerNormMode.Fp32Accumulate, Precision.Fp16)));
}

/// <summary>
/// The study's ablation, cumulatively: original → hoisted mask → + mask kernel → + LayerNorm/roll/partition kernel →
/// + reverse/roll/add kernel → + qkv split → FP16 → + FP32 LayerNorm kernel → + fused window attention → + aligned
/// channels (GEMMs on zero-padded rows of a multiple of 8 channels) → + block (each stage's blocks as one swin_block
/// call) → + channels_last (the convolutions NHWC, the tokens views of the image stream) → + graph (the swin_block
/// calls captured as CUDA graphs; a CUDA-only step, recorded as unavailable with the reason on a CPU sweep). Each step keeps every earlier one; the baseline is the official FP32 per-block path.
/// </summary>
public class AblationBenchmarks : Question
{
    public static readonly QuestionSpec Definition = Of<AblationBenchmarks>("ablation",
        "Cumulative ablation: hoisting, each kernel, FP16, FP32 LayerNorm, fused attention, aligned rows, the swin_block chain, channels-last convolutions, CUDA graphs",
        Steps().ToArray());

    private static IEnumerable<Variant> Steps()
    {
        var o = ModelOptions.Original;
        yield return BaselineVariant("original", o);
        (string, Func<ModelOptions, ModelOptions>)[] steps =
        [
            ("hoisted", x => x with { Mask = MaskMode.Hoisted }),
            ("+window_mask", x => x with { Kernels = x.Kernels | Kernels.WindowMask }),
            ("+ln_roll_partition", x => x with { Kernels = x.Kernels | Kernels.LnRollPartition }),
            ("+reverse_roll_add", x => x with { Kernels = x.Kernels | Kernels.ReverseRollAdd }),
            ("+qkv_split", x => x with { Kernels = x.Kernels | Kernels.QkvSplit }),
            ("+fp16", x => x with { Precision = Precision.Fp16 }),
            ("+layer_norm_fp32", x => x with { Kernels = x.Kernels | Kernels.LayerNormFp32 }),
            ("+window_attention", x => x with { Kernels = x.Kernels | Kernels.WindowAttention }),
            ("+aligned_rows", x => x with { Kernels = x.Kernels | Kernels.AlignedRows }),
            ("+block", x => x with { Kernels = x.Kernels | Kernels.SwinBlock }),
            ("+channels_last", x => x with { Kernels = x.Kernels | Kernels.ChannelsLast }),
            ("+graph", x => x with { Kernels = x.Kernels | Kernels.CudaGraph }),
        ];
        foreach (var (name, step) in steps)
        {
            o = step(o);
            yield return new Variant(name, o);
        }
    }
}

/// <summary>
/// How do the runtimes compare on the same model, weights and input: TorchSharp (hoisted mask) vs ONNX Runtime on
/// SwinBench's exported graph, plain and with the swinbench ops, FP32 and FP16, on the sweep's device (CPU EP / CUDA
/// EP), and TensorRT on the custom-op graph (recorded as unavailable, with the reason, where it cannot run). The
/// baseline is TorchSharp FP32: every backend's rows get a speedup over it.
/// </summary>
public class BackendBenchmarks : Question
{
    private static ModelOptions Hoisted(Precision p, Kernels k = Kernels.None) => new() { Mask = MaskMode.Hoisted, Precision = p, Kernels = k };

    private static Variant V(Backend b, Precision p, Kernels k = Kernels.None)
    {
        var v = new Variant("", Hoisted(p, k), b);
        return v with { Name = v.Label };
    }

    public static readonly QuestionSpec Definition = Of<BackendBenchmarks>("backends", "TorchSharp vs ONNX Runtime (plain and with the swinbench ops) vs TensorRT",
        V(Backend.TorchSharp, Precision.Fp32) with { IsBaseline = true },
        V(Backend.OnnxRuntime, Precision.Fp32),
        V(Backend.OnnxRuntime, Precision.Fp32, KernelSets.FiveOps),
        V(Backend.TensorRt, Precision.Fp32, KernelSets.FiveOps),
        V(Backend.TorchSharp, Precision.Fp16),
        V(Backend.OnnxRuntime, Precision.Fp16),
        V(Backend.OnnxRuntime, Precision.Fp16, KernelSets.FiveOps),
        V(Backend.TensorRt, Precision.Fp16, KernelSets.FiveOps));
}

/// <summary>
/// Does ONNX Runtime with the kernels as <c>swinbench</c> ops match SwinBench's best TorchSharp variant, and how far does
/// it get beyond the plain per-block export it starts from? FP16, hoisted masks unless named; the baseline is ONNX
/// Runtime on the plain per-block export. The per-op kernels, then <c>swin_block</c> (each Swin block one
/// <c>SwinBlock</c> node over the same handle TorchSharp runs a stage with), on every backend, then TorchSharp's best
/// kernel set on both: <c>all,swin_block</c> (in the ONNX graph <c>aligned_rows</c> runs the convolutions on channels
/// padded to a multiple of 8) and with <c>channels_last</c> (TorchSharp: NHWC convolutions; ONNX Runtime: the CUDA EP's
/// <c>prefer_nhwc</c>). TensorRT runs the same graphs where it is installed (it refuses <c>channels_last</c>: it picks
/// its own formats).
/// </summary>
public class OrtParityBenchmarks : Question
{
    private static ModelOptions O(MaskMode mask, Precision p, Kernels k = Kernels.None) => new() { Mask = mask, Precision = p, Kernels = k };

    private static Variant V(Backend b, ModelOptions o, bool baseline = false)
    {
        var v = new Variant("", o, b) { IsBaseline = baseline };
        return v with { Name = v.Label };
    }

    public static readonly QuestionSpec Definition = Of<OrtParityBenchmarks>("ort-parity", "ONNX Runtime with the swinbench ops vs the plain export and vs TorchSharp's best",
        V(Backend.OnnxRuntime, O(MaskMode.PerBlock, Precision.Fp16), baseline: true),
        V(Backend.OnnxRuntime, O(MaskMode.PerBlock, Precision.Fp32)),
        V(Backend.OnnxRuntime, O(MaskMode.Hoisted, Precision.Fp16)),
        V(Backend.OnnxRuntime, O(MaskMode.Hoisted, Precision.Fp16, KernelSets.FiveOps)),
        V(Backend.OnnxRuntime, O(MaskMode.Hoisted, Precision.Fp16, Onnx.OnnxExportOptions.PerOpKernels)),
        V(Backend.TorchSharp, O(MaskMode.Hoisted, Precision.Fp16, Onnx.OnnxExportOptions.PerOpKernels)),
        V(Backend.TorchSharp, O(MaskMode.Hoisted, Precision.Fp16, Kernels.All)),
        V(Backend.TensorRt, O(MaskMode.Hoisted, Precision.Fp16, Onnx.OnnxExportOptions.PerOpKernels)),
        V(Backend.OnnxRuntime, O(MaskMode.Hoisted, Precision.Fp16, Onnx.OnnxExportOptions.ExportableKernels)),
        V(Backend.TorchSharp, O(MaskMode.Hoisted, Precision.Fp16, Onnx.OnnxExportOptions.ExportableKernels)),
        V(Backend.TorchSharp, O(MaskMode.Hoisted, Precision.Fp16, Kernels.All | Kernels.SwinBlock | Kernels.CudaGraph)),
        V(Backend.TensorRt, O(MaskMode.Hoisted, Precision.Fp16, Onnx.OnnxExportOptions.ExportableKernels)),
        V(Backend.OnnxRuntime, O(MaskMode.Hoisted, Precision.Fp16, Kernels.All | Kernels.SwinBlock)),
        V(Backend.OnnxRuntime, O(MaskMode.Hoisted, Precision.Fp16, Kernels.All | Kernels.SwinBlock | Kernels.ChannelsLast)),
        V(Backend.TorchSharp, O(MaskMode.Hoisted, Precision.Fp16, Kernels.All | Kernels.SwinBlock | Kernels.ChannelsLast)),
        V(Backend.TorchSharp, O(MaskMode.Hoisted, Precision.Fp16, Kernels.All | Kernels.SwinBlock | Kernels.CudaGraph | Kernels.ChannelsLast)));
}
