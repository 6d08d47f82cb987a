using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SwinBench.Results;

namespace SwinBench.Benchmarks;

/// <summary>
/// The one BenchmarkDotNet configuration of SwinBench: in-process (works without an SDK, e.g. on the GPU machine, and
/// lets the benchmarks share the run's sweep and measurements), the monitoring strategy for millisecond-to-second
/// operations (one invocation per iteration, warm-up excluded), the sweep's warm-up and iteration counts, and the
/// columns SwinBench's own table shows: the median (the statistic of the whole study), the 99.9% confidence half-width,
/// p5/p95, the sample count, the speedup over the question's baseline variant computed by <see cref="ResultMath"/>
/// (the CSV's definition), fidelity and memory.
/// </summary>
public sealed class SwinBenchConfig : ManualConfig
{
    public SwinBenchConfig()
    {
        var sweep = BenchRun.CurrentOrNull?.Sweep;
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(sweep?.WarmupCount ?? 1)
            .WithIterationCount(sweep?.IterationCount ?? 5)
            .WithId(sweep?.Name ?? "swinbench"));
        AddColumnProvider(DefaultColumnProviders.Params);
        AddColumn(StatisticColumn.Median, new RowColumn("CI99.9% ±", r => ResultFormat.Ms(r.Ci999HalfwidthMs) + " ms"),
            StatisticColumn.P95, StatisticColumn.Iterations);
        AddColumn(new RowColumn("Speedup", r => ResultFormat.SpeedupWithInterval(r)));
        AddColumn(new RowColumn("PSNR vs FP32", r => ResultFormat.Psnr(r.FidelityPsnrDb)));
        AddColumn(new RowColumn("Memory MB", r => ResultFormat.Memory(r)));
        AddLogger(new QuietConsoleLogger());
        AddExporter(MarkdownExporter.GitHub);
        WithOptions(ConfigOptions.DisableLogFile);
        WithSummaryStyle(SummaryStyle.Default
            .WithMaxParameterColumnWidth(48)
            .WithTimeUnit(Perfolizer.Horology.TimeUnit.Millisecond));
    }
}

/// <summary>
/// A summary column showing one field of the SwinBench row of the case, built from the summary the way the CSV row is
/// built (<see cref="RowBuilder"/>, <see cref="ResultMath.FillSpeedups"/>): the speedup shown is the CSV's. In a sweep of
/// several rounds a summary is one round; its rows take the case's earlier rounds from <see cref="BenchRun.Samples"/>,
/// so the last round's summary shows the speedup the CSV gets.
/// </summary>
public sealed class RowColumn(string name, Func<ResultRow, string> format) : IColumn
{
    public string Id => "SwinBench." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => name;
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        RowsOf(summary).TryGetValue(benchmarkCase, out var row) ? format(row) : "n/a";

    /// <summary>The SwinBench rows of a summary's reports, speedups filled within it.</summary>
    public static Dictionary<BenchmarkCase, ResultRow> RowsOf(Summary summary) =>
        BenchRun.CurrentOrNull is { } run
            ? RowsOf(run, summary.Reports.Select(r => (r.BenchmarkCase, r.Success ? (IReadOnlyList<double>?)SweepRunner.SamplesMs(r) : null)), summary)
            : [];

    /// <summary>
    /// The rows of one round's benchmark cases with that round's samples (null: failed): the case's rounds recorded in
    /// <paramref name="run"/> before the round <paramref name="round"/> (all of them when it is not recorded yet), then
    /// this one; speedups filled within them.
    /// </summary>
    public static Dictionary<BenchmarkCase, ResultRow> RowsOf(BenchRun run, IEnumerable<(BenchmarkCase Case, IReadOnlyList<double>? Samples)> reports,
        object round)
    {
        var rows = new Dictionary<BenchmarkCase, ResultRow>();
        foreach (var (bc, samples) in reports)
        {
            var spec = Sweep.SpecOf(bc.Descriptor.Type);
            var v = SweepRunner.VariantOf(bc);
            var c = SweepRunner.CaseOf(bc);
            var key = new MeasurementKey(spec.Name, v, c);
            var earlier = run.Samples.Rounds(key, before: round);
            var rounds = earlier is null || samples is not { Count: > 0 } ? null : earlier.Append(samples).ToList();
            rows[bc] = RowBuilder.Measured(spec, v, c, run.Sweep.Device, run.Measurements.Get(key), rounds);
        }
        ResultMath.FillSpeedups(rows.Values);
        return rows;
    }
}
