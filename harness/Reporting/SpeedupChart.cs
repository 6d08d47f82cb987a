using ScottPlot;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Per dataset (size class) and task, the best variant's speedup over the question's baseline in one precision, with its
/// 99.9% interval as an error bar and a dashed line at 1.0×; a label ending in <c>?</c> marks an interval that contains 1.0.
/// The title names the variant when one variant is the best of every bar.
/// </summary>
internal static class SpeedupChart
{
    public static Plot? Render(List<ResultRow> rows, string precision, string question)
    {
        var candidates = rows
            .Where(r => string.Equals(r.Precision, precision, StringComparison.OrdinalIgnoreCase))
            .Where(r => double.IsFinite(r.Speedup))
            .Where(r => !r.IsBaseline && !(r.Question.Length == 0 && r.Step == 0 && precision == "fp32")) // the baseline is 1.0× by definition
            .ToList();
        if (candidates.Count == 0) return null;

        var severalBackends = candidates.Select(ReportData.BackendDevice).Distinct().Count() > 1;
        string SeriesOf(ResultRow r) => severalBackends ? $"{r.Task} · {ReportData.BackendDevice(r)}" : r.Task;
        var categories = ReportData.ByInput(candidates).Select(ReportData.DatasetCategory).Distinct().ToList();
        var series = candidates.Select(SeriesOf).Distinct().Order(StringComparer.Ordinal).ToList();

        var best = series.Select(s => categories.Select(c =>
            candidates.Where(r => SeriesOf(r) == s && ReportData.DatasetCategory(r) == c).MaxBy(r => r.Speedup)).ToArray()).ToList();
        var unclear = best.SelectMany(b => b).Any(r => r is not null && ResultMath.StoredSpeedup(r).IntervalIncludesOne);
        var intervals = candidates.Any(r => double.IsFinite(r.SpeedupLow)) ? " (error bars: 99.9% interval)" : "";
        // the title names the best variant when one variant is the best of every bar
        var winners = best.SelectMany(b => b).OfType<ResultRow>().Select(r => r.Variant).Distinct().ToList();
        var which = winners.Count == 1 ? $" ({winners[0]})" : "";
        var plt = ChartParts.NewPlot(question,
            (precision == "fp32" ? $"best FP32 variant's{which} speedup over the baseline" : $"best FP16 variant's{which} speedup over the FP32 baseline") + intervals,
            "dataset (size class)" + (unclear ? "; " + ChartParts.UnclearNote : ""), "speedup of latency per image (×)");
        var values = best.Select(b => b.Select(r => r is null ? (BarValue?)null : Bar(r)).ToArray()).ToList();
        ChartParts.AddGroupedBars(plt, categories, series, values);
        OneLine(plt);
        ChartParts.FitBars(plt, categories.Count);
        return plt;
    }

    /// <summary>A speedup bar: its value, its label (with <see cref="ChartParts.UnclearMark"/> when unclear) and its interval.</summary>
    public static BarValue Bar(ResultRow r)
    {
        var s = ResultMath.StoredSpeedup(r);
        return new BarValue(r.Speedup, ReportData.Speedup(r.Speedup) + (s.IntervalIncludesOne ? ChartParts.UnclearMark : ""), s.Low, s.High);
    }

    /// <summary>The dashed line at 1.0× (no speedup), with its entry in the legend outside the data.</summary>
    public static void OneLine(Plot plt)
    {
        var one = plt.Add.HorizontalLine(1.0, 1.5f, Colors.Black, LinePattern.Dashed);
        one.LegendText = "1.0× (no speedup)";
        ChartParts.LegendOutside(plt);
    }
}
