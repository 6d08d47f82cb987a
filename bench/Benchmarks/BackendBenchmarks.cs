using BenchmarkDotNet.Attributes;
using SwinBench.Model;

namespace SwinBench.Benchmarks;

/// <summary>
/// How do the runtimes compare on the same model, weights and input: TorchSharp (hoisted mask) vs ONNX Runtime on
/// SwinBench's exported graph (hoisted mask, fused LayerNorm), FP32 and FP16, on the sweep's device (CPU EP / CUDA EP)?
/// The baseline is TorchSharp FP32; fidelity is against TorchSharp's FP32 original. TensorRT (CUDA only, the custom-op
/// graph with the swinbench ops as TensorRT plugins) is recorded as unavailable, with the reason, where it cannot run.
/// </summary>
public class BackendBenchmarks : VariantBenchmark
{
    private static ModelOptions Hoisted(Precision p) => new() { Mask = MaskMode.Hoisted, Precision = p };

    [GlobalSetup(Target = nameof(TorchSharpFp32))]
    public void S0() => Setup(nameof(TorchSharpFp32), 0, Hoisted(Precision.Fp32), Precision.Fp32);

    [GlobalSetup(Target = nameof(OrtFp32))]
    public void S1() => Setup(nameof(OrtFp32), 1, Hoisted(Precision.Fp32), Precision.Fp32, Runtime.Ort);

    [GlobalSetup(Target = nameof(TorchSharpFp16))]
    public void S2() => Setup(nameof(TorchSharpFp16), 2, Hoisted(Precision.Fp16), Precision.Fp32);

    [GlobalSetup(Target = nameof(OrtFp16))]
    public void S3() => Setup(nameof(OrtFp16), 3, Hoisted(Precision.Fp16), Precision.Fp32, Runtime.Ort);

    [GlobalSetup(Target = nameof(OrtOpsFp32))]
    public void S4() => Setup(nameof(OrtOpsFp32), 4, Hoisted(Precision.Fp32), Precision.Fp32, Runtime.OrtCustomOps);

    [GlobalSetup(Target = nameof(OrtOpsFp16))]
    public void S5() => Setup(nameof(OrtOpsFp16), 5, Hoisted(Precision.Fp16), Precision.Fp32, Runtime.OrtCustomOps);

    [GlobalSetup(Target = nameof(TensorRtOpsFp32))]
    public void S6() => Setup(nameof(TensorRtOpsFp32), 6, Hoisted(Precision.Fp32), Precision.Fp32, Runtime.TensorRtCustomOps);

    [GlobalSetup(Target = nameof(TensorRtOpsFp16))]
    public void S7() => Setup(nameof(TensorRtOpsFp16), 7, Hoisted(Precision.Fp16), Precision.Fp32, Runtime.TensorRtCustomOps);

    [Benchmark(Baseline = true)] public void TorchSharpFp32() => Session.Run();
    [Benchmark] public void OrtFp32() => Session.Run();
    [Benchmark] public void TorchSharpFp16() => Session.Run();
    [Benchmark] public void OrtFp16() => Session.Run();
    [Benchmark] public void OrtOpsFp32() => Session.Run();
    [Benchmark] public void OrtOpsFp16() => Session.Run();
    [Benchmark] public void TensorRtOpsFp32() => Session.Run();
    [Benchmark] public void TensorRtOpsFp16() => Session.Run();
}
