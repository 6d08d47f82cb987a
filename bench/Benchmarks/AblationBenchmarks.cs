using BenchmarkDotNet.Attributes;
using SwinBench.Model;

namespace SwinBench.Benchmarks;

/// <summary>
/// The study's ablation, cumulatively: original → hoisted mask → + mask kernel → + LayerNorm/roll/partition kernel →
/// + reverse/roll/add kernel → + qkv gather → FP16 → + FP32 LayerNorm kernel → + fused window attention → + aligned
/// channels (GEMMs on zero-padded rows of a multiple of 8 channels).
/// Each step keeps every earlier one; the baseline is the official FP32 per-block path.
/// </summary>
public class AblationBenchmarks : VariantBenchmark
{
    /// <summary>(method, options) of every step, in order.</summary>
    public static IReadOnlyList<(string Name, ModelOptions Options)> Steps { get; } = BuildSteps();

    private static List<(string, ModelOptions)> BuildSteps()
    {
        var steps = new List<(string, ModelOptions)>();
        var o = ModelOptions.Original;
        void Add(string name, ModelOptions next) { o = next; steps.Add((name, o)); }
        Add(nameof(Original), o);
        Add(nameof(Hoisted), o with { Mask = MaskMode.Hoisted });
        Add(nameof(MaskKernel), o with { Kernels = o.Kernels | Kernels.WindowMask });
        Add(nameof(LnRollPartition), o with { Kernels = o.Kernels | Kernels.LnRollPartition });
        Add(nameof(ReverseRollAdd), o with { Kernels = o.Kernels | Kernels.ReverseRollAdd });
        Add(nameof(QkvGather), o with { Kernels = o.Kernels | Kernels.QkvSplit });
        Add(nameof(Fp16), o with { Precision = Precision.Fp16 });
        Add(nameof(Fp32LayerNorm), o with { Kernels = o.Kernels | Kernels.LayerNormFp32 });
        Add(nameof(FusedAttention), o with { Kernels = o.Kernels | Kernels.WindowAttention });
        Add(nameof(AlignedChannels), o with { Kernels = o.Kernels | Kernels.AlignedRows });
        return steps;
    }

    private void SetupStep(string name)
    {
        var i = Steps.ToList().FindIndex(s => s.Name == name);
        Setup(name, i, Steps[i].Options, Precision.Fp32);
    }

    [GlobalSetup(Target = nameof(Original))] public void S0() => SetupStep(nameof(Original));
    [GlobalSetup(Target = nameof(Hoisted))] public void S1() => SetupStep(nameof(Hoisted));
    [GlobalSetup(Target = nameof(MaskKernel))] public void S2() => SetupStep(nameof(MaskKernel));
    [GlobalSetup(Target = nameof(LnRollPartition))] public void S3() => SetupStep(nameof(LnRollPartition));
    [GlobalSetup(Target = nameof(ReverseRollAdd))] public void S4() => SetupStep(nameof(ReverseRollAdd));
    [GlobalSetup(Target = nameof(QkvGather))] public void S5() => SetupStep(nameof(QkvGather));
    [GlobalSetup(Target = nameof(Fp16))] public void S6() => SetupStep(nameof(Fp16));
    [GlobalSetup(Target = nameof(Fp32LayerNorm))] public void S7() => SetupStep(nameof(Fp32LayerNorm));
    [GlobalSetup(Target = nameof(FusedAttention))] public void S8() => SetupStep(nameof(FusedAttention));
    [GlobalSetup(Target = nameof(AlignedChannels))] public void S9() => SetupStep(nameof(AlignedChannels));

    [Benchmark(Baseline = true)] public void Original() => Session.Run();
    [Benchmark] public void Hoisted() => Session.Run();
    [Benchmark] public void MaskKernel() => Session.Run();
    [Benchmark] public void LnRollPartition() => Session.Run();
    [Benchmark] public void ReverseRollAdd() => Session.Run();
    [Benchmark] public void QkvGather() => Session.Run();
    [Benchmark] public void Fp16() => Session.Run();
    [Benchmark] public void Fp32LayerNorm() => Session.Run();
    [Benchmark] public void FusedAttention() => Session.Run();
    [Benchmark] public void AlignedChannels() => Session.Run();
}
