using BenchmarkDotNet.Running;
using SwinBench.Backends;
using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Benchmarks;

/// <summary>
/// Rounds: the samples recorded round by round, the rows' per-round medians and paired speedups, the summary column
/// that shows the CSV's speedup, and the sessions kept across a case's rounds. Sets <see cref="BenchRun.Current"/>.
/// </summary>
[Collection(nameof(BenchRunCollection))]
public class RoundsTests
{
    private static readonly string Artifacts = Path.Combine(Path.GetTempPath(), "swinbench-rounds-tests");

    /// <summary>quick's first case with its two variants (per-block, the baseline, and hoisted), and a fresh run.</summary>
    private static (BenchRun Run, PlannedCase Plan, BenchmarkCase Baseline, BenchmarkCase Hoisted) QuickCase()
    {
        var sweep = Sweep.Get("quick", DatasetManifest.Default);
        var run = BenchRun.Current = new BenchRun(sweep);
        var plan = SweepRunner.Plan(sweep, [], Artifacts)[0];
        foreach (var bc in plan.Runnable)
            run.Measurements.Set(Key(plan, bc), new CaseMeasurement(double.PositiveInfinity, 0, 300, "case-peak-rss", "cpu model", false));
        return (run, plan, plan.Runnable.Single(bc => SweepRunner.VariantOf(bc).IsBaseline), plan.Runnable.Single(bc => !SweepRunner.VariantOf(bc).IsBaseline));
    }

    private static MeasurementKey Key(PlannedCase plan, BenchmarkCase bc) => new(plan.Question.Name, SweepRunner.VariantOf(bc), plan.Case);

    [Fact]
    public void Rows_carry_each_rounds_median_and_the_pooled_statistics()
    {
        var (run, plan, baseline, hoisted) = QuickCase();
        run.Samples.AddRound(Key(plan, baseline), [100.0, 104, 102]);
        run.Samples.AddRound(Key(plan, baseline), [90.0]);
        run.Samples.AddRound(Key(plan, hoisted), [50.0, 52, 51]);
        run.Samples.AddRound(Key(plan, hoisted), [45.0]);
        var rows = SweepRunner.BuildRows(plan, "cpu", run.Measurements, run.Samples);
        ResultMath.FillSpeedups(rows);

        var b = rows.Single(r => r.IsBaseline);
        var h = rows.Single(r => !r.IsBaseline);
        Assert.Equal([102.0, 90.0], b.RoundMediansMs);
        Assert.Equal((4, 101.0), (b.Samples, b.MedianMs)); // the median of all four samples
        Assert.Equal([51.0, 45.0], h.RoundMediansMs);
        Assert.Equal(("paired over 2 rounds", 2.0), (h.SpeedupMethod, h.Speedup)); // 102/51 = 90/45 = 2
    }

    [Fact]
    public void A_variant_that_failed_in_one_round_has_no_samples_and_an_error_row()
    {
        var (run, plan, baseline, hoisted) = QuickCase();
        run.Samples.AddRound(Key(plan, hoisted), [50.0]);
        run.Samples.AddRound(Key(plan, hoisted), null);
        run.Samples.AddRound(Key(plan, hoisted), [51.0]);
        run.Samples.AddRound(Key(plan, baseline), [100.0]);
        Assert.Null(run.Samples.Rounds(Key(plan, hoisted)));
        var rows = SweepRunner.BuildRows(plan, "cpu", run.Measurements, run.Samples);
        Assert.StartsWith("error: ", rows.Single(r => !r.IsBaseline).Status);
        Assert.True(rows.Single(r => r.IsBaseline).IsOk);
    }

    [Fact]
    public void The_summary_column_of_the_last_round_shows_the_speedup_the_csv_gets()
    {
        var (run, plan, baseline, hoisted) = QuickCase();
        object round1 = new(), round2 = new(), round3 = new();
        double[][] b = [[2300.0], [2600.0], [2200.0]], h = [[2100.0], [2500.0], [2150.0]];
        foreach (var (round, i) in new[] { (round1, 0), (round2, 1) })
        {
            run.Samples.AddRound(Key(plan, baseline), b[i], round);
            run.Samples.AddRound(Key(plan, hoisted), h[i], round);
        }
        // the last round's summary is shown before the runner records that round
        (BenchmarkCase, IReadOnlyList<double>?)[] last = [(hoisted, h[2]), (baseline, b[2])];
        var shown = RowColumn.RowsOf(run, last, round3);
        run.Samples.AddRound(Key(plan, baseline), b[2], round3);
        run.Samples.AddRound(Key(plan, hoisted), h[2], round3);
        var csv = SweepRunner.BuildRows(plan, "cpu", run.Measurements, run.Samples);
        ResultMath.FillSpeedups(csv);
        var written = ResultCsv.ParseText(ResultCsv.ToText(csv)).Single(r => !r.IsBaseline);

        var column = shown[hoisted];
        Assert.Equal("paired over 3 rounds", written.SpeedupMethod);
        Assert.Equal((written.Speedup, written.SpeedupLow, written.SpeedupHigh, written.SpeedupMethod),
            (column.Speedup, column.SpeedupLow, column.SpeedupHigh, column.SpeedupMethod));
        Assert.Equal(ResultFormat.SpeedupWithInterval(written), ResultFormat.SpeedupWithInterval(column));
        // once recorded, the same round is not counted twice
        Assert.Equal(written.Speedup, RowColumn.RowsOf(run, last, round3)[hoisted].Speedup);
        // an earlier round's summary showed the rounds up to it
        var first = RowColumn.RowsOf(run, [(hoisted, h[0]), (baseline, b[0])], round1)[hoisted];
        Assert.Equal((2300.0 / 2100.0, "ratio of medians"), (first.Speedup, first.SpeedupMethod));
    }

    private sealed class FakeSession : IInferenceSession
    {
        public int Disposed { get; private set; }
        public string Backend => "torchsharp";
        public string Device => "cpu";
        public string DeviceName => "fake";
        public void SetInput(float[] nchw, long[] shape) { }
        public void Run() { }
        public (float[] Data, long[] Shape) GetOutput() => ([], []);
        public double? DeviceMemoryMB() => null;
        public void Dispose() => Disposed++;
    }

    [Fact]
    public void The_session_cache_hands_a_kept_session_back_and_disposes_each_once_when_cleared()
    {
        var (_, plan, baseline, hoisted) = QuickCase();
        using var cache = new SessionCache(keeps: true);
        FakeSession a = new(), b = new();
        Assert.True(cache.Keep(Key(plan, baseline), a));
        Assert.True(cache.Keep(Key(plan, hoisted), b));
        Assert.True(cache.TryGet(Key(plan, baseline), out var got));
        Assert.Same(a, got);
        Assert.True(cache.Holds(b));
        Assert.Equal((2, 2, 1), (cache.Count, cache.Kept, cache.Reused));
        Assert.Equal((0, 0), (a.Disposed, b.Disposed));

        cache.Clear();
        Assert.Equal((0, 1, 1), (cache.Count, a.Disposed, b.Disposed));
        Assert.False(cache.Holds(a));
        Assert.False(cache.TryGet(Key(plan, baseline), out _));
        cache.Clear();
        Assert.Equal((1, 1), (a.Disposed, b.Disposed));

        var off = new SessionCache(keeps: false);
        Assert.False(off.Keep(Key(plan, baseline), a));
        Assert.Equal((0, false), (off.Count, off.Holds(a)));
    }

    [Fact]
    public void A_sweep_of_several_rounds_keeps_each_session_and_runs_the_benchmark_once_per_variant_and_round()
    {
        var dir = Directory.CreateTempSubdirectory("swinbench-rounds-").FullName;
        try
        {
            var sweep = new Sweep("rounds-test", "two variants, three rounds of one iteration", [typeof(CountingQuestion)],
                [BenchCase.Custom(BenchTask.Get("lightweight-x2"), 16, 16)], [Precision.Fp32], "cpu", WarmupCount: 0, IterationCount: 1) { Rounds = 3 };
            CountingQuestion.Invocations = 0;
            var rows = SweepRunner.Run(sweep, dir, [], _ => { });
            var run = BenchRun.Current;

            // no pilot, jitting or warm-up invocation: 3 rounds x 2 variants
            Assert.Equal(6, CountingQuestion.Invocations);
            // each variant's session opened (and measured) in the first round, taken in the two later ones, disposed at the end
            Assert.Equal((2, 4, 0), (run.Sessions.Kept, run.Sessions.Reused, run.Sessions.Count));
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.True(r.IsOk, r.Status));
            Assert.All(rows, r => Assert.Equal((3, 3), (r.Samples, r.RoundMediansMs.Count)));
            Assert.All(rows, r => Assert.False(double.IsNaN(r.FidelityPsnrDb))); // measured by the first round's setup
            var hoisted = rows.Single(r => !r.IsBaseline);
            Assert.Equal("paired over 3 rounds", hoisted.SpeedupMethod);
            var back = new ResultsStore(dir).Read().Single(r => !r.IsBaseline);
            Assert.Equal((hoisted.RoundMediansMs, hoisted.Speedup, hoisted.SpeedupMethod), (back.RoundMediansMs, back.Speedup, back.SpeedupMethod));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>Per-block vs hoisted masks, counting the benchmark method's invocations (the default session setup, so it is kept).</summary>
public class CountingQuestion : Question
{
    public static int Invocations;

    public static readonly QuestionSpec Definition = new("counting", "per-block vs hoisted, counted",
        QuestionSpec.BaselineVariant("per-block fp32", new ModelOptions { Mask = MaskMode.PerBlock }),
        new Variant("hoisted fp32", new ModelOptions { Mask = MaskMode.Hoisted }));

    public override QuestionSpec Spec => Definition;

    protected override void Measure()
    {
        Invocations++;
        base.Measure();
    }
}
