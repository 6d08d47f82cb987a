using System.Globalization;
using ScottPlot;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Per variant and task, the worst fidelity PSNR against the FP32 reference output: a bar per task, an output identical
/// to the reference (infinite PSNR) written as "identical" in its slot instead of a bar.
/// </summary>
internal static class AccuracyChart
{
    /// <param name="rows">The rows to draw (those without a fidelity value are left out).</param>
    /// <param name="question">The question, for the title.</param>
    /// <param name="label">The x label of a row's variant.</param>
    /// <param name="title">What the chart shows, after the question.</param>
    public static Plot? Render(IReadOnlyList<ResultRow> rows, string question, Func<ResultRow, string> label,
        string title = "fidelity against the FP32 original (worst case over inputs)")
    {
        var measured = rows.Where(r => !double.IsNaN(r.FidelityPsnrDb)).ToList();
        if (measured.Count == 0) return null;

        var variants = measured
            .GroupBy(label)
            .OrderBy(g => g.Min(r => r.Step)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var tasks = measured.Select(r => r.Task).Distinct().OrderBy(StudyAnalysis.TaskOrder).ThenBy(t => t, StringComparer.Ordinal).ToList();

        var plt = ChartParts.NewPlot(question, title, "variant", "PSNR (dB) against the FP32 output");
        var values = tasks.Select(t => variants.Select(v =>
        {
            var group = measured.Where(r => r.Task == t && label(r) == v).ToList();
            if (group.Count == 0) return (BarValue?)null;
            var worst = group.Min(r => r.FidelityPsnrDb);
            return double.IsPositiveInfinity(worst)
                ? new BarValue(double.NaN, "identical")
                : new BarValue(worst, worst.ToString("0.0", CultureInfo.InvariantCulture));
        }).ToArray()).ToList();
        ChartParts.AddGroupedBars(plt, variants, tasks, values);
        ChartParts.FitBars(plt, variants.Count, 0.12);
        if (values.SelectMany(v => v).All(v => v is null || !double.IsFinite(v.Value.Value)))
            plt.Axes.SetLimitsY(0, 100); // every output identical: an axis to write "identical" against
        return plt;
    }
}
