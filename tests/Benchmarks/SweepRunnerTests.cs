using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Benchmarks;

/// <summary>
/// The runner without running a benchmark: which cases a sweep selects, the rows it builds from samples and side
/// measurements, and the speedups of those rows. Sets <see cref="BenchRun.Current"/>, so its tests run one at a time.
/// </summary>
[Collection(nameof(BenchRunCollection))]
public class SweepRunnerTests
{
    private static Sweep Selected(string name, string device = "cpu")
    {
        var sweep = Sweep.Get(name, DatasetManifest.Default) with { Device = device };
        BenchRun.Current = new BenchRun(sweep);
        return sweep;
    }

    private static readonly string Artifacts = Path.Combine(Path.GetTempPath(), "swinbench-plan-tests");

    [Fact]
    public void Quick_selects_two_cases_of_the_mask_hoisting_question_each_with_its_two_fp32_variants()
    {
        var sweep = Selected("quick");
        var plan = SweepRunner.Plan(sweep, [], Artifacts);
        Assert.Equal(2, plan.Count);
        Assert.All(plan, p => Assert.Equal("mask-hoisting", p.Question.Name));
        Assert.Equal(sweep.Cases.Order(), plan.Select(p => p.Case));
        Assert.All(plan, p => Assert.Equal(["per-block fp32", "hoisted fp32"], p.Runnable.Select(bc => SweepRunner.VariantOf(bc).Name)));
        Assert.All(plan, p => Assert.Empty(p.Unavailable));
        Assert.All(plan, p => Assert.All(p.Runnable, bc => Assert.Equal(p.Case, SweepRunner.CaseOf(bc))));
    }

    [Fact]
    public void A_cpu_backend_sweep_records_tensorrt_as_unavailable_with_the_reason()
    {
        var sweep = Selected("backends-cpu");
        var p = Assert.Single(SweepRunner.Plan(sweep, [], Artifacts));
        Assert.Equal(6, p.Runnable.Count);
        Assert.Equal(2, p.Unavailable.Count);
        Assert.All(p.Unavailable, u => Assert.Equal(Backend.TensorRt, u.Variant.Backend));
        Assert.All(p.Unavailable, u => Assert.StartsWith("tensorrt: ", u.Reason));
    }

    [Fact]
    public void An_ablation_on_the_cpu_records_the_cuda_graph_step_as_unavailable_with_the_reason()
    {
        var plan = SweepRunner.Plan(Selected("ablation-gpu", "cpu"), [], Artifacts);
        Assert.NotEmpty(plan);
        foreach (var p in plan)
        {
            var (variant, reason) = Assert.Single(p.Unavailable);
            Assert.Equal("+graph", variant.Name);
            Assert.Equal("torchsharp: cuda_graph needs CUDA tensors (it captures the swin_block stages as CUDA graphs); this run is on cpu", reason);
            Assert.Contains("+block", p.Runnable.Select(bc => SweepRunner.VariantOf(bc).Name));
            var rows = SweepRunner.BuildRows(p with { Runnable = [] }, "cpu", new MeasurementStore(), new SampleStore());
            Assert.Equal($"unavailable: {reason}", Assert.Single(rows).Status);
        }
        Assert.All(SweepRunner.Plan(Selected("ablation-gpu", "cuda"), [], Artifacts), p => Assert.Empty(p.Unavailable));
    }

    [Fact]
    public void Filters_are_benchmark_dotnet_globs_over_the_question_class()
    {
        var sweep = Selected("all");
        Assert.Equal(["mask-hoisting", "precision", "layernorm"], SweepRunner.Plan(sweep, [], Artifacts).Select(p => p.Question.Name).Distinct());
        Assert.Equal(["precision"], SweepRunner.Plan(sweep, ["*Precision*"], Artifacts).Select(p => p.Question.Name).Distinct());
        Assert.Empty(SweepRunner.Plan(sweep, ["*Nothing*"], Artifacts));
    }

    private static (PlannedCase Plan, MeasurementStore Store) BackendCase()
    {
        var sweep = Selected("backends-cpu");
        var plan = SweepRunner.Plan(sweep, [], Artifacts).Single();
        var store = new MeasurementStore();
        foreach (var bc in plan.Runnable)
            store.Set(new MeasurementKey("backends", SweepRunner.VariantOf(bc), plan.Case),
                new CaseMeasurement(double.PositiveInfinity, 0, 500, "case-peak-rss", "cpu model", false));
        return (plan, store);
    }

    [Fact]
    public void Rows_carry_the_question_variant_statistics_and_side_measurements_and_every_backend_gets_a_speedup()
    {
        var (plan, store) = BackendCase();
        // TorchSharp FP32 (the baseline) takes 100 ms; every other variant 50 ms; ±1 ms spread each; one round
        var samples = new SampleStore();
        foreach (var bc in plan.Runnable)
            samples.AddRound(new MeasurementKey("backends", SweepRunner.VariantOf(bc), plan.Case), SweepRunner.VariantOf(bc).IsBaseline ? [99.0, 100, 101] : [49.0, 50, 51]);
        var rows = SweepRunner.BuildRows(plan, "cpu", store, samples);
        ResultMath.FillSpeedups(rows);

        Assert.Equal(8, rows.Count);
        Assert.All(rows, r => Assert.Equal("backends", r.Question));
        var baseline = Assert.Single(rows, r => r.IsBaseline);
        Assert.Equal(("torchsharp", "fp32", "torchsharp:hoisted/fp32/ln-fused", 1.0), (baseline.Backend, baseline.Precision, baseline.Variant, baseline.Speedup));
        var measured = rows.Where(r => r.IsOk && !r.IsBaseline).ToList();
        Assert.Equal(5, measured.Count);
        Assert.All(measured, r => Assert.Equal((2.0, "ratio of medians"), (r.Speedup, r.SpeedupMethod))); // one round: nothing to pair
        Assert.Equal(4, measured.Count(r => r.Backend == "ort"));
        // spread: 3 samples, sd 1, half-width t(0.9995, 2) / sqrt(3) ≈ 18.2 ms: the interval is wide but computed
        Assert.All(measured, r => Assert.True(r.SpeedupLow < 2 && r.SpeedupHigh > 2, $"{r.SpeedupLow}..{r.SpeedupHigh}"));
        Assert.All(rows.Where(r => r.IsOk), r => Assert.Equal((3, 500.0, "case-peak-rss", "cpu model"), (r.Samples, r.PeakMemoryMB, r.MemoryScope, r.DeviceName)));
        var ops = rows.Where(r => r.Plugins != "none").ToList();
        Assert.Equal(4, ops.Count); // two ORT and two TensorRT variants with the five ops
        Assert.All(ops, r => Assert.Equal("window_mask+ln_roll_partition+reverse_roll_add+qkv_split+layer_norm_fp32", r.Plugins));
        var trt = rows.Where(r => r.Backend == "tensorrt").ToList();
        Assert.All(trt, r => Assert.StartsWith("unavailable: tensorrt: ", r.Status));
        Assert.All(trt, r => Assert.Equal("not measured", r.SpeedupNote));
    }

    [Fact]
    public void Without_the_baseline_every_speedup_is_empty_with_the_reason()
    {
        var (plan, store) = BackendCase();
        var baselineVariant = plan.Question.Baseline;
        store.Set(new MeasurementKey("backends", baselineVariant, plan.Case),
            new CaseMeasurement(double.NaN, double.NaN, null, "", "n/a", false, "libtorch: out of memory"));
        var samples = new SampleStore();
        foreach (var bc in plan.Runnable)
            samples.AddRound(new MeasurementKey("backends", SweepRunner.VariantOf(bc), plan.Case), SweepRunner.VariantOf(bc).IsBaseline ? null : [49.0, 50, 51]);
        var rows = SweepRunner.BuildRows(plan, "cpu", store, samples);
        ResultMath.FillSpeedups(rows);

        var baseline = rows.Single(r => r.IsBaseline);
        Assert.Equal("error: libtorch: out of memory", baseline.Status);
        Assert.All(rows.Where(r => r.IsOk), r =>
        {
            Assert.True(double.IsNaN(r.Speedup));
            Assert.Equal("no ok baseline row of question backends for this case and device", r.SpeedupNote);
        });
        Assert.Contains("– (no ok baseline row", ResultFormat.SpeedupWithInterval(rows.First(r => r.IsOk)));
    }

    [Fact]
    public void A_variant_without_samples_or_measurement_is_an_error_row()
    {
        var q = MaskHoistingBenchmarks.Definition;
        var c = BenchCase.Custom(BenchTask.Get("lightweight-x2"), 24, 32);
        var row = RowBuilder.Measured(q, q.Variants[1], c, "cuda:0", null, null);
        Assert.Equal("error: benchmark failed (see the BenchmarkDotNet log in raw/bdn)", row.Status);
        Assert.Equal(("cuda", "mask-hoisting", "torchsharp:hoisted/fp32/ln-fused", 1, false), (row.Device, row.Question, row.Variant, row.Step, row.IsBaseline));
        Assert.Equal("lightweight-x2 synthetic 24x32", c.ToString());
    }
}

[CollectionDefinition(nameof(BenchRunCollection), DisableParallelization = true)]
public sealed class BenchRunCollection;

/// <summary>Rows measured outside BenchmarkDotNet join a question's run and get its baseline's speedups.</summary>
public class PeerRowTests
{
    [Fact]
    public void A_peer_row_appended_to_a_question_gets_a_speedup_over_its_baseline()
    {
        var dir = Directory.CreateTempSubdirectory("swinbench-peers-").FullName;
        try
        {
            var q = BackendBenchmarks.Definition;
            var c = BenchCase.Custom(BenchTask.Get("lightweight-x2"), 24, 32);
            var baseline = LatencyStatistics.Of([99.0, 100, 101]).ApplyTo(RowBuilder.Describe(q, q.Baseline, c, "cpu") with { RunId = "run-a" });
            var store = new ResultsStore(dir);
            store.Append([baseline]);
            Assert.Equal("run-a", store.LatestRunId("backends"));
            Assert.Null(store.LatestRunId("ablation"));

            var peer = RowBuilder.Peer(q, "pytorch", q.Baseline.Options, c, "cpu", [24.0, 25, 26], store.LatestRunId("backends")!);
            Assert.Equal(("pytorch", "pytorch:hoisted/fp32/ln-fused", q.Variants.Count, 25.0), (peer.Backend, peer.Variant, peer.Step, peer.MedianMs));
            var rows = store.AppendToQuestion([peer]);

            var back = Assert.Single(new ResultsStore(dir).Read(), r => r.Backend == "pytorch");
            Assert.Equal(4.0, back.Speedup);
            Assert.True(back.SpeedupLow < 4 && back.SpeedupHigh > 4);
            Assert.Equal(2, rows.Count);
            Assert.Equal("row 'x' names no question; set ResultRow.Question",
                Assert.Throws<ArgumentException>(() => store.AppendToQuestion([peer with { Question = "", Variant = "x" }])).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
