using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SwinBench.Backends;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// Runs a <see cref="Sweep"/> through BenchmarkDotNet, one case at a time (all variants of a case in one summary, so the
/// baseline ratio is there), and appends that case's rows to the results CSV as soon as it finishes: an interrupted
/// run keeps every finished case.
/// </summary>
public static class SweepRunner
{
    public static IReadOnlyList<ResultRow> Run(Sweep sweep, string outDir, IReadOnlyList<string> filters, Action<string> log)
    {
        TorchDevices.Resolve(sweep.Device); // fail early, with the reason, when the device is not here
        Sweep.Current = sweep;
        Measurements.Clear();
        Directory.CreateDirectory(outDir);
        var store = new ResultsStore(outDir);
        var env = RunEnvironment.Capture();
        var runId = $"{sweep.Name}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
        var config = new SwinBenchConfig().WithArtifactsPath(Path.Combine(outDir, "bdn"));
        var filter = filters.Count > 0 ? new GlobFilter(filters.ToArray()) : null;
        var written = new List<ResultRow>();
        foreach (var type in sweep.Benchmarks)
        {
            var info = BenchmarkConverter.TypeToBenchmarks(type, config);
            var cases = info.BenchmarksCases.Where(bc => filter?.Predicate(bc) ?? true).ToList();
            var groups = cases.GroupBy(bc => (BenchCase)bc.Parameters["Case"]).ToList();
            var index = 0;
            foreach (var group in groups)
            {
                log($"[{++index}/{groups.Count}] {type.Name}: {group.Key} ({group.Count()} variants)");
                // TensorRT variants where TensorRT cannot run: one row each with the reason, not run, not a failure.
                var trtReason = VariantBenchmark.TensorRtUnavailableReason(sweep.Device);
                var unavailable = trtReason is null ? [] : group.Where(IsTensorRt).ToList();
                var runnable = group.Except(unavailable).ToArray();
                var rows = runnable.Length == 0 ? [] : ToRows(BenchmarkRunner.Run(new BenchmarkRunInfo(runnable, type, info.Config)), sweep, runId, env);
                rows.AddRange(unavailable.Select(bc => UnavailableRow(bc, sweep, runId, env, "tensorrt", trtReason!)));
                ResultMath.FillSpeedups(rows);
                store.Append(rows);
                written.AddRange(rows);
            }
        }
        return written;
    }

    /// <summary>One CSV row per benchmark case of a summary.</summary>
    public static List<ResultRow> ToRows(Summary summary, Sweep sweep, string runId, EnvironmentInfo env)
    {
        var rows = new List<ResultRow>();
        foreach (var report in summary.Reports)
        {
            var bc = report.BenchmarkCase;
            var c = (BenchCase)bc.Parameters["Case"];
            var m = MeasurementColumn.Find(bc);
            var stats = report.ResultStatistics;
            var options = m?.Options;
            var row = CaseRow(c, sweep, runId, env, m?.Label ?? bc.Descriptor.WorkloadMethod.Name) with
            {
                Step = m?.Step ?? -1,
                Mask = options?.Mask.ToString().ToLowerInvariant() ?? "",
                LayerNorm = options is null ? "" : LayerNormLabel(options.LayerNorm),
                Plugins = m?.PluginsText ?? "none",
                Backend = m?.Backend ?? "torchsharp",
                DeviceName = m?.DeviceName ?? "n/a",
                Precision = options?.Precision.ToString().ToLowerInvariant() ?? "",
                FidelityPsnrDb = m?.FidelityPsnrDb ?? double.NaN,
                FidelityMaxAbs = m?.FidelityMaxAbs ?? double.NaN,
                PeakMemoryMB = m?.MemoryMB ?? double.NaN,
            };
            if (stats is not null && report.Success)
            {
                row.MeanMs = stats.Mean / 1e6;
                row.MedianMs = stats.Median / 1e6;
                row.P95Ms = stats.Percentiles.P95 / 1e6;
                row.MinMs = stats.Min / 1e6;
                row.Samples = stats.N;
            }
            else
            {
                row.Status = "error: " + (m?.Error ?? "benchmark failed (see the BenchmarkDotNet log)");
            }
            rows.Add(row);
        }
        return rows;
    }

    private static bool IsTensorRt(BenchmarkDotNet.Running.BenchmarkCase bc) =>
        bc.Descriptor.WorkloadMethod.Name.StartsWith("TensorRt", StringComparison.Ordinal);

    /// <summary>The row of a variant whose backend cannot run here: status <c>unavailable: &lt;backend&gt;: &lt;reason&gt;</c>.</summary>
    public static ResultRow UnavailableRow(BenchmarkDotNet.Running.BenchmarkCase bc, Sweep sweep, string runId, EnvironmentInfo env,
        string backend, string reason)
    {
        var method = bc.Descriptor.WorkloadMethod.Name;
        return CaseRow((BenchCase)bc.Parameters["Case"], sweep, runId, env, method) with
        {
            Step = -1,
            Plugins = "none",
            Backend = backend,
            DeviceName = "n/a",
            Precision = method.EndsWith("Fp16", StringComparison.Ordinal) ? "fp16" : "fp32",
            Status = $"unavailable: {backend}: {reason}".ReplaceLineEndings(" "),
        };
    }

    /// <summary>What every row of a case says about the run, the case's input and the machine.</summary>
    private static ResultRow CaseRow(BenchCase c, Sweep sweep, string runId, EnvironmentInfo env, string variant) => new ResultRow
    {
        RunId = runId,
        TimestampUtc = DateTime.UtcNow,
        Task = c.Task.Name,
        Model = c.Task.ModelName,
        Variant = variant,
        Device = sweep.Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? "cuda" : "cpu",
        Dataset = c.Dataset,
        SizeClass = c.SizeClass,
        Image = c.Image,
        Images = 1,
        H = c.H,
        W = c.W,
        Megapixels = c.Megapixels,
    }.WithEnvironment(env);

    public static string LayerNormLabel(SwinBench.Model.LayerNormMode mode) => mode switch
    {
        SwinBench.Model.LayerNormMode.Fp32Accumulate => "fp32",
        _ => mode.ToString().ToLowerInvariant(),
    };
}
