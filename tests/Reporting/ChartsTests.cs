using SwinBench.Reporting;
using SwinBench.Results;
using SwinBench.Tests.Results;
using StbImageSharp;
using Xunit;

namespace SwinBench.Tests.Reporting;

public class ChartsTests
{
    private static readonly string[] AllCharts =
    [
        "results_speedup_fp32.png", "results_speedup_fp16.png", "results_accuracy.png", "results_ablation_classical-x2.png",
        "results_ablation_lightweight-x2.png", "results_latency_vs_mp.png", "results_backends.png",
    ];

    [Fact]
    public void RenderAll_writes_every_chart_as_a_real_picture()
    {
        var dir = ResultRowsForTests.TempDir("charts");
        var written = Charts.RenderAll(SyntheticResults.Rows(), dir);

        Assert.Equal(AllCharts, written.Select(Path.GetFileName));
        Assert.Equal(AllCharts.Order(), Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        foreach (var path in written) AssertIsNonTrivialPng(path);
    }

    [Fact]
    public void No_fp16_chart_without_fp16_rows_and_no_accuracy_chart_without_fidelity()
    {
        var dir = ResultRowsForTests.TempDir("charts-fp32");
        var rows = SyntheticResults.Rows().Where(r => r.Precision == "fp32")
            .Select(r => r with { FidelityPsnrDb = double.NaN }).ToList();
        var names = Charts.RenderAll(rows, dir).Select(Path.GetFileName).ToList();

        Assert.Contains("results_speedup_fp32.png", names);
        Assert.DoesNotContain("results_speedup_fp16.png", names);
        Assert.DoesNotContain("results_accuracy.png", names);
        Assert.False(File.Exists(Path.Combine(dir, "results_speedup_fp16.png")));
    }

    [Fact]
    public void No_backends_chart_for_one_backend_and_no_ablation_for_fewer_than_three_steps()
    {
        var dir = ResultRowsForTests.TempDir("charts-one");
        var rows = SyntheticResults.Rows().Where(r => r.Backend == "torchsharp" && r.Task == "classical-x2").ToList();
        var names = Charts.RenderAll(rows, dir).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("results_backends.png", names);
        Assert.Contains("results_ablation_classical-x2.png", names);
        Assert.DoesNotContain("results_ablation_lightweight-x2.png", names);

        // two steps are a comparison, not a series of steps
        rows.RemoveAll(r => r.Step == 2);
        var names1 = Charts.RenderAll(rows, ResultRowsForTests.TempDir("charts-two")).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("results_speedup_fp16.png", names1);
        Assert.DoesNotContain("results_ablation_classical-x2.png", names1);

        var baselinesOnly = SyntheticResults.Rows().Where(r => r.Step == 0).ToList();
        var names2 = Charts.RenderAll(baselinesOnly, ResultRowsForTests.TempDir("charts-base")).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain(names2, n => n!.StartsWith("results_ablation_"));
        Assert.DoesNotContain("results_speedup_fp32.png", names2); // a baseline has no speedup over itself to show
    }

    [Fact]
    public void A_question_draws_only_its_own_charts_named_after_it()
    {
        var dir = ResultRowsForTests.TempDir("charts-question");
        // one backend, per-block and hoisted masks in FP32 and again in FP16 (the mask comes back): no backend
        // comparison, and no steps to chart
        var rows = SyntheticResults.Rows(question: "mask-hoisting").Where(r => r.Backend == "torchsharp")
            .Select(r => r.Step == 2 ? r with { Mask = "perblock" } : r).ToList();
        var names = Charts.RenderAll(rows, dir).Select(Path.GetFileName).ToList();
        Assert.Equal(["mask-hoisting_speedup_fp32.png", "mask-hoisting_speedup_fp16.png", "mask-hoisting_accuracy.png", "mask-hoisting_latency_vs_mp.png"], names);

        var ablation = SyntheticResults.Rows(question: "ablation").Where(r => r.Backend == "torchsharp").ToList();
        var names2 = Charts.RenderAll(ablation, ResultRowsForTests.TempDir("charts-ablation")).Select(Path.GetFileName).ToList();
        Assert.Contains("ablation_ablation_classical-x2.png", names2);
    }

    [Fact]
    public void Rows_that_are_not_ok_draw_nothing()
    {
        var dir = ResultRowsForTests.TempDir("charts-none");
        var rows = SyntheticResults.Rows().Select(r => r with { Status = "unavailable: no CUDA device" }).ToList();
        Assert.Empty(Charts.RenderAll(rows, dir));
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Empty(Charts.RenderAll([], dir));
    }

    [Fact]
    public void Usable_rows_are_the_ok_ones_and_the_latest_run_of_a_case()
    {
        var old = ResultRowsForTests.Full("run-1") with { TimestampUtc = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), MedianMs = 10 };
        var newer = old with { RunId = "run-2", TimestampUtc = old.TimestampUtc.AddDays(1), MedianMs = 5 };
        var failed = old with { RunId = "run-3", Variant = "x", Status = "error: boom" };
        var usable = ReportData.Usable([old, newer, failed]);
        Assert.Equal(5, Assert.Single(usable).MedianMs);
    }

    [Fact]
    public void Missing_speedups_are_computed_and_given_ones_kept()
    {
        var rows = SyntheticResults.Rows().Select(r => r with { Speedup = double.NaN }).ToList();
        var hoisted = ReportData.Usable(rows).First(r => r.Step == 1);
        Assert.Equal(1.4, hoisted.Speedup, 9);

        rows[1].Speedup = 7;
        Assert.Equal(7, ReportData.Usable(rows)[1].Speedup);
        Assert.True(double.IsNaN(rows[0].Speedup)); // the caller's rows are not changed
    }

    /// <summary>A PNG by its signature, over 5 KB, of the chart's size, and not one flat colour.</summary>
    internal static void AssertIsNonTrivialPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5 * 1024, $"{path}: only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);

        var image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue);
        Assert.Equal(Charts.Width, image.Width);
        Assert.Equal(Charts.Height, image.Height);
        double sum = 0, sumSq = 0;
        var colours = new HashSet<int>();
        for (var i = 0; i < image.Data.Length; i += 3)
        {
            var luma = 0.299 * image.Data[i] + 0.587 * image.Data[i + 1] + 0.114 * image.Data[i + 2];
            sum += luma;
            sumSq += luma * luma;
            colours.Add(image.Data[i] << 16 | image.Data[i + 1] << 8 | image.Data[i + 2]);
        }
        var n = image.Data.Length / 3.0;
        var variance = sumSq / n - sum / n * (sum / n);
        Assert.True(variance > 50, $"{path}: luminance variance {variance:0.0} looks like a blank picture");
        Assert.True(colours.Count > 20, $"{path}: only {colours.Count} colours");
    }
}

public class ChartLabelTests
{
    [Theory]
    [InlineData("Set5 (median)", 20, "Set5 (median)")]
    [InlineData("+ fused LayerNorm plugin", 12, "+ fused\nLayerNorm\nplugin")]
    [InlineData("perblock/fp32/ln-fused", 10, "perblock/\nfp32/\nln-fused")]
    [InlineData("averyveryverylongword", 8, "averyveryverylongword")]
    [InlineData("+window_attention+aligned_rows", 12, "+window_\nattention\n+aligned_\nrows")]
    [InlineData("torchsharp:perblock/fp32", 12, "torchsharp:\nperblock/\nfp32")]
    [InlineData("pytorch-compile-max-autotune", 16, "pytorch-compile-\nmax-autotune")]
    public void Long_tick_labels_wrap_at_separators_and_inside_long_words_at_hyphens(string text, int max, string expected) =>
        Assert.Equal(expected, ChartParts.Wrap(text, max));
}
