using BenchmarkDotNet.Running;
using SwinBench.Backends;
using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Benchmarks;

/// <summary>
/// Rounds: the samples recorded by round number, the rows' per-round medians and paired speedups, and the sessions
/// kept across a case's rounds (and sizes).
/// </summary>
public class RoundsTests
{
    /// <summary>quick's mask-hoisting case with its two variants (per-block, the baseline, and hoisted), and a fresh run.</summary>
    private static (SweepRun Run, PlannedCase Plan, BenchmarkCase Baseline, BenchmarkCase Hoisted) QuickCase()
    {
        var run = new SweepRun(Sweep.Quick(DatasetManifest.Default, "mask-hoisting"), "quick-test");
        var plan = SweepRunner.Plan(run)[0];
        foreach (var bc in plan.Runnable)
            run.Measurements.Set(Key(plan, bc), new CaseMeasurement(double.PositiveInfinity, 0, 300, "case-peak-rss", "cpu model", false));
        return (run, plan, plan.Runnable.Single(bc => SweepRunner.VariantOf(bc).IsBaseline), plan.Runnable.Single(bc => !SweepRunner.VariantOf(bc).IsBaseline));
    }

    private static MeasurementKey Key(PlannedCase plan, BenchmarkCase bc) => new(plan.Question.Name, SweepRunner.VariantOf(bc), plan.Case);

    [Fact]
    public void Rows_carry_each_rounds_median_and_the_pooled_statistics()
    {
        var (run, plan, baseline, hoisted) = QuickCase();
        run.Samples.AddRound(Key(plan, baseline), 0, [100.0, 104, 102]);
        run.Samples.AddRound(Key(plan, baseline), 1, [90.0]);
        run.Samples.AddRound(Key(plan, hoisted), 0, [50.0, 52, 51]);
        run.Samples.AddRound(Key(plan, hoisted), 1, [45.0]);
        var rows = RowBuilder.Rows(plan, run);
        ResultMath.FillSpeedups(rows);

        var b = rows.Single(r => r.IsBaseline);
        var h = rows.Single(r => !r.IsBaseline);
        Assert.Equal([102.0, 90.0], b.RoundMediansMs);
        Assert.Equal((4, 101.0), (b.Samples, b.MedianMs)); // the median of all four samples
        Assert.Equal([51.0, 45.0], h.RoundMediansMs);
        Assert.Equal(("paired over 2 rounds", 2.0), (h.SpeedupMethod, h.Speedup)); // 102/51 = 90/45 = 2
    }

    [Fact]
    public void Rounds_are_numbered_so_their_order_is_the_round_order_and_a_round_recorded_again_replaces_itself()
    {
        var (run, plan, baseline, _) = QuickCase();
        var key = Key(plan, baseline);
        run.Samples.AddRound(key, 2, [30.0]);
        run.Samples.AddRound(key, 0, [10.0]);
        run.Samples.AddRound(key, 1, [99.0]);
        run.Samples.AddRound(key, 1, [20.0]);
        Assert.Equal([[10.0], [20.0], [30.0]], run.Samples.Rounds(key)!.Select(r => r.ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.Samples.AddRound(key, -1, [1.0]));
    }

    [Fact]
    public void A_variant_that_failed_in_one_round_has_no_samples_and_an_error_row()
    {
        var (run, plan, baseline, hoisted) = QuickCase();
        run.Samples.AddRound(Key(plan, hoisted), 0, [50.0]);
        run.Samples.AddRound(Key(plan, hoisted), 1, null);
        run.Samples.AddRound(Key(plan, hoisted), 2, [51.0]);
        run.Samples.AddRound(Key(plan, baseline), 0, [100.0]);
        Assert.Null(run.Samples.Rounds(Key(plan, hoisted)));
        var rows = RowBuilder.Rows(plan, run);
        Assert.StartsWith("error: ", rows.Single(r => !r.IsBaseline).Status);
        Assert.True(rows.Single(r => r.IsBaseline).IsOk);
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
    public void The_session_cache_hands_a_kept_session_back_with_its_case_and_releases_per_case_sessions_apart_from_the_rest()
    {
        var (_, plan, baseline, hoisted) = QuickCase();
        var c = plan.Case;
        var perCase = new SessionKey("q", SweepRunner.VariantOf(baseline), c.Task, c);
        var anySize = new SessionKey("q", SweepRunner.VariantOf(hoisted), c.Task, null);
        using var cache = new SessionCache(keeps: true);
        FakeSession a = new(), b = new();
        Assert.True(cache.Keep(perCase, a, c));
        Assert.True(cache.Keep(anySize, b, c));
        Assert.True(cache.TryGet(perCase, out var got, out var inputOf));
        Assert.Same(a, got);
        Assert.Same(c, inputOf);
        Assert.True(cache.Holds(b));
        Assert.Equal((2, 2, 1), (cache.Count, cache.Kept, cache.Reused));

        cache.ReleaseCaseSessions();
        Assert.Equal((1, 1, 0), (cache.Count, a.Disposed, b.Disposed));
        Assert.False(cache.Holds(a));
        cache.Clear();
        Assert.Equal((0, 1, 1), (cache.Count, a.Disposed, b.Disposed));
        cache.Clear();
        Assert.Equal((1, 1), (a.Disposed, b.Disposed));

        var off = new SessionCache(keeps: false);
        Assert.False(off.Keep(perCase, a, c));
        Assert.Equal((0, false), (off.Count, off.Holds(a)));
    }
}

/// <summary>BenchmarkDotNet runs of <see cref="CountingQuestion"/> in this process, one at a time (they count its invocations).</summary>
[Collection(nameof(InProcessBenchmarkRuns))]
public class InProcessRoundsTests
{
    [Fact]
    public void A_sweep_of_several_rounds_keeps_each_session_runs_each_variant_once_per_round_and_alternates_their_order()
    {
        var dir = Directory.CreateTempSubdirectory("swinbench-rounds-").FullName;
        try
        {
            var sweep = new Sweep("rounds-test", "two variants, three rounds of one iteration", [CountingQuestion.Definition],
                [BenchCase.Custom(BenchTask.Get("lightweight-x2"), 16, 16)], [Precision.Fp32], "cpu", WarmupCount: 0, IterationCount: 1) { Rounds = 3 };
            CountingQuestion.Calls.Clear();
            var opened = new List<string>();
            var result = SweepRunner.Run(sweep, dir, new SweepRunOptions
            {
                Open = (v, m, d, h, w, t) =>
                {
                    opened.Add(v.Name);
                    return SessionFactory.Open(v, m, d, h, w, t);
                },
            });

            // no pilot, jitting or warm-up invocation: 3 rounds x 2 variants, the order reversed every other round
            Assert.Equal(["per-block fp32", "hoisted fp32", "hoisted fp32", "per-block fp32", "per-block fp32", "hoisted fp32"], CountingQuestion.Calls);
            // each variant's session opened (and measured) in the first round only, besides the FP32 reference
            Assert.Equal(["per-block fp32", "reference", "hoisted fp32"], opened);
            var rows = result.Rows;
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.True(r.IsOk, r.Status));
            Assert.All(rows, r => Assert.Equal((3, 3), (r.Samples, r.RoundMediansMs.Count)));
            Assert.All(rows, r => Assert.True(double.IsPositiveInfinity(r.FidelityPsnrDb))); // measured by the first round's setup
            var hoisted = rows.Single(r => !r.IsBaseline);
            Assert.Equal("paired over 3 rounds", hoisted.SpeedupMethod);
            var back = new ResultsStore(dir).Read().Single(r => !r.IsBaseline);
            Assert.Equal((hoisted.RoundMediansMs, hoisted.Speedup, hoisted.SpeedupMethod), (back.RoundMediansMs, back.Speedup, back.SpeedupMethod));
            Assert.True(File.Exists(Path.Combine(dir, "raw", SweepRunner.BenchmarkLog)), "BenchmarkDotNet's log goes to raw/");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

[CollectionDefinition(nameof(InProcessBenchmarkRuns), DisableParallelization = true)]
public sealed class InProcessBenchmarkRuns;

/// <summary>Per-block vs hoisted masks, recording which variant each benchmark invocation ran (the default session setup, so it is kept).</summary>
public class CountingQuestion : Question
{
    public static readonly List<string> Calls = [];

    public static readonly QuestionSpec Definition = QuestionSpec.Of<CountingQuestion>("counting", "per-block vs hoisted, counted",
        QuestionSpec.BaselineVariant("per-block fp32", new ModelOptions { Mask = MaskMode.PerBlock }),
        new Variant("hoisted fp32", new ModelOptions { Mask = MaskMode.Hoisted }));

    protected override void Measure()
    {
        Calls.Add(Variant.Name);
        base.Measure();
    }
}
