using ScottPlot;
using ScottPlot.Plottables;
using SwinBench.Reporting;
using SwinBench.Results;
using SwinBench.Tests.Results;

namespace SwinBench.Tests.Reporting;

/// <summary>What makes a chart readable, checked on the plots themselves: axes, legends, labels, marks.</summary>
public class ChartReadabilityTests
{
    private static List<ResultRow> Question(string question = "backends") => ReportData.Usable(SyntheticResults.Rows(question: question));

    [Fact]
    public void Latency_against_size_needs_two_sizes_and_starts_both_axes_at_zero()
    {
        var oneSize = Question().Where(r => r.Dataset == "Set5").ToList();
        Assert.Null(LatencyChart.Render(oneSize, "q", ReportData.VariantWithPrecision));
        Assert.DoesNotContain(Charts.RenderAll(oneSize, ResultRowsForTests.TempDir("lat-one")), c => c.EndsWith("latency_vs_mp.png"));

        var plt = LatencyChart.Render(Question(), "q", ReportData.VariantWithPrecision)!;
        var limits = plt.Axes.GetLimits();
        Assert.Equal(0, limits.Left);
        Assert.Equal(0, limits.Bottom);
        Assert.Equal(768 * 1024 / 1e6 * 1.08, limits.Right, 9);
    }

    [Fact]
    public void Legends_sit_outside_the_data_and_list_each_variant_and_task_once()
    {
        var rows = Question();
        var charts = new[]
        {
            SpeedupChart.Render(rows, "fp32", "q")!, AccuracyChart.Render(rows, "q", ReportData.VariantWithPrecision)!,
            LatencyChart.Render(rows, "q", r => $"{ReportData.VariantWithPrecision(r)} · {r.Backend}")!, BackendsChart.Render(rows, "q")!,
            SpeedupChart.Render(rows.Where(r => r.Task == "classical-x2" && r.Backend == "torchsharp").ToList(), "fp32", "q")!, // one series
        };
        foreach (var plt in charts)
        {
            Assert.False(plt.Legend.IsVisible); // no legend inside the data area
            Assert.Single(plt.Axes.GetPanels(), p => p is ScottPlot.Panels.LegendPanel);
        }
        // 3 variants × 2 backends, 2 tasks: 6 + 2 entries, not 12 lines' worth
        Assert.Equal(8, charts[2].Legend.ManualItems.Count);
    }

    [Fact]
    public void Labels_sit_above_their_error_bars_and_the_question_mark_is_explained()
    {
        // the Urban100 FP16 ORT rows have a 300% half-width: their intervals contain 1.0
        var plt = SpeedupChart.Render(Question(), "fp16", "q")!;
        var intervals = plt.GetPlottables().OfType<LinePlot>().Where(l => l.Start.X == l.End.X).ToList();
        var labels = plt.GetPlottables().OfType<Text>().Where(t => t.LabelText.Contains('×')).ToList();
        Assert.NotEmpty(intervals);
        foreach (var bar in intervals)
        {
            var top = Math.Max(bar.Start.Y, bar.End.Y);
            var label = Assert.Single(labels, t => Math.Abs(t.Location.X - bar.Start.X) < 1e-9);
            Assert.True(label.Location.Y >= top, $"label {label.LabelText} at {label.Location.Y} is below its interval's top {top}");
        }
        Assert.Contains(labels, t => t.LabelText.EndsWith(ChartParts.UnclearMark, StringComparison.Ordinal));
        Assert.Contains(ChartParts.UnclearNote, plt.Axes.Bottom.Label.Text);

        var clear = SpeedupChart.Render(Question(), "fp32", "q")!;
        Assert.DoesNotContain(clear.GetPlottables().OfType<Text>(), t => t.LabelText.EndsWith(ChartParts.UnclearMark, StringComparison.Ordinal));
        Assert.DoesNotContain(ChartParts.UnclearNote, clear.Axes.Bottom.Label.Text);
    }

    [Fact]
    public void An_identical_output_is_written_as_text_never_drawn_as_a_bar()
    {
        // the FP32 variants are identical to the original (infinite PSNR); FP16 is at 52.25 dB
        var plt = AccuracyChart.Render(Question(), "q", ReportData.VariantWithPrecision)!;
        var bars = plt.GetPlottables().OfType<BarPlot>().SelectMany(b => b.Bars).ToList();
        Assert.All(bars, b => Assert.Equal(52.25, b.Value, 9));
        Assert.Equal(2 * 2, plt.GetPlottables().OfType<Text>().Count(t => t.LabelText == "identical")); // 2 FP32 variants × 2 tasks
    }

    [Fact]
    public void Category_labels_that_cannot_wrap_into_their_slot_are_turned()
    {
        var plt = new Plot();
        ChartParts.SetCategoryTicks(plt, ["Set5 (median)", "Set14 (median)"], legend: true);
        Assert.Equal(0, plt.Axes.Bottom.TickLabelStyle.Rotation);

        var crowded = new Plot();
        ChartParts.SetCategoryTicks(crowded, Enumerable.Range(0, 14).Select(i => $"{i}: +compile-max-autotune-no-cudagraphs").ToList(), legend: true);
        Assert.NotEqual(0, crowded.Axes.Bottom.TickLabelStyle.Rotation);
        Assert.True(crowded.Axes.Bottom.MinimumSize > 100);
    }

    [Theory]
    [InlineData(null, "torchsharp:perblock/fp32/ln-fused", "perblock/fp32/ln-fused")]
    [InlineData("torchsharp:perblock/fp32/ln-fused", "torchsharp:hoisted/fp32/ln-fused", "+hoisted")]
    [InlineData("torchsharp:hoisted/fp32/ln-fused", "torchsharp:hoisted/fp32/ln-fused+window_mask", "+window_mask")]
    [InlineData("torchsharp:hoisted/fp32/ln-fused+qkv_split", "torchsharp:hoisted/fp16/ln-fused+qkv_split", "+fp16")]
    [InlineData("perblock/fp32", "hoisted/fp16", "+hoisted +fp16")]
    public void A_step_is_labelled_by_what_it_changed(string? previous, string current, string expected) =>
        Assert.Equal(expected, AblationChart.StepChange(previous, current));

    [Fact]
    public void Long_variant_labels_lose_shared_tokens_and_their_middle_but_keep_their_step()
    {
        Assert.Equal("ort:perblock/fp16", VariantLabels.Shorten("ort:perblock/fp16/ln-fused", 0, new HashSet<string> { "ln-fused" }));
        Assert.Equal("torchsharp:fp32", VariantLabels.Shorten("torchsharp:hoisted/fp32", 0, new HashSet<string> { "hoisted" }));
        var label = VariantLabels.Shorten(
            "torchsharp:hoisted/fp16/ln-fused+window_mask+ln_roll_partition+reverse_roll_add+qkv_split+layer_norm_fp32+window_attention+swin_block+channels_last",
            13, new HashSet<string> { "ln-fused" });
        Assert.StartsWith("13: torchsharp:hoisted/fp16+…", label);
        Assert.EndsWith("+channels_last", label);
        Assert.True(label.Length <= VariantLabels.MaxChars + 8, label);
    }

    private static ResultRow Step(int step, string mask, string precision, string plugins) =>
        ResultRowsForTests.Full("r", $"{mask}/{precision}/{plugins}", step) with { Mask = mask, Precision = precision, Plugins = plugins };

    [Fact]
    public void A_cumulative_series_is_found_from_the_rows_not_the_question_name()
    {
        // an ablation: hoisting, then kernels added one by one, then FP16 with every kernel kept
        Assert.True(AblationChart.IsCumulative([Step(0, "perblock", "fp32", "none"), Step(1, "hoisted", "fp32", "none"),
            Step(2, "hoisted", "fp32", "window_mask"), Step(3, "hoisted", "fp16", "window_mask"), Step(4, "hoisted", "fp16", "window_mask+swin_block")]));
        // mask hoisting in FP32 and FP16: the per-block mask comes back
        Assert.False(AblationChart.IsCumulative([Step(0, "perblock", "fp32", "none"), Step(1, "hoisted", "fp32", "none"),
            Step(2, "perblock", "fp16", "none"), Step(3, "hoisted", "fp16", "none")]));
        // two compile modes with the same options: the second step changes nothing the rows record
        Assert.False(AblationChart.IsCumulative([Step(0, "perblock", "fp32", "none"), Step(1, "hoisted", "fp16", "none"), Step(2, "hoisted", "fp16", "none")]));
        // a kernel taken away
        Assert.False(AblationChart.IsCumulative([Step(0, "hoisted", "fp16", "none"), Step(1, "hoisted", "fp16", "window_mask+aligned_rows"),
            Step(2, "hoisted", "fp16", "window_mask+swin_block")]));
        // two steps compare, they do not accumulate
        Assert.False(AblationChart.IsCumulative([Step(0, "perblock", "fp32", "none"), Step(1, "hoisted", "fp32", "none")]));

        // any question name: the rows decide
        var rows = Question("anything").Where(r => r.Backend == "torchsharp").ToList();
        Assert.Contains(Charts.RenderAll(rows, ResultRowsForTests.TempDir("cumulative")), c => c.EndsWith("anything_ablation_classical-x2.png"));
    }

    [Fact]
    public void The_notebooks_default_folder_exists_and_their_readme_says_where_charts_go()
    {
        var root = RepoPaths.RepoRoot!;
        var source = File.ReadAllText(Path.Combine(root, "notebooks", "speedup-table.cs"));
        var start = source.IndexOf("args[0] : \"", StringComparison.Ordinal) + "args[0] : \"".Length;
        var folder = source[start..source.IndexOf('"', start)];
        Assert.True(File.Exists(Path.Combine(root, folder, ResultsStore.FileName)), $"the default folder {folder} has no results.csv");
        var readme = File.ReadAllText(Path.Combine(root, "notebooks", "README.md"));
        Assert.Contains($"{ResultsStore.ChartsFolder}/notebook_fp16_fidelity.png", readme);
        Assert.Contains(folder, readme);
    }
}
