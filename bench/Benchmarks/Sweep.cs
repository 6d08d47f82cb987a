using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// What a benchmark run covers: the questions, the cases (task × dataset size), the precisions whose variants run
/// (empty: every variant of the question; the baseline always runs), the device, the iteration counts and how many
/// interleaved rounds (see <see cref="SweepRunner"/>).
/// </summary>
public sealed record Sweep(
    string Name,
    string Description,
    IReadOnlyList<QuestionSpec> Questions,
    IReadOnlyList<BenchCase> Cases,
    IReadOnlyList<Precision> Precisions,
    string Device = "cpu",
    int WarmupCount = 1,
    int IterationCount = 5)
{
    /// <summary>
    /// How many times each case's variants are run, alternating their order (A B, then B A, ...); the samples of all
    /// rounds make one row, which also keeps each round's median. With two or more rounds the speedups are paired: the
    /// median of the round-by-round ratios (<see cref="Results.ResultMath.SpeedupOf"/>), in which slow phases of a noisy
    /// machine cancel, and the variants' sessions stay open across the rounds (<see cref="SessionCache"/>).
    /// </summary>
    public int Rounds { get; init; } = 1;

    /// <summary>
    /// TorchSharp's intra-op threads and ONNX Runtime's intra-op threads on a CPU sweep (null: the libraries' defaults).
    /// One thread keeps a CPU sweep reproducible on a small shared machine: a multi-threaded forward pass stalls
    /// whenever another process takes one of its cores.
    /// </summary>
    public int? CpuThreads { get; init; }

    /// <summary>
    /// Whether a variant's session is kept across the cases of a task when its backend takes any input size
    /// (<see cref="Backends.SessionFactory.TakesAnySize"/>): the next case only uploads its input and measures it.
    /// </summary>
    public bool SessionsAcrossSizes { get; init; }

    /// <summary>Data root for real images (null: synthetic images of the manifest sizes).</summary>
    public string? DataRoot { get; init; }

    /// <summary>Official weights per preset name (absent: seeded random init).</summary>
    public IReadOnlyDictionary<string, string> Weights { get; init; } = new Dictionary<string, string>();

    public DatasetManifest Manifest { get; init; } = DatasetManifest.Default;

    private static IReadOnlyList<BenchCase> CasesOf(DatasetManifest m, string[] tasks, params SizePick[] picks) =>
        tasks.SelectMany(t => BenchCase.For(BenchTask.Get(t), m, null, picks)).Order().ToList();

    /// <summary>The task's median case of each of <paramref name="sets"/> that the manifest has (a smaller --manifest may lack some).</summary>
    private static IEnumerable<BenchCase> Medians(DatasetManifest m, string task, params string[] sets) =>
        BenchCase.For(BenchTask.Get(task), m, sets.Where(m.Contains), SizePick.Median);

    /// <summary>The questions <c>quick</c> can ask (<c>--question</c>); the first is its default.</summary>
    public static IReadOnlyList<QuestionSpec> QuickQuestions { get; } = [BackendBenchmarks.Definition, MaskHoistingBenchmarks.Definition];

    /// <summary>
    /// The sweep of <c>swinbench quick</c>: one of <see cref="QuickQuestions"/> on the CPU, FP32, lightweight x4 at
    /// Set5's median size, one thread, the host allocator pinned, <see cref="QuickRounds"/> interleaved rounds of one
    /// forward pass per variant (sessions kept across the rounds; the setup's forward pass is the warm-up), speedups
    /// paired over the rounds.
    /// </summary>
    public static Sweep Quick(DatasetManifest m, string? question = null)
    {
        var spec = question is null ? QuickQuestions[0]
            : QuickQuestions.FirstOrDefault(q => string.Equals(q.Name, question, StringComparison.OrdinalIgnoreCase))
              ?? throw new ArgumentException($"--question '{question}' is not one quick asks; use one of: {string.Join(", ", QuickQuestions.Select(q => q.Name))}");
        return new Sweep("quick", $"CPU: {spec.Title}; lightweight x4 at Set5's median size, FP32, one thread, {QuickRounds} interleaved rounds of one forward pass per variant, speedups paired over the rounds",
            [spec], Medians(m, "lightweight-x4", "Set5").ToList(),
            [Precision.Fp32], "cpu", WarmupCount: 0, IterationCount: 1) { Rounds = QuickRounds, CpuThreads = 1 };
    }

    /// <summary>quick's rounds: the more rounds, the narrower the paired speedup's interval and the closer two runs agree.</summary>
    public const int QuickRounds = 36;

    /// <summary>The named sweeps of <c>swinbench run --sweep NAME</c>.</summary>
    public static IReadOnlyList<Sweep> Catalog(DatasetManifest m) =>
    [
        Quick(m),
        new("baseline-gpu", "CUDA: per-block vs hoisted, FP32 and FP16; classical x2, lightweight x2, color DN15; every dataset's median and largest size",
            [MaskHoistingBenchmarks.Definition],
            CasesOf(m, ["classical-x2", "lightweight-x2", "color-dn15"]),
            [Precision.Fp32, Precision.Fp16], "cuda", WarmupCount: 1, IterationCount: 6),
        new("precision", "FP32 vs FP16 (with and without FP32 LayerNorm), hoisted masks; classical x2, lightweight x2, color DN15 medians",
            [PrecisionBenchmarks.Definition],
            CasesOf(m, ["classical-x2", "lightweight-x2", "color-dn15"], SizePick.Median),
            [], "cuda", WarmupCount: 2, IterationCount: 10),
        new("layernorm", "LayerNorm fused vs decomposed vs FP32-accumulating, hoisted masks; lightweight x2 and classical x2 medians",
            [LayerNormBenchmarks.Definition],
            CasesOf(m, ["classical-x2", "lightweight-x2"], SizePick.Median),
            [Precision.Fp32, Precision.Fp16], "cuda", WarmupCount: 2, IterationCount: 10),
        new("all", "every benchmark question (what --filter without --sweep selects from): lightweight x2 at Set5's median size, FP32 (FP16 too with --device cuda)",
            [MaskHoistingBenchmarks.Definition, PrecisionBenchmarks.Definition, LayerNormBenchmarks.Definition],
            Medians(m, "lightweight-x2", "Set5").ToList(),
            [Precision.Fp32], "cpu", WarmupCount: 1, IterationCount: 3),
        new("ablation-gpu", "CUDA: the study's cumulative ablation (hoisting, each plugin, FP16, FP32 LayerNorm, fused attention, aligned rows, the swin_block chain, channels-last convolutions, CUDA graphs); classical x2, lightweight x2, color DN15 at Set5/Set14/Urban100/McMaster median sizes",
            [AblationBenchmarks.Definition],
            new[] { "classical-x2", "lightweight-x2", "color-dn15" }
                .SelectMany(t => Medians(m, t, "Set5", "Set14", "Urban100", "McMaster")).ToList(),
            [], "cuda", WarmupCount: 2, IterationCount: 8),
        new("mask-kernel", "CUDA: one shifted-window mask, the official host construction vs the window-mask kernel, at the padded median and largest sizes of lightweight x2 and color DN15 inputs, plus 384x512",
            [MaskConstructionBenchmarks.Definition],
            [.. CasesOf(m, ["lightweight-x2", "color-dn15"]), BenchCase.Custom(BenchTask.Get("classical-x2"), 384, 512)],
            [Precision.Fp32], "cuda", WarmupCount: 3, IterationCount: 20),
        new("backends-gpu", "CUDA: TorchSharp vs ONNX Runtime CUDA EP, FP32 and FP16, hoisted masks; lightweight x2 and classical x2 at Set5 and Urban100 median sizes",
            [BackendBenchmarks.Definition],
            new[] { "lightweight-x2", "classical-x2" }
                .SelectMany(t => Medians(m, t, "Set5", "Urban100")).ToList(),
            [], "cuda", WarmupCount: 2, IterationCount: 8),
        new("ort-parity-gpu", "CUDA: ONNX Runtime with every per-op kernel as a swinbench op, with swin_block, and with channels_last (prefer_nhwc), vs the plain per-block export and TorchSharp's best, FP16; classical x2 and lightweight x2 at 384x512 (the study's size) and 114x172",
            [OrtParityBenchmarks.Definition],
            new[] { "classical-x2", "lightweight-x2" }
                .SelectMany(t => new[] { BenchCase.Custom(BenchTask.Get(t), 384, 512), BenchCase.Custom(BenchTask.Get(t), 114, 172) }).ToList(),
            [], "cuda", WarmupCount: 3, IterationCount: 12),
        new("conv-gpu", "CUDA: one SwinIR convolution (3x3, C->C, with bias), ONNX Runtime's CUDA EP across layout (prefer_nhwc), cudnn_conv_algo_search, cudnn_conv_use_max_workspace, fuse_conv_bias and channels aligned to 8 vs TorchSharp (cuDNN), FP16; classical x2 (C 180) at 384x512 and 114x172, lightweight x2 (C 60) at 384x512",
            [ConvolutionBenchmarks.Fp16],
            [BenchCase.Custom(BenchTask.Get("classical-x2"), 384, 512), BenchCase.Custom(BenchTask.Get("classical-x2"), 114, 172),
             BenchCase.Custom(BenchTask.Get("lightweight-x2"), 384, 512)],
            [Precision.Fp16], "cuda", WarmupCount: 3, IterationCount: 20),
        new("conv-cpu", "CPU: the convolution question (see conv-gpu) in FP32 on the CPU EP, where the CUDA EP settings are unavailable; classical x2 (C 180) at 32x48, one thread",
            [ConvolutionBenchmarks.Fp32],
            [BenchCase.Custom(BenchTask.Get("classical-x2"), 32, 48)],
            [Precision.Fp32], "cpu", WarmupCount: 1, IterationCount: 3) { CpuThreads = 1 },
        new("backends-cpu", "CPU: TorchSharp vs ONNX Runtime CPU EP, FP32 and FP16, hoisted masks; lightweight x2 at Set5's median size",
            [BackendBenchmarks.Definition],
            Medians(m, "lightweight-x2", "Set5").ToList(),
            [], "cpu", WarmupCount: 1, IterationCount: 3),
        new("cpu-tasks", "CPU: per-block vs hoisted for classical x2/x4, lightweight x2/x4 and color DN15 at Set5's median size",
            [MaskHoistingBenchmarks.Definition],
            new[] { "classical-x2", "classical-x4", "lightweight-x2", "lightweight-x4", "color-dn15" }
                .SelectMany(t => Medians(m, t, [.. BenchTask.Get(t).DatasetsIn(m).Take(1)])).ToList(),
            [Precision.Fp32], "cpu", WarmupCount: 1, IterationCount: 3),
        new("study-gpu", "CUDA: the study: PyTorch eager FP32 (baseline) and torch.compile (dynamic shapes, FP16) vs SwinBench's fastest TorchSharp (FP16, FP32), ONNX Runtime with swin_block ops and TensorRT (FP16); classical x2/x4, lightweight x2/x4, color DN15 on each benchmark set's median size and each task's largest input; once per run a per-shape max-autotune compile",
            [StudyBenchmarks.Cuda], StudyCases.For(m), [], "cuda", WarmupCount: 3, IterationCount: 10) { SessionsAcrossSizes = true },
        new("study-cpu", "CPU: the study's rows (see study-gpu) without CUDA graphs, for a small --manifest (CI runs it end to end)",
            [StudyBenchmarks.Cpu], StudyCases.For(m), [], "cpu", WarmupCount: 0, IterationCount: 2) { SessionsAcrossSizes = true },
    ];

    public static Sweep Get(string name, DatasetManifest m) =>
        Catalog(m).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown sweep '{name}'; known sweeps: {string.Join(", ", Catalog(m).Select(s => s.Name))}");
}
