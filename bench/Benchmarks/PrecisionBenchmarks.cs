using BenchmarkDotNet.Attributes;
using SwinBench.Model;

namespace SwinBench.Benchmarks;

/// <summary>What does FP16 buy over FP32 (hoisted masks), and what does keeping LayerNorm in FP32 cost?</summary>
public class PrecisionBenchmarks : VariantBenchmark
{
    [GlobalSetup(Target = nameof(Fp32))]
    public void SetupFp32() => Setup(nameof(Fp32), 0, new ModelOptions { Mask = MaskMode.Hoisted }, Precision.Fp32);

    [GlobalSetup(Target = nameof(Fp16))]
    public void SetupFp16() => Setup(nameof(Fp16), 1, new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16 }, Precision.Fp32);

    [GlobalSetup(Target = nameof(Fp16LayerNormFp32))]
    public void SetupFp16Ln() => Setup(nameof(Fp16LayerNormFp32), 2,
        new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, LayerNorm = LayerNormMode.Fp32Accumulate }, Precision.Fp32);

    [Benchmark(Baseline = true)]
    public void Fp32() => Session.Run();

    [Benchmark]
    public void Fp16() => Session.Run();

    [Benchmark]
    public void Fp16LayerNormFp32() => Session.Run();
}
