using SwinBench.Model;
using SwinBench.Onnx;
using SwinBench.Peers;

namespace SwinBench.Benchmarks;

/// <summary>
/// The study: for each task and benchmark set, how fast is SwinIR in PyTorch eager FP32 (the official per-block path,
/// the baseline), in <c>torch.compile</c> (dynamic shapes, one compile per model, FP16), in SwinBench's fastest
/// TorchSharp kernel set (FP16, and the same kernels in FP32), in ONNX Runtime with the <c>swin_block</c> ops (FP16) and
/// in TensorRT (FP16), and, on one case per run, in a per-shape max-autotune compile? Rows are named by role
/// (<see cref="VariantColumn.Name"/>): step 0 <c>pytorch-eager-fp32</c>, 1 <c>pytorch-compile</c>, 2
/// <c>torchsharp-fp16</c>, 3 <c>torchsharp-fp32</c>, 4 <c>ort-fp16</c>, 5 <c>tensorrt-fp16</c>, 6
/// <c>pytorch-compile-max-autotune</c>. The CUDA definition runs the stages as CUDA graphs; the CPU one (for a tiny
/// manifest in CI) the same kernels without them.
/// </summary>
public class StudyBenchmarks : Question
{
    public static readonly QuestionSpec Cuda = Define(Kernels.All | Kernels.SwinBlock | Kernels.CudaGraph);

    public static readonly QuestionSpec Cpu = Define(Kernels.All | Kernels.SwinBlock);

    private static QuestionSpec Define(Kernels torchsharp) => new(typeof(StudyBenchmarks), "study",
        "PyTorch eager FP32 vs torch.compile vs SwinBench (TorchSharp, ONNX Runtime, TensorRT) per task and benchmark set",
        [
            V("torchsharp-fp16", Backend.TorchSharp, Precision.Fp16, torchsharp),
            V("torchsharp-fp32", Backend.TorchSharp, Precision.Fp32, torchsharp),
            V("ort-fp16", Backend.OnnxRuntime, Precision.Fp16, OnnxExportOptions.ExportableKernels | Kernels.ChannelsLast),
            V("tensorrt-fp16", Backend.TensorRt, Precision.Fp16, OnnxExportOptions.ExportableKernels),
        ],
        [
            new PeerVariant("pytorch-eager-fp32", PeerMode.Get("eager-fp32-perblock"), 0, IsBaseline: true),
            new PeerVariant("pytorch-compile", PeerMode.Get("compile-dynamic"), 1),
            new PeerVariant("pytorch-compile-max-autotune", PeerMode.Get("compile-max-autotune-no-cudagraphs"), 6, OneCasePerRun: true),
        ]) { RowVariant = VariantColumn.Name };

    private static Variant V(string role, Backend backend, Precision p, Kernels k) =>
        new(role, new ModelOptions { Mask = MaskMode.Hoisted, Precision = p, Kernels = k }, backend);
}
