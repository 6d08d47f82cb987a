using System.Globalization;
using ScottPlot;

namespace SwinBench.Reporting;

/// <summary>
/// One bar of a grouped bar chart: its height, the text above it, and an optional interval drawn as an error bar (the
/// text then sits above the interval). A bar whose <see cref="Value"/> is not finite is drawn as its text alone, upright
/// in its slot (e.g. "identical" for an infinite PSNR).
/// </summary>
internal readonly record struct BarValue(double Value, string Label, double Low = double.NaN, double High = double.NaN)
{
    /// <summary>True when an interval is drawn.</summary>
    public bool HasInterval => double.IsFinite(Low) && !double.IsNaN(High);

    /// <summary>The top of what is drawn: the interval's high end (capped for +∞) or the bar.</summary>
    public double Top => HasInterval ? Math.Max(Value, double.IsFinite(High) ? High : Value * 2) : Value;
}

/// <summary>
/// The pieces the charts share: plots with a title, legends outside the data, grouped bars with their labels above their
/// error bars, category ticks that fit their slot, log axes, and saving.
/// </summary>
internal static class ChartParts
{
    /// <summary>The mark after a speedup label whose interval contains 1.0, and its explanation for an axis label.</summary>
    public const string UnclearMark = " ?";

    /// <summary>What <see cref="UnclearMark"/> means, for the chart that uses it.</summary>
    public const string UnclearNote = "“?”: its 99.9% interval contains 1.0×";

    /// <summary>Roughly how wide the data area is, in pixels (the picture less the axes and a legend on the right).</summary>
    public const double DataAreaPixels = Charts.Width - 300;

    /// <summary>A plot titled "question: what it shows" (a long title on two lines).</summary>
    public static Plot NewPlot(string question, string title, string xLabel, string yLabel)
    {
        var plt = new Plot();
        plt.Title(Wrap($"{question}: {title}", 80), 15);
        plt.XLabel(xLabel, 13);
        plt.YLabel(yLabel, 13);
        return plt;
    }

    /// <summary>The legend, outside the data area on the right (once, however often asked), entries may have several lines.</summary>
    public static void LegendOutside(Plot plt)
    {
        if (plt.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().Any()) return;
        plt.ShowLegend(Edge.Right);
        plt.Legend.FontSize = 11;
    }

    /// <summary>
    /// Grouped bars: one group per category, one bar per series (coloured per series, with a legend entry when there are
    /// several series), each labelled above its bar or interval. A null value leaves its slot empty.
    /// </summary>
    /// <returns>The x position of each bar, [series][category].</returns>
    public static double[][] AddGroupedBars(Plot plt, IReadOnlyList<string> categories, IReadOnlyList<string> series,
        IReadOnlyList<BarValue?[]> values)
    {
        var width = 0.8 / Math.Max(1, series.Count);
        var positions = series.Select((_, s) => categories.Select((_, c) => c - 0.4 + width * (s + 0.5)).ToArray()).ToArray();
        var slot = BarPixels(categories.Count, series.Count);
        var fontSize = (float)Math.Clamp(slot / 4.5, 9, 12);
        var top = values.SelectMany(v => v).Where(v => v is { } b && double.IsFinite(b.Top)).Select(v => v!.Value.Top).DefaultIfEmpty(1).Max();
        var labels = new List<(string Text, double X, double Y, bool Upright)>();
        var intervals = new List<(double X, double Low, double High)>();
        for (var s = 0; s < series.Count; s++)
        {
            var color = plt.Add.Palette.GetColor(s);
            var bars = new List<Bar>();
            for (var c = 0; c < categories.Count; c++)
            {
                if (values[s][c] is not { } v) continue;
                var x = positions[s][c];
                if (!double.IsFinite(v.Value))
                {
                    labels.Add((v.Label, x, top * 0.02, true));
                    continue;
                }
                bars.Add(new Bar { Position = x, Value = v.Value, Size = width * 0.92, FillColor = color });
                if (v.HasInterval) intervals.Add((x, v.Low, double.IsFinite(v.High) ? v.High : v.Value * 2));
                labels.Add((v.Label, x, v.Top, !FitsAcross(v.Label, fontSize, slot)));
            }
            var plot = plt.Add.Bars(bars);
            plot.Color = color;
            if (series.Count > 1) plot.LegendText = series[s];
        }
        // the intervals and labels after every bar, so that no bar is drawn over them (a low end inside its bar shows)
        foreach (var (x, low, high) in intervals) AddInterval(plt, x, low, high, width * 0.25);
        foreach (var (text, x, y, upright) in labels)
            if (upright) AddUprightText(plt, text, x, y, fontSize);
            else AddLabelAbove(plt, text, x, y, fontSize);
        SetCategoryTicks(plt, categories, legend: series.Count > 1);
        if (series.Count > 1) LegendOutside(plt);
        return positions;
    }

    /// <summary>Whether a label's widest line fits across a bar slot of <paramref name="slotPixels"/> at <paramref name="fontSize"/>.</summary>
    public static bool FitsAcross(string label, float fontSize, double slotPixels) =>
        label.Split('\n').Max(l => l.Length) * fontSize * 0.6 <= slotPixels * 1.1;

    /// <summary>
    /// The view of a grouped bar chart: from zero to the tallest bar or label with <paramref name="topMargin"/> to spare,
    /// and every category's slot in view, also one whose only bar sits at its edge.
    /// </summary>
    public static void FitBars(Plot plt, int categories, double topMargin = 0.15)
    {
        plt.Axes.Margins(0.03, 0.03, 0, topMargin);
        plt.Axes.SetLimitsX(-0.5, categories - 0.5);
    }

    /// <summary>An interval drawn as a vertical black line with caps at <paramref name="x"/>.</summary>
    public static void AddInterval(Plot plt, double x, double low, double high, double cap = 0.04)
    {
        foreach (var (x1, y1, x2, y2) in new[] { (x, low, x, high), (x - cap, low, x + cap, low), (x - cap, high, x + cap, high) })
        {
            var line = plt.Add.Line(x1, y1, x2, y2);
            line.LineWidth = 1.5f;
            line.LineColor = Colors.Black;
        }
    }

    /// <summary>A label centred above (<paramref name="x"/>, <paramref name="y"/>), a few pixels clear of it.</summary>
    public static void AddLabelAbove(Plot plt, string text, double x, double y, float fontSize)
    {
        if (text.Length == 0) return;
        var label = plt.Add.Text(text, x, y);
        label.LabelFontSize = fontSize;
        label.LabelAlignment = Alignment.LowerCenter;
        label.OffsetY = -3;
    }

    /// <summary>A label written upwards from (<paramref name="x"/>, <paramref name="y"/>), a few pixels clear of it: a label too wide for its bar, or a slot's text in place of a bar.</summary>
    public static void AddUprightText(Plot plt, string text, double x, double y, float fontSize)
    {
        var label = plt.Add.Text(text.Replace('\n', ' '), x, y);
        label.LabelFontSize = fontSize;
        label.LabelRotation = -90;
        label.LabelAlignment = Alignment.MiddleLeft;
        label.OffsetY = -3;
    }

    /// <summary>
    /// Category names as tick labels at 0, 1, 2..., wrapped onto several lines to fit their slot (in a smaller font when
    /// that makes them fit); labels with a word longer than the slot are written on one line, turned 35°, so that
    /// neighbours never run into each other.
    /// </summary>
    /// <param name="plt">The plot.</param>
    /// <param name="labels">The category names.</param>
    /// <param name="legend">Whether the plot has a legend on the right (a narrower data area).</param>
    public static void SetCategoryTicks(Plot plt, IReadOnlyList<string> labels, bool legend)
    {
        var slot = (legend ? DataAreaPixels : Charts.Width - 100) / Math.Max(1, labels.Count);
        var positions = Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray();
        plt.Axes.Bottom.MajorTickStyle.Length = 0;
        foreach (var fontSize in new[] { 12f, 10f })
        {
            var maxChars = (int)(slot / (fontSize * 0.62));
            var wrapped = labels.Select(l => string.Join('\n', l.Split('\n').Select(line => Wrap(line, maxChars)))).ToArray();
            if (wrapped.SelectMany(l => l.Split('\n')).Any(line => line.Length > maxChars)) continue;
            plt.Axes.Bottom.SetTicks(positions, wrapped);
            plt.Axes.Bottom.TickLabelStyle.FontSize = fontSize;
            return;
        }
        const float font = 10, degrees = 35;
        var oneLine = labels.Select(l => l.Replace('\n', ' ')).ToArray();
        plt.Axes.Bottom.SetTicks(positions, oneLine);
        plt.Axes.Bottom.TickLabelStyle.FontSize = font;
        plt.Axes.Bottom.TickLabelStyle.Rotation = -degrees;
        plt.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        // the axis panel does not measure turned labels: room for the longest one and the axis label below it
        var longest = oneLine.Max(l => l.Length) * font * 0.55;
        plt.Axes.Bottom.MinimumSize = (float)(longest * Math.Sin(degrees * Math.PI / 180) + font + 30);
        // nor the first label's reach to the left of the data area
        var firstReach = oneLine[0].Length * font * 0.55 * Math.Cos(degrees * Math.PI / 180) - slot / 2;
        plt.Axes.Left.MinimumSize = (float)Math.Max(plt.Axes.Left.MinimumSize, firstReach + 10);
    }

    /// <summary>
    /// A log-scaled axis over [<paramref name="min"/>, <paramref name="max"/>] for data given as log10 values: labelled
    /// ticks at 1, 2 and 5 times each power of ten, minor ticks between.
    /// </summary>
    public static void LogTicks(IAxis axis, double min, double max)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var lo = (int)Math.Floor(Math.Log10(min));
        var hi = (int)Math.Ceiling(Math.Log10(max));
        var labelled = hi - lo <= 3 ? new[] { 1, 2, 5 } : [1];
        for (var e = lo; e <= hi; e++)
            for (var m = 1; m < 10; m++)
            {
                var v = m * Math.Pow(10, e);
                if (labelled.Contains(m)) ticks.AddMajor(Math.Log10(v), v.ToString(v < 1 ? "0.###" : "0", CultureInfo.InvariantCulture));
                else ticks.AddMinor(Math.Log10(v));
            }
        axis.TickGenerator = ticks;
    }

    /// <summary>
    /// Breaks a line at spaces, slashes, underscores, colons or before a plus (and inside a word too long for a line, after
    /// its hyphens) so that no line is longer than <paramref name="maxChars"/> (where it can).
    /// </summary>
    internal static string Wrap(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var lines = new List<string>();
        var line = "";
        var words = SplitKeepingSeparators(text).SelectMany(w => w.Length > maxChars ? SplitAfterHyphens(w) : [w]);
        foreach (var word in words)
        {
            if (line.Length > 0 && line.Length + word.TrimEnd().Length > maxChars)
            {
                lines.Add(line.TrimEnd());
                line = "";
            }
            line += word;
        }
        if (line.Trim().Length > 0) lines.Add(line.TrimEnd());
        return string.Join('\n', lines);
    }

    /// <summary>"max-autotune" → "max-", "autotune".</summary>
    private static IEnumerable<string> SplitAfterHyphens(string word)
    {
        var start = 0;
        for (var i = 0; i < word.Length - 1; i++)
            if (word[i] == '-')
            {
                yield return word[start..(i + 1)];
                start = i + 1;
            }
        yield return word[start..];
    }

    /// <summary>"a b/c" → "a ", "b/", "c": words with the space or slash that ends them.</summary>
    private static IEnumerable<string> SplitKeepingSeparators(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            // a line may end after a space, '/', '_' or ':', or before a '+' (kernel tokens: "+ln_roll_partition")
            if (text[i] == '+' && i > start)
            {
                yield return text[start..i];
                start = i;
                continue;
            }
            if (text[i] is not (' ' or '/' or '_' or ':')) continue;
            yield return text[start..(i + 1)];
            start = i + 1;
        }
        if (start < text.Length) yield return text[start..];
    }

    /// <summary>Roughly how wide a bar of a grouped bar chart is drawn, in pixels.</summary>
    public static double BarPixels(int categories, int series) =>
        DataAreaPixels / Math.Max(1, categories) * 0.8 / Math.Max(1, series) * 0.92;
}
