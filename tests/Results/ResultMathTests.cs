using SwinBench.Results;
using Xunit;

namespace SwinBench.Tests.Results;

public class ResultMathTests
{
    private static ResultRow Row(string variant, int step, double medianMs, string precision = "fp32",
        string backend = "torchsharp", string dataset = "Set5", string runId = "r", string status = "ok") =>
        ResultRowsForTests.Full(runId, variant, step) with
        {
            MedianMs = medianMs, Precision = precision, Backend = backend, Dataset = dataset, Status = status, Speedup = double.NaN,
            Question = "", IsBaseline = false, Ci999HalfwidthMs = double.NaN,
        };

    /// <summary>A row of a question: baseline by flag, spread by its 99.9% half-width.</summary>
    private static ResultRow Q(string variant, double medianMs, bool baseline = false, string backend = "torchsharp", string precision = "fp32",
        double ci = double.NaN, string question = "backends", string device = "cuda", string status = "ok") =>
        ResultRowsForTests.Full("r", variant, baseline ? 0 : 1) with
        {
            Question = question, IsBaseline = baseline, MedianMs = medianMs, Ci999HalfwidthMs = ci, Backend = backend,
            Precision = precision, Device = device, Status = status, Speedup = double.NaN,
        };

    [Fact]
    public void Legacy_rows_speedup_is_baseline_median_over_median_within_the_group()
    {
        var rows = new List<ResultRow>
        {
            Row("base", 0, 100),
            Row("+ hoist", 1, 80),
            Row("+ kernel", 2, 50),
            Row("fp16", 3, 25, precision: "fp16"),
        };
        ResultMath.FillSpeedups(rows);
        Assert.Equal([1.0, 1.25, 2.0, 4.0], rows.Select(r => r.Speedup));
    }

    [Fact]
    public void Groups_are_separate_by_backend_dataset_and_run()
    {
        var rows = new List<ResultRow>
        {
            Row("base", 0, 100), Row("v", 1, 50),
            Row("base", 0, 10, backend: "ort"), Row("v", 1, 20, backend: "ort"),
            Row("base", 0, 40, dataset: "Urban100"), Row("v", 1, 10, dataset: "Urban100"),
            Row("v", 1, 10, runId: "other-run"), // no baseline in its run
        };
        ResultMath.FillSpeedups(rows);
        Assert.Equal(2.0, rows[1].Speedup);
        Assert.Equal(0.5, rows[3].Speedup);
        Assert.Equal(4.0, rows[5].Speedup);
        Assert.True(double.IsNaN(rows[6].Speedup));
    }

    [Fact]
    public void The_fp32_step_0_row_is_the_baseline_when_there_are_several()
    {
        var rows = new List<ResultRow> { Row("base16", 0, 50, precision: "fp16"), Row("base32", 0, 100), Row("v", 1, 25) };
        ResultMath.FillSpeedups(rows);
        Assert.Equal([2.0, 1.0, 4.0], rows.Select(r => r.Speedup));
    }

    [Fact]
    public void Rows_that_are_not_ok_get_nan_and_cannot_be_the_baseline()
    {
        var rows = new List<ResultRow>
        {
            Row("base", 0, double.NaN, status: "error: out of memory"),
            Row("v", 1, 50),
            Row("w", 2, 10, status: "skipped: no TensorRT"),
        };
        ResultMath.FillSpeedups(rows);
        Assert.All(rows, r => Assert.True(double.IsNaN(r.Speedup)));
    }

    [Fact]
    public void In_a_question_every_backend_and_precision_is_compared_with_the_one_baseline_variant()
    {
        var rows = new List<ResultRow>
        {
            Q("ort:hoisted/fp32", 50, backend: "ort"), // the baseline need not come first
            Q("torchsharp:hoisted/fp32", 100, baseline: true),
            Q("torchsharp:hoisted/fp16", 40, precision: "fp16"),
            Q("ort:hoisted/fp16+ops", 20, backend: "ort", precision: "fp16"),
            Q("pytorch:hoisted/fp32", 80, backend: "pytorch"),
            Q("ort:hoisted/fp32", 25, backend: "ort", device: "cpu"), // another device: no baseline there
        };
        ResultMath.FillSpeedups(rows);
        Assert.Equal([2.0, 1.0, 2.5, 5.0, 1.25], rows.Take(5).Select(r => r.Speedup));
        Assert.True(double.IsNaN(rows[5].Speedup));
        Assert.Equal("no ok baseline row of question backends for this case and device", rows[5].SpeedupNote);
        Assert.All(rows.Take(5), r => Assert.Equal("", r.SpeedupNote));
    }

    [Fact]
    public void A_failed_baseline_leaves_every_speedup_empty_with_the_reason()
    {
        var rows = new List<ResultRow> { Q("base", double.NaN, baseline: true, status: "error: out of memory"), Q("v", 50) };
        ResultMath.FillSpeedups(rows);
        Assert.All(rows, r => Assert.True(double.IsNaN(r.Speedup)));
        Assert.Equal("not measured", rows[0].SpeedupNote);
        Assert.Equal("no ok baseline row of question backends for this case and device", rows[1].SpeedupNote);
    }

    [Fact]
    public void Questions_do_not_share_baselines()
    {
        var rows = new List<ResultRow> { Q("base", 100, baseline: true, question: "precision"), Q("v", 50, question: "ablation") };
        ResultMath.FillSpeedups(rows);
        Assert.Equal(1.0, rows[0].Speedup);
        Assert.True(double.IsNaN(rows[1].Speedup));
    }

    [Fact]
    public void The_interval_combines_both_spreads_at_their_worst()
    {
        var b = Q("base", 100, baseline: true, ci: 10);
        var x = Q("v", 50, ci: 5);
        var s = ResultMath.SpeedupOf(b, x);
        Assert.Equal(2.0, s.Value);
        Assert.Equal(90.0 / 55.0, s.Low, 12);
        Assert.Equal(110.0 / 45.0, s.High, 12);
        Assert.False(s.IntervalIncludesOne);

        var wide = ResultMath.SpeedupOf(b, Q("v", 95, ci: 20));
        Assert.True(wide.IntervalIncludesOne);
        Assert.Equal(90.0 / 115.0, wide.Low, 12);
        Assert.Equal(110.0 / 75.0, wide.High, 12);

        var unbounded = ResultMath.SpeedupOf(b, Q("v", 50, ci: 60));
        Assert.True(double.IsPositiveInfinity(unbounded.High));
        Assert.True(unbounded.IntervalIncludesOne);

        var noSpread = ResultMath.SpeedupOf(b, Q("v", 50));
        Assert.Equal(2.0, noSpread.Value);
        Assert.True(double.IsNaN(noSpread.Low) && double.IsNaN(noSpread.High));
        Assert.False(noSpread.IntervalIncludesOne);

        Assert.Equal(new Speedup(1, double.NaN, double.NaN, ""), ResultMath.SpeedupOf(b, b));
    }

    /// <summary>A question row with per-round medians (its median is the median of the rounds).</summary>
    private static ResultRow Rounds(string variant, bool baseline, params double[] rounds) =>
        Q(variant, LatencyStatistics.Percentile(rounds.Order().ToList(), 0.5), baseline, ci: 1.0) with { RoundMediansMs = new RoundValues(rounds) };

    [Fact]
    public void Rows_with_the_same_rounds_get_the_median_of_the_round_ratios_and_no_interval_below_11_rounds()
    {
        // round ratios 125/100, 100/100, 250/200, 80/80 = 1.25, 1, 1.25, 1; sorted 1, 1, 1.25, 1.25: the median of an
        // even count is the geometric mean of the middle two, sqrt(1.25) = 1.118034 (the ratio of medians would be 1.125)
        var b = Rounds("base", true, 125, 100, 250, 80);
        var x = Rounds("v", false, 100, 100, 200, 80);
        var s = ResultMath.SpeedupOf(b, x);
        Assert.Equal(Math.Sqrt(1.25), s.Value, 12);
        Assert.True(double.IsNaN(s.Low) && double.IsNaN(s.High), $"{s.Low} {s.High}"); // 4 rounds cannot give a 99.9% interval
        Assert.Equal("paired over 4 rounds", s.Method);
        Assert.False(s.IntervalIncludesOne);

        var rows = new List<ResultRow> { x, b };
        ResultMath.FillSpeedups(rows);
        Assert.Equal((s.Value, "paired over 4 rounds", ""), (x.Speedup, x.SpeedupMethod, x.SpeedupNote));
        Assert.Equal((1.0, ""), (b.Speedup, b.SpeedupMethod)); // the baseline's own row: 1.0, no method
        Assert.Equal(s.Value, ResultMath.StoredSpeedup(x).Value);
    }

    [Theory]
    [InlineData(10, 0)] // 2 * 2^-10 > 0.001: not even [min, max] covers 99.9%
    [InlineData(11, 1)] // [min, max]: coverage 1 - 2 * 2^-11 = 0.99902
    [InlineData(12, 1)]
    [InlineData(24, 4)] // P(Bin(24, 1/2) <= 3) = 0.000139; <= 4 would be 0.000772
    [InlineData(36, 8)] // P(Bin(36, 1/2) <= 7) = 0.000156; <= 8 would be 0.000569
    public void The_median_interval_takes_the_widest_ranks_that_cover_99_9_percent(int n, int rank) =>
        Assert.Equal(rank, ResultMath.MedianIntervalRank(n));

    [Fact]
    public void The_median_interval_is_the_order_statistics_of_the_ratios()
    {
        // 12 rounds with ratios 1.5, 1.6, ..., 2.6 (shuffled): median sqrt(2.0 * 2.1), interval [min, max] = [1.5, 2.6]
        double[] ratios = [2.0, 1.5, 2.6, 1.8, 2.2, 1.6, 2.4, 1.9, 2.1, 1.7, 2.5, 2.3];
        var s = ResultMath.PairedSpeedup(ratios.Select(r => 100 * r).ToList(), ratios.Select(_ => 100.0).ToList())!.Value;
        Assert.Equal(Math.Sqrt(2.0 * 2.1), s.Value, 12);
        Assert.Equal((1.5, 2.6), (s.Low, s.High));
        Assert.False(s.IntervalIncludesOne);
    }

    [Fact]
    public void Rounds_in_which_one_variant_alone_was_slowed_do_not_move_the_paired_speedup()
    {
        // 36 rounds: 29 at ratio 2 and 7 in which another tenant slowed the baseline alone (ratio 4); the geometric mean
        // of the ratios would be 2^(1 + 7/36) = 2.29, the median stays 2 and so does its interval [r(8), r(29)]
        var baseline = Enumerable.Range(0, 36).Select(i => i % 5 == 1 ? 400.0 : 200.0).ToList();
        var row = Enumerable.Repeat(100.0, 36).ToList();
        var s = ResultMath.PairedSpeedup(baseline, row)!.Value;
        Assert.Equal((2.0, 2.0, 2.0, "paired over 36 rounds"), (s.Value, s.Low, s.High, s.Method));
    }

    public static TheoryData<string, double[], double[]> Unpairable() => new()
    {
        { "different round counts", [125, 100, 250, 80], [100, 100, 200] },
        { "one round each", [125], [100] },
        { "the row has no rounds", [125, 100], [] },
        { "the baseline has no rounds", [], [100, 100] },
        { "a round that is not positive", [125, 100], [100, 0] },
        { "a round that is not finite", [125, double.NaN], [100, 100] },
    };

    [Theory]
    [MemberData(nameof(Unpairable))]
    public void Rows_whose_rounds_cannot_be_paired_get_the_ratio_of_medians(string why, double[] baseline, double[] row)
    {
        var b = Q("base", 120, baseline: true, ci: 10) with { RoundMediansMs = new RoundValues(baseline) };
        var x = Q("v", 60, ci: 5) with { RoundMediansMs = new RoundValues(row) };
        var s = ResultMath.SpeedupOf(b, x);
        Assert.Equal((2.0, "ratio of medians"), (s.Value, s.Method));
        Assert.Equal(110.0 / 65.0, s.Low, 12);
        Assert.Equal(130.0 / 55.0, s.High, 12);
        Assert.NotEmpty(why);
    }

    [Fact]
    public void Without_a_baseline_row_a_row_with_rounds_gets_no_speedup_and_no_method()
    {
        var rows = new List<ResultRow> { Rounds("v", false, 100, 100, 200), Rounds("w", false, 50, 60, 70) };
        ResultMath.FillSpeedups(rows);
        Assert.All(rows, r => Assert.Equal((double.NaN, "", "no ok baseline row of question backends for this case and device"),
            (r.Speedup, r.SpeedupMethod, r.SpeedupNote)));
    }
}
