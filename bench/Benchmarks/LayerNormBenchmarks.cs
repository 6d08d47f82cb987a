using BenchmarkDotNet.Attributes;
using SwinBench.Model;

namespace SwinBench.Benchmarks;

/// <summary>How much do the LayerNorm forms differ: the fused kernel, the decomposed ops, FP32 accumulation?</summary>
public class LayerNormBenchmarks : VariantBenchmark
{
    [ParamsSource(nameof(Precisions))]
    public Precision Precision { get; set; }

    public static IEnumerable<Precision> Precisions => Sweep.Current.Precisions;

    private ModelOptions With(LayerNormMode ln) => new() { Mask = MaskMode.Hoisted, Precision = Precision, LayerNorm = ln };

    [GlobalSetup(Target = nameof(Fused))]
    public void SetupFused() => Setup(nameof(Fused), 0, With(LayerNormMode.Fused), Precision);

    [GlobalSetup(Target = nameof(Decomposed))]
    public void SetupDecomposed() => Setup(nameof(Decomposed), 1, With(LayerNormMode.Decomposed), Precision);

    [GlobalSetup(Target = nameof(Fp32Accumulate))]
    public void SetupFp32() => Setup(nameof(Fp32Accumulate), 2, With(LayerNormMode.Fp32Accumulate), Precision);

    [Benchmark(Baseline = true)]
    public void Fused() => Session.Run();

    [Benchmark]
    public void Decomposed() => Session.Run();

    [Benchmark]
    public void Fp32Accumulate() => Session.Run();
}
