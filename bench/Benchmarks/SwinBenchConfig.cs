using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// The one BenchmarkDotNet configuration of SwinBench: in-process (works without an SDK, e.g. on the GPU machine, and
/// lets the benchmarks share the sweep and side results), the monitoring strategy for millisecond-to-second operations
/// (one invocation per iteration, warm-up excluded), the sweep's warm-up and iteration counts, ratio/percentile columns
/// and the fidelity and memory columns.
/// </summary>
public sealed class SwinBenchConfig : ManualConfig
{
    public SwinBenchConfig()
    {
        var sweep = Sweep.Current;
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(sweep?.WarmupCount ?? 1)
            .WithIterationCount(sweep?.IterationCount ?? 5)
            .WithId(sweep?.Name ?? "swinbench"));
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Min);
        AddColumn(new MeasurementColumn("PSNR vs FP32 (dB)", m => double.IsPositiveInfinity(m.FidelityPsnrDb) ? "identical" : $"{m.FidelityPsnrDb:F2}"));
        AddColumn(new MeasurementColumn("Device MB", m => m.MemoryMB is { } mb ? $"{mb:F0}" : "n/a"));
        AddLogger(ConsoleLogger.Default);
        AddExporter(MarkdownExporter.GitHub);
        WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}

/// <summary>A summary column showing one field of the case's <see cref="CaseMeasurement"/>.</summary>
public sealed class MeasurementColumn(string name, Func<CaseMeasurement, string> format) : IColumn
{
    public string Id => "SwinBench." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => name;
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var m = Find(benchmarkCase);
        return m is null ? "n/a" : format(m);
    }

    /// <summary>The side results recorded by the benchmark's setup for this case.</summary>
    public static CaseMeasurement? Find(BenchmarkCase bc)
    {
        var method = bc.Descriptor.WorkloadMethod.Name;
        var c = (BenchCase)bc.Parameters["Case"];
        var p = bc.Parameters.Items.Any(i => i.Name == "Precision") ? (Precision)bc.Parameters["Precision"] : Precision.Fp32;
        return Measurements.Get(method, c, p);
    }
}
