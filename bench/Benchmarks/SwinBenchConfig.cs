using System.Collections.Immutable;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SwinBench.Benchmarks;

/// <summary>
/// The one BenchmarkDotNet configuration of a sweep: in-process (works without an SDK, e.g. on the GPU machine, and
/// lets the benchmarks take the run's objects as parameter values), the monitoring strategy for millisecond-to-second
/// operations (one invocation per iteration, warm-up excluded, no pilot), the sweep's warm-up and iteration counts,
/// benchmark cases run in the order the runner gives (it alternates the variants' order round by round), and one
/// logger: BenchmarkDotNet's log and per-round summary tables go to the results folder's raw/ file, never the console.
/// SwinBench's own rows (<see cref="RowBuilder"/>) are the statistics it reports.
/// </summary>
public static class SwinBenchConfig
{
    public static ManualConfig For(Sweep sweep, string artifactsPath, ILogger log) => ManualConfig.CreateEmpty()
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(sweep.WarmupCount)
            .WithIterationCount(sweep.IterationCount)
            .WithId(sweep.Name))
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddLogger(log)
        .WithOrderer(GivenOrder.Instance)
        .WithArtifactsPath(artifactsPath)
        .WithOptions(ConfigOptions.DisableLogFile)
        .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(48).WithTimeUnit(Perfolizer.Horology.TimeUnit.Millisecond));

    /// <summary>Runs benchmark cases in the order they are given (BenchmarkDotNet's default sorts them by parameter).</summary>
    private sealed class GivenOrder : DefaultOrderer
    {
        public static new readonly GivenOrder Instance = new();

        public override IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarkCases,
            IEnumerable<BenchmarkLogicalGroupRule>? order = null) => benchmarkCases;
    }
}
