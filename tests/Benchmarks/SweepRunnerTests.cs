using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Benchmarks;

/// <summary>
/// The runner without running a benchmark: which cases a sweep selects, the rows it builds from samples and side
/// measurements, and the speedups of those rows.
/// </summary>
public class SweepRunnerTests
{
    private static SweepRun Selected(string name, string device = "cpu") =>
        new(Sweep.Get(name, DatasetManifest.Default) with { Device = device }, "test-run");

    [Fact]
    public void Quick_asks_the_backend_question_by_default_and_mask_hoisting_one_flag_away_on_one_fp32_case()
    {
        var run = new SweepRun(Sweep.Quick(DatasetManifest.Default), "q");
        var p = Assert.Single(SweepRunner.Plan(run));
        Assert.Equal(("backends", "lightweight-x4 Set5 86x57"), (p.Question.Name, p.Case.ToString()));
        Assert.Equal(["TorchSharp", "OnnxRuntime", "OnnxRuntime", "TensorRt"],
            p.Runnable.Select(SweepRunner.VariantOf).Concat(p.Unavailable.Select(u => u.Variant)).Select(v => v.Backend.ToString()));
        Assert.All(p.Runnable.Select(SweepRunner.VariantOf), v => Assert.Equal(Precision.Fp32, v.Precision));
        Assert.All(p.Runnable, bc => Assert.Same(run, bc.Parameters[nameof(Question.Run)])); // the run travels as a parameter value

        var masks = Assert.Single(SweepRunner.Plan(new SweepRun(Sweep.Quick(DatasetManifest.Default, "mask-hoisting"), "q")));
        Assert.Equal(["per-block fp32", "hoisted fp32"], masks.Runnable.Select(bc => SweepRunner.VariantOf(bc).Name));
        Assert.Empty(masks.Unavailable);
        Assert.Equal("--question 'nope' is not one quick asks; use one of: backends, mask-hoisting",
            Assert.Throws<ArgumentException>(() => Sweep.Quick(DatasetManifest.Default, "nope")).Message);
    }

    [Fact]
    public void A_cpu_backend_sweep_records_tensorrt_as_unavailable_with_the_reason()
    {
        var p = Assert.Single(SweepRunner.Plan(Selected("backends-cpu")));
        Assert.Equal(6, p.Runnable.Count);
        Assert.Equal(2, p.Unavailable.Count);
        Assert.All(p.Unavailable, u => Assert.Equal(Backend.TensorRt, u.Variant.Backend));
        Assert.All(p.Unavailable, u => Assert.StartsWith("tensorrt: ", u.Reason));
    }

    [Fact]
    public void An_ablation_on_the_cpu_records_the_cuda_graph_step_as_unavailable_with_the_reason()
    {
        using var _ = SwinBench.Native.PluginLibrary.OverrideForTests(SwinBench.Tests.Backends.AvailabilityTests.Built);
        var run = Selected("ablation-gpu", "cpu");
        var plan = SweepRunner.Plan(run);
        Assert.NotEmpty(plan);
        foreach (var p in plan)
        {
            var (variant, reason) = Assert.Single(p.Unavailable);
            Assert.Equal("+graph", variant.Name);
            Assert.Equal("torchsharp: cuda_graph needs CUDA tensors (it captures the swin_block stages as CUDA graphs); this run is on cpu", reason);
            Assert.Contains("+block", p.Runnable.Select(bc => SweepRunner.VariantOf(bc).Name));
            var rows = RowBuilder.Rows(p with { Runnable = [] }, run);
            Assert.Equal($"unavailable: {reason}", Assert.Single(rows).Status);
        }
        if (TorchSharp.torch.cuda.is_available()) Assert.All(SweepRunner.Plan(Selected("ablation-gpu", "cuda")), p => Assert.Empty(p.Unavailable));
    }

    [Fact]
    public void Filters_are_benchmark_dotnet_globs_over_the_question_class()
    {
        var run = Selected("all");
        Assert.Equal(["mask-hoisting", "precision", "layernorm"], SweepRunner.Plan(run).Select(p => p.Question.Name).Distinct());
        Assert.Equal(["precision"], SweepRunner.Plan(run, ["*Precision*"]).Select(p => p.Question.Name).Distinct());
        Assert.Empty(SweepRunner.Plan(run, ["*Nothing*"]));
    }

    private static (PlannedCase Plan, SweepRun Run) BackendCase()
    {
        var run = Selected("backends-cpu");
        var plan = SweepRunner.Plan(run).Single();
        foreach (var bc in plan.Runnable)
            run.Measurements.Set(new MeasurementKey("backends", SweepRunner.VariantOf(bc), plan.Case),
                new CaseMeasurement(double.PositiveInfinity, 0, 500, "case-peak-rss", "cpu model", false));
        return (plan, run);
    }

    [Fact]
    public void Rows_carry_the_question_variant_statistics_and_side_measurements_and_every_backend_gets_a_speedup()
    {
        var (plan, run) = BackendCase();
        // TorchSharp FP32 (the baseline) takes 100 ms; every other variant 50 ms; ±1 ms spread each; one round
        foreach (var bc in plan.Runnable)
            run.Samples.AddRound(new MeasurementKey("backends", SweepRunner.VariantOf(bc), plan.Case), 0, SweepRunner.VariantOf(bc).IsBaseline ? [99.0, 100, 101] : [49.0, 50, 51]);
        var rows = RowBuilder.Rows(plan, run);
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
        var (plan, run) = BackendCase();
        var baselineVariant = plan.Question.Baseline;
        run.Measurements.Fail(new MeasurementKey("backends", baselineVariant, plan.Case), "error: libtorch: out of memory");
        foreach (var bc in plan.Runnable)
            run.Samples.AddRound(new MeasurementKey("backends", SweepRunner.VariantOf(bc), plan.Case), 0, SweepRunner.VariantOf(bc).IsBaseline ? null : [49.0, 50, 51]);
        var rows = RowBuilder.Rows(plan, run);
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
        Assert.Equal("error: benchmark failed (see raw/benchmarkdotnet.log)", row.Status);
        Assert.Equal(("cuda", "mask-hoisting", "torchsharp:hoisted/fp32/ln-fused", 1, false), (row.Device, row.Question, row.Variant, row.Step, row.IsBaseline));
        Assert.Equal("lightweight-x2 synthetic 24x32", c.ToString());
    }
}


/// <summary>Rows measured by the PyTorch peer runner (<see cref="SwinBench.Peers.PeerRows.ToRow"/>) beside a question's own rows.</summary>
public class PeerRowTests
{
    private static readonly BenchCase Case = BenchCase.Custom(BenchTask.Get("lightweight-x2"), 24, 32);

    private static SwinBench.Peers.PeerMeasurement Measured(string mode, params double[] samples) => new()
    {
        Case = Case.ToString(), Task = Case.Task.Name, H = Case.H, W = Case.W, Mode = mode, Precision = "fp32", Mask = "perblock",
        Device = "cpu", Status = "ok", SamplesMs = samples, Iterations = samples.Length,
    };

    [Fact]
    public void A_peer_row_appended_to_a_question_gets_a_speedup_over_its_baseline()
    {
        var dir = Directory.CreateTempSubdirectory("swinbench-peers-").FullName;
        try
        {
            var q = BackendBenchmarks.Definition;
            var baseline = LatencyStatistics.Of([99.0, 100, 101]).ApplyTo(RowBuilder.Describe(q, q.Baseline, Case, "cpu") with { RunId = "run-a" });
            var store = new ResultsStore(dir);
            store.Append([baseline]);
            Assert.Equal("run-a", store.LatestRunId("backends"));
            Assert.Null(store.LatestRunId("ablation"));

            var peer = SwinBench.Peers.PeerRows.ToRow(Measured("eager-fp32-perblock", 24.0, 25, 26), new SwinBench.Peers.PeerCase(Case), "run-a", EnvironmentInfo.Capture())
                with { Question = "backends", IsBaseline = false, Step = q.Variants.Count };
            Assert.Equal(("pytorch", "eager-fp32-perblock", 25.0), (peer.Backend, peer.Variant, peer.MedianMs));
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

    [Fact]
    public void A_peer_variant_of_the_study_is_named_stepped_and_marked_baseline_as_declared()
    {
        var q = StudyBenchmarks.Cpu;
        var eager = q.Peers.Single(p => p.IsBaseline);
        var row = RowBuilder.FromPeer(q, eager, Measured("eager-fp32-perblock", 10.0, 11, 12), new SwinBench.Peers.PeerCase(Case), "study-cpu-x", EnvironmentInfo.Capture());
        Assert.Equal(("study", "pytorch-eager-fp32", 0, true, "pytorch", 11.0), (row.Question, row.Variant, row.Step, row.IsBaseline, row.Backend, row.MedianMs));
        var compile = RowBuilder.FromPeer(q, q.Peers[1], Measured("compile-dynamic", 5.0) with { Precision = "fp16" }, new SwinBench.Peers.PeerCase(Case), "study-cpu-x", EnvironmentInfo.Capture());
        Assert.Equal(("pytorch-compile", 1, false), (compile.Variant, compile.Step, compile.IsBaseline));
    }
}
