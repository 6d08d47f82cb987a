using System.Collections.Immutable;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>One case of one question as the runner runs it: the benchmark cases to time and the variants that cannot run here.</summary>
public sealed record PlannedCase(QuestionSpec Question, Type QuestionType, BenchCase Case, IReadOnlyList<BenchmarkCase> Runnable,
    IReadOnlyList<(Variant Variant, string Reason)> Unavailable, ImmutableConfig Config);

/// <summary>
/// Runs a <see cref="Sweep"/> through BenchmarkDotNet, one case of one question at a time (all its variants together,
/// so the baseline is there), in <see cref="Sweep.Rounds"/> rounds of alternating variant order whose samples make one
/// row per variant (with each round's median, for paired speedups: <see cref="ResultMath.SpeedupOf"/>), and appends
/// that case's rows to the results CSV as soon as it finishes: an interrupted run keeps every finished case. With
/// several rounds the variants' sessions stay open across the case's rounds (<see cref="SessionCache"/>) and are
/// disposed after its last one. BenchmarkDotNet's artifacts go to <c>raw/bdn</c> of the results folder.
/// </summary>
public static class SweepRunner
{
    public static IReadOnlyList<ResultRow> Run(Sweep sweep, string outDir, IReadOnlyList<string> filters, Action<string> log)
    {
        TorchDevices.Resolve(sweep.Device); // fail early, with the reason, when the device is not here
        var run = BenchRun.Current = new BenchRun(sweep);
        var cpu = !sweep.Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);
        if (sweep.CpuThreads is { } threads && cpu) TorchSharp.torch.set_num_threads(threads);
        Directory.CreateDirectory(outDir);
        var store = new ResultsStore(outDir);
        var env = RunEnvironment.Capture();
        var runId = $"{sweep.Name}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
        var plan = Plan(sweep, filters, Path.Combine(outDir, "raw", "bdn"));
        var written = new List<ResultRow>();
        var index = 0;
        foreach (var planned in plan)
        {
            log($"[{++index}/{plan.Count}] {planned.Question.Name}: {planned.Case} ({planned.Runnable.Count} variants" +
                (planned.Unavailable.Count > 0 ? $", {planned.Unavailable.Count} unavailable here)" : ")"));
            try
            {
                RunRounds(planned, sweep.Rounds, run.Samples);
            }
            finally
            {
                run.Sessions.Clear();
            }
            var rows = BuildRows(planned, sweep.Device, run.Measurements, run.Samples)
                .Select(r => (r with { RunId = runId, TimestampUtc = DateTime.UtcNow }).WithEnvironment(env)).ToList();
            ResultMath.FillSpeedups(rows);
            store.Append(rows);
            written.AddRange(rows);
        }
        return written;
    }

    /// <summary>
    /// What a sweep runs: per question and case, the BenchmarkDotNet cases that pass <paramref name="filters"/>
    /// (BenchmarkDotNet globs; none: all) and the variants whose backend cannot run on the sweep's device, with the reason.
    /// Needs <see cref="BenchRun.Current"/> to be this sweep's run.
    /// </summary>
    public static IReadOnlyList<PlannedCase> Plan(Sweep sweep, IReadOnlyList<string> filters, string artifactsPath)
    {
        // The questions carry SwinBenchConfig through [Config]; the config passed here only adds the artifacts path,
        // so BenchmarkDotNet's defaults (a second set of exporters and loggers) are not merged in.
        var config = ManualConfig.CreateEmpty().WithArtifactsPath(artifactsPath);
        var filter = filters.Count > 0 ? new GlobFilter(filters.ToArray()) : null;
        var plan = new List<PlannedCase>();
        foreach (var type in sweep.Benchmarks)
        {
            var spec = Sweep.SpecOf(type);
            var info = BenchmarkConverter.TypeToBenchmarks(type, config);
            var selected = info.BenchmarksCases.Where(bc => filter?.Predicate(bc) ?? true);
            foreach (var group in selected.GroupBy(CaseOf).OrderBy(g => g.Key))
            {
                var unavailable = new List<(Variant, string)>();
                var runnable = new List<BenchmarkCase>();
                foreach (var bc in group.OrderBy(VariantOf))
                {
                    if (UnavailableReason(VariantOf(bc), sweep.Device) is { } why) unavailable.Add((VariantOf(bc), why));
                    else runnable.Add(bc);
                }
                plan.Add(new PlannedCase(spec, type, group.Key, runnable, unavailable, info.Config));
            }
        }
        return plan;
    }

    /// <summary>Why a variant cannot run on <paramref name="device"/> here (its backend, or a CUDA-only kernel mode on the CPU), or null.</summary>
    public static string? UnavailableReason(Variant v, string device) => v.Backend switch
    {
        Backend.TorchSharp when v.Options.Kernels.HasFlag(Kernels.CudaGraph) && !device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) =>
            $"torchsharp: {ModelOptions.CudaGraphNeedsCuda(device)}",
        Backend.TensorRt => SessionFactory.TensorRtUnavailableReason(device) is { } why ? $"tensorrt: {why}" : null,
        Backend.OnnxRuntime when device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) =>
            OrtAvailability.CudaUnavailableReason() is { } why ? $"ort: CUDA EP unavailable: {why}" : null,
        _ => null,
    };

    public static Variant VariantOf(BenchmarkCase bc) => (Variant)bc.Parameters["Variant"];

    public static BenchCase CaseOf(BenchmarkCase bc) => (BenchCase)bc.Parameters["Case"];

    /// <summary>
    /// Runs the case's variants <paramref name="rounds"/> times, reversing their order every other round, and records
    /// each round's timed samples (ms per operation) of each variant in <paramref name="samples"/> (a failed round: none).
    /// </summary>
    private static void RunRounds(PlannedCase planned, int rounds, SampleStore samples)
    {
        if (planned.Runnable.Count == 0) return;
        for (var round = 0; round < Math.Max(1, rounds); round++)
        {
            var order = round % 2 == 0 ? planned.Runnable : planned.Runnable.Reverse().ToList();
            var summary = BenchmarkRunner.Run(new BenchmarkRunInfo(order.ToArray(), planned.QuestionType, planned.Config));
            foreach (var report in summary.Reports)
            {
                var key = new MeasurementKey(planned.Question.Name, VariantOf(report.BenchmarkCase), planned.Case);
                samples.AddRound(key, report.Success ? SamplesMs(report) : null, summary);
            }
        }
    }

    /// <summary>The timed samples of a report in ms per operation: the workload iterations of the result stage.</summary>
    public static List<double> SamplesMs(BenchmarkReport report) =>
        report.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Result && m.Operations > 0)
            .Select(m => m.Nanoseconds / m.Operations / 1e6)
            .ToList();

    /// <summary>The rows of one planned case (without run id, timestamp and environment; speedups not yet filled).</summary>
    public static List<ResultRow> BuildRows(PlannedCase planned, string device, MeasurementStore measurements, SampleStore samples)
    {
        var rows = new List<ResultRow>();
        foreach (var bc in planned.Runnable)
        {
            var key = new MeasurementKey(planned.Question.Name, VariantOf(bc), planned.Case);
            rows.Add(RowBuilder.Measured(planned.Question, key.Variant, planned.Case, device, measurements.Get(key), samples.Rounds(key)));
        }
        rows.AddRange(planned.Unavailable.Select(u => RowBuilder.Unavailable(planned.Question, u.Variant, planned.Case, device, u.Reason)));
        return rows;
    }
}
