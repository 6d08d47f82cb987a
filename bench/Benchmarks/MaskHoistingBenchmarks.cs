using BenchmarkDotNet.Attributes;
using SwinBench.Model;

namespace SwinBench.Benchmarks;

/// <summary>Does building the shifted-window mask once per size (hoisted) beat the official per-block construction?</summary>
public class MaskHoistingBenchmarks : VariantBenchmark
{
    [ParamsSource(nameof(Precisions))]
    public Precision Precision { get; set; }

    public static IEnumerable<Precision> Precisions => Sweep.Current.Precisions;

    private int Step(int variant) => (Precision == Precision.Fp32 ? 0 : 2) + variant;

    [GlobalSetup(Target = nameof(PerBlock))]
    public void SetupPerBlock() => Setup(nameof(PerBlock), Step(0), new ModelOptions { Mask = MaskMode.PerBlock, Precision = Precision }, Precision);

    [GlobalSetup(Target = nameof(Hoisted))]
    public void SetupHoisted() => Setup(nameof(Hoisted), Step(1), new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision }, Precision);

    [Benchmark(Baseline = true)]
    public void PerBlock() => Session.Run();

    [Benchmark]
    public void Hoisted() => Session.Run();
}
