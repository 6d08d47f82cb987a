using ScottPlot;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Median latency per image against input megapixels: a line per variant (one colour each) and task (one marker shape
/// each), the legend listing the variants and the tasks once each. Drawn only when the rows hold at least two sizes.
/// </summary>
internal static class LatencyChart
{
    private static readonly MarkerShape[] Shapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle];

    /// <param name="rows">The rows (whole-dataset rows, whose megapixels are a sum, are left out).</param>
    /// <param name="question">The question, for the title.</param>
    /// <param name="label">The legend text of a row's variant.</param>
    /// <param name="megapixels">The x of a row (default: its input megapixels).</param>
    /// <param name="logAxes">Both axes log-scaled (for sizes and latencies over several decades).</param>
    /// <param name="title">What the chart shows, after the question.</param>
    /// <param name="xLabel">The x axis label.</param>
    public static Plot? Render(IReadOnlyList<ResultRow> rows, string question, Func<ResultRow, string> label,
        Func<ResultRow, double>? megapixels = null, bool logAxes = false, string title = "median latency against input size",
        string xLabel = "input size (megapixels)")
    {
        megapixels ??= r => r.Megapixels;
        var points = rows.Where(r => !ResultRow.CoversWholeSet(r))
            .Where(r => double.IsFinite(megapixels(r)) && megapixels(r) > 0 && double.IsFinite(r.MedianMs) && r.MedianMs > 0)
            .ToList();
        if (points.Select(megapixels).Distinct().Count() < 2) return null;

        var plt = ChartParts.NewPlot(question, title, xLabel + (logAxes ? ", log scale" : ""),
            "median latency per image (ms)" + (logAxes ? ", log scale" : ""));
        var variants = points.GroupBy(label).OrderBy(g => g.Min(r => r.Step)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();
        var tasks = points.Select(r => r.Task).Distinct().OrderBy(StudyAnalysis.TaskOrder).ThenBy(t => t, StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category20();
        double Scale(double v) => logAxes ? Math.Log10(v) : v;
        foreach (var line in points.GroupBy(r => (Variant: label(r), r.Task)))
        {
            var xy = line.GroupBy(megapixels).OrderBy(g => g.Key).Select(g => (X: Scale(g.Key), Y: Scale(g.Average(r => r.MedianMs)))).ToArray();
            var v = variants.IndexOf(line.Key.Variant);
            var scatter = plt.Add.Scatter(xy.Select(p => p.X).ToArray(), xy.Select(p => p.Y).ToArray(), palette.GetColor(v));
            scatter.MarkerSize = 7;
            scatter.MarkerShape = Shapes[tasks.IndexOf(line.Key.Task) % Shapes.Length];
            scatter.LineWidth = 1.5f;
            if (v >= palette.Colors.Length) scatter.LinePattern = LinePattern.Dashed;
        }

        // the legend: each variant once (its colour), and each task once (its marker) when there are several
        plt.Legend.ManualItems.AddRange(variants.Select((v, i) => new LegendItem
        {
            LabelText = ChartParts.Wrap(v, 40), LineColor = palette.GetColor(i), LineWidth = 2,
            LinePattern = i >= palette.Colors.Length ? LinePattern.Dashed : LinePattern.Solid,
            MarkerShape = tasks.Count > 1 ? MarkerShape.None : Shapes[0], MarkerColor = palette.GetColor(i), MarkerSize = 7,
        }));
        if (tasks.Count > 1)
            plt.Legend.ManualItems.AddRange(tasks.Select((t, i) => new LegendItem
            {
                LabelText = t, LineWidth = 0, MarkerShape = Shapes[i % Shapes.Length], MarkerColor = Colors.DimGray, MarkerSize = 7,
            }));
        ChartParts.LegendOutside(plt);

        var xs = points.Select(megapixels).ToList();
        var ys = points.Select(r => r.MedianMs).ToList();
        if (logAxes)
        {
            plt.Axes.SetLimits(Math.Log10(xs.Min() / 1.25), Math.Log10(xs.Max() * 1.25), Math.Log10(ys.Min() / 1.25), Math.Log10(ys.Max() * 1.25));
            ChartParts.LogTicks(plt.Axes.Bottom, xs.Min() / 1.25, xs.Max() * 1.25);
            ChartParts.LogTicks(plt.Axes.Left, ys.Min() / 1.25, ys.Max() * 1.25);
        }
        else
        {
            // from zero: latency against size has a natural origin, and a reader compares slopes
            plt.Axes.SetLimits(0, xs.Max() * 1.08, 0, ys.Max() * 1.1);
        }
        return plt;
    }
}
