using System.Globalization;
using ScottPlot;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Renders the study's charts (PNG, 1000×600) from result rows alone, as written to <c>results.csv</c>. Only rows with
/// status <c>ok</c> are drawn; when a results file holds the same case from several runs, the latest is drawn. A chart
/// is written only when the rows hold data for it.
/// </summary>
/// <remarks>
/// The charts of each question <c>q</c> (file names <c>q_…png</c>, titles starting with <c>q:</c>):
/// <list type="bullet">
/// <item><c>q_speedup_fp32.png</c>, <c>q_speedup_fp16.png</c>: per dataset (size class) and task, the best variant's
/// speedup over the question's baseline with its 99.9% interval as an error bar and a dashed line at 1.0×; a label
/// ending in <c>?</c> marks an interval that contains 1.0.</item>
/// <item><c>q_accuracy.png</c>: per variant and task, the worst fidelity PSNR against the FP32 original (identical
/// outputs drawn at a cap and labelled "identical").</item>
/// <item><c>q_ablation_&lt;task&gt;.png</c> (the ablation question only): per task, the latency of each cumulative step
/// with its speedup over the baseline, and the time each step saved.</item>
/// <item><c>q_latency_vs_mp.png</c>: median latency against input megapixels, a line per task and variant.</item>
/// <item><c>q_backends.png</c>: per task, the fastest median latency of each backend/device/precision at one input size
/// that they were all (or most) measured on; drawn when the question has rows of at least two backends.</item>
/// </list>
/// </remarks>
public static class Charts
{
    /// <summary>Width of the PNGs in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Height of the PNGs in pixels.</summary>
    public const int Height = 600;

    private const double PsnrCapFloor = 100;

    /// <summary>
    /// Writes every chart the rows have data for into <paramref name="outDir"/> (created if needed), per question: the
    /// file names start with the question (<c>mask-hoisting_speedup_fp32.png</c>; <c>results_</c> for rows of files
    /// without a question column) and the titles name it. No file is written for a chart without data.
    /// </summary>
    /// <returns>The paths of the PNG files written, in a fixed order.</returns>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<ResultRow> rows, string outDir)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        var usable = ReportData.Usable(rows);
        var written = new List<string>();
        foreach (var question in usable.GroupBy(r => r.Question).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var q = question.ToList();
            var name = ReportData.QuestionName(question.Key);
            var prefix = ReportData.FileSafe(name);
            string PathOf(string chart) => Path.Combine(outDir, $"{prefix}_{chart}.png");
            void Add(Plot? plot, string chart)
            {
                if (plot is null) return;
                Directory.CreateDirectory(outDir);
                written.Add(Save(plot, PathOf(chart)));
            }

            Add(Speedup(q, "fp32", name), "speedup_fp32");
            Add(Speedup(q, "fp16", name), "speedup_fp16");
            Add(Accuracy(q, name), "accuracy");
            // The cumulative-steps chart draws an ablation: the ablation question, or the TorchSharp steps of a file
            // without questions; never the variants of other questions (backends are not steps).
            var steps = question.Key == "ablation" ? q
                : question.Key.Length == 0 ? q.Where(r => string.Equals(r.Backend, "torchsharp", StringComparison.OrdinalIgnoreCase)).ToList()
                : [];
            foreach (var task in steps.Select(r => r.Task).Distinct().Order(StringComparer.Ordinal))
                Add(Ablation(steps, task, name), $"ablation_{ReportData.FileSafe(task)}");
            Add(LatencyVsMegapixels(q, name), "latency_vs_mp");
            // backends only: a question that varies precision or mask on one backend is not a backend comparison
            if (q.Select(r => r.Backend).Distinct(StringComparer.OrdinalIgnoreCase).Count() >= 2) Add(Backends(q, name), "backends");
        }
        return written;
    }

    /// <summary>The best speedup of each task (and backend/device, when there are several) per dataset and size class.</summary>
    private static Plot? Speedup(List<ResultRow> rows, string precision, string question)
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

        var intervals = candidates.Any(r => double.IsFinite(r.SpeedupLow)) ? " (error bars: 99.9% interval)" : "";
        var plt = NewPlot(question,
            (precision == "fp32" ? "best FP32 variant's speedup over the baseline" : "best FP16 variant's speedup over the FP32 baseline") + intervals,
            "dataset (size class)", "speedup of latency per image (×)");
        var best = series.Select(s => categories.Select(c =>
            candidates.Where(r => SeriesOf(r) == s && ReportData.DatasetCategory(r) == c).MaxBy(r => r.Speedup)).ToArray()).ToList();
        var values = best.Select(b => b.Select(r => r is null ? ((double, string)?)null
            : (r.Speedup, ReportData.Speedup(r.Speedup) + (ResultMath.StoredSpeedup(r).IntervalIncludesOne ? " ?" : ""))).ToArray()).ToList();
        var positions = AddGroupedBars(plt, categories, series, values);
        for (var s = 0; s < series.Count; s++)
            for (var c = 0; c < categories.Count; c++)
                if (best[s][c] is { } r && double.IsFinite(r.SpeedupLow) && !double.IsNaN(r.SpeedupHigh))
                    AddInterval(plt, positions[s][c], r.SpeedupLow, double.IsFinite(r.SpeedupHigh) ? r.SpeedupHigh : r.Speedup * 2);
        var one = plt.Add.HorizontalLine(1.0, 1.5f, Colors.Black, LinePattern.Dashed);
        one.LegendText = "1.0× (no speedup)";
        plt.Axes.Margins(0.03, 0.03, 0, 0.15);
        return plt;
    }

    /// <summary>An interval drawn as a vertical black line with caps at <paramref name="x"/>.</summary>
    private static void AddInterval(Plot plt, double x, double low, double high)
    {
        const double cap = 0.04;
        foreach (var (x1, y1, x2, y2) in new[] { (x, low, x, high), (x - cap, low, x + cap, low), (x - cap, high, x + cap, high) })
        {
            var line = plt.Add.Line(x1, y1, x2, y2);
            line.LineWidth = 1.5f;
            line.LineColor = Colors.Black;
        }
    }

    /// <summary>Worst fidelity PSNR per variant, a bar per task.</summary>
    private static Plot? Accuracy(List<ResultRow> rows, string question)
    {
        var measured = rows.Where(r => !double.IsNaN(r.FidelityPsnrDb)).ToList();
        if (measured.Count == 0) return null;

        var maxFinite = measured.Where(r => double.IsFinite(r.FidelityPsnrDb)).Select(r => r.FidelityPsnrDb).DefaultIfEmpty(0).Max();
        var cap = Math.Max(PsnrCapFloor, Math.Ceiling(maxFinite / 10) * 10 + 10);
        var variants = measured
            .GroupBy(ReportData.VariantWithPrecision)
            .OrderBy(g => g.Min(r => r.Step)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var tasks = measured.Select(r => r.Task).Distinct().Order(StringComparer.Ordinal).ToList();

        var plt = NewPlot(question, "fidelity against the FP32 original (worst case over inputs)",
            "variant", $"PSNR (dB); identical (inf) drawn at {cap:0} dB");
        var identical = BarPixels(variants.Count, tasks.Count) >= 45 ? "identical" : "inf";
        var values = tasks.Select(t => variants.Select(v =>
        {
            var group = measured.Where(r => r.Task == t && ReportData.VariantWithPrecision(r) == v).ToList();
            if (group.Count == 0) return ((double, string)?)null;
            var worst = group.Min(r => r.FidelityPsnrDb);
            return double.IsPositiveInfinity(worst) ? (cap, identical) : (worst, worst.ToString("0.0", CultureInfo.InvariantCulture));
        }).ToArray()).ToList();
        AddGroupedBars(plt, variants, tasks, values);
        plt.Axes.Margins(0.03, 0.03, 0, 0.12);
        return plt;
    }

    /// <summary>Latency of each ablation step of one task, with the speedup over the first step and the time saved.</summary>
    private static Plot? Ablation(List<ResultRow> rows, string task, string question)
    {
        // One series of steps: the same backend, device and input; prefer the median size class, then the most steps,
        // then the largest input (where per-image work dominates fixed costs), then the first dataset, then CUDA and
        // TorchSharp (whose model the ablation steps change).
        var group = rows.Where(r => r.Task == task)
            .GroupBy(r => (r.Backend, r.Device, r.Dataset, r.SizeClass, r.Image, r.H, r.W))
            .OrderBy(g => ReportData.SizeRank(g.Key.SizeClass) == 0 ? 0 : 1)
            .ThenByDescending(g => g.Select(r => r.Step).Distinct().Count())
            .ThenByDescending(g => (long)g.Key.H * g.Key.W)
            .ThenBy(g => g.Key.Dataset, StringComparer.OrdinalIgnoreCase)
            .ThenBy(g => ReportData.SizeRank(g.Key.SizeClass))
            .ThenBy(g => string.Equals(g.Key.Device, "cuda", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(g => string.Equals(g.Key.Backend, "torchsharp", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(g => g.Key.Backend, StringComparer.Ordinal)
            .FirstOrDefault();
        if (group is null) return null;
        var steps = group.GroupBy(r => r.Step).OrderBy(g => g.Key).Select(g => g.MinBy(r => r.MedianMs)!).ToList();
        if (steps.Count < 2) return null;

        var first = steps[0];
        var plt = NewPlot(question,
            $"{task}: {first.Dataset} {first.SizeClass} {first.H}×{first.W}, {ReportData.BackendDevice(first)}",
            "cumulative step", "median latency per image (ms)");
        var latency = new List<Bar>();
        var saved = new List<Bar>();
        var keep = plt.Add.Palette.GetColor(0);
        // a saved segment shorter than this has no room for its label (the bar's own label sits right above it)
        var labelledSaving = 0.25 * steps.Max(s => s.MedianMs);
        for (var i = 0; i < steps.Count; i++)
        {
            var ms = steps[i].MedianMs;
            latency.Add(new Bar
            {
                Position = i, Value = ms, FillColor = keep, Size = 0.7,
                Label = $"{ReportData.Speedup(double.IsFinite(steps[i].Speedup) ? steps[i].Speedup : first.MedianMs / ms)}\n{ReportData.Ms(ms)} ms",
            });
            var previous = i == 0 ? ms : steps[i - 1].MedianMs;
            if (previous > ms)
                saved.Add(new Bar
                {
                    Position = i, ValueBase = ms, Value = previous, FillColor = Colors.LightGray, Size = 0.7,
                    Label = previous - ms >= labelledSaving ? $"−{ReportData.Ms(previous - ms)} ms" : "", CenterLabel = true,
                });
        }
        // The saved segments go first so that the labels on top of the latency bars are drawn over them.
        if (saved.Count > 0) plt.Add.Bars(saved).LegendText = "time saved by the step";
        plt.Add.Bars(latency).LegendText = "latency (label: speedup over the baseline)";
        SetCategoryTicks(plt, steps.Select((s, i) => $"{s.Step}: {StepChange(i == 0 ? null : steps[i - 1].Variant, s.Variant)}").ToList());
        plt.Axes.Margins(0.03, 0.03, 0, 0.12);
        plt.ShowLegend(Alignment.UpperRight);
        return plt;
    }

    /// <summary>
    /// What a cumulative step changed, from the two variant labels ("hoisted/fp16/ln-fused+mask" after
    /// "hoisted/fp32/ln-fused+mask" is "fp16"): the tokens of the label that the previous step did not have.
    /// The first step shows its whole label.
    /// </summary>
    internal static string StepChange(string? previous, string current)
    {
        if (previous is null) return current;
        static string[] Tokens(string label) => label.Split(['/', '+'], StringSplitOptions.RemoveEmptyEntries);
        var added = Tokens(current).Except(Tokens(previous)).ToList();
        return added.Count == 0 ? current : "+" + string.Join(" +", added);
    }

    /// <summary>Median latency against megapixels, a line per task and variant (and backend/device when there are several).</summary>
    private static Plot? LatencyVsMegapixels(List<ResultRow> rows, string question)
    {
        // A whole-dataset row sums the megapixels of its images while its latency is per image: not comparable.
        var points = rows.Where(r => !string.Equals(r.SizeClass, "all", StringComparison.OrdinalIgnoreCase))
            .Where(r => double.IsFinite(r.Megapixels) && r.Megapixels > 0)
            .ToList();
        if (points.Count == 0) return null;

        var severalBackends = points.Select(r => $"{ReportData.BackendDevice(r)}").Distinct().Count() > 1;
        var plt = NewPlot(question, "median latency against input size", "input size (megapixels)", "median latency per image (ms)");
        var lines = points
            .GroupBy(r => $"{r.Task} · {ReportData.VariantWithPrecision(r)}" + (severalBackends ? $" · {ReportData.BackendDevice(r)}" : ""))
            .OrderBy(g => g.First().Task, StringComparer.Ordinal)
            .ThenBy(g => g.Min(r => r.Step))
            .ThenBy(g => g.Key, StringComparer.Ordinal);
        var palette = new ScottPlot.Palettes.Category20();
        var tasks = points.Select(r => r.Task).Distinct().Order(StringComparer.Ordinal).ToList();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle];
        var index = 0;
        foreach (var line in lines)
        {
            var xy = line.GroupBy(r => r.Megapixels).OrderBy(g => g.Key)
                .Select(g => (X: g.Key, Y: g.Average(r => r.MedianMs))).ToArray();
            var scatter = plt.Add.Scatter(xy.Select(p => p.X).ToArray(), xy.Select(p => p.Y).ToArray(), palette.GetColor(index));
            scatter.LegendText = line.Key;
            scatter.MarkerSize = 7;
            scatter.MarkerShape = shapes[tasks.IndexOf(line.First().Task) % shapes.Length];
            scatter.LineWidth = 1.5f;
            if (index >= palette.Colors.Length) scatter.LinePattern = LinePattern.Dashed;
            index++;
        }
        plt.ShowLegend(Edge.Right);
        plt.Axes.Margins(0.05, 0.05, 0.05, 0.1);
        return plt;
    }

    /// <summary>Per task, the fastest median latency of each backend/device/precision at one comparable input size.</summary>
    private static Plot? Backends(List<ResultRow> rows, string question)
    {
        static string Combo(ResultRow r) => $"{ReportData.BackendDevice(r)} {r.Precision}";
        var perTask = new List<(string Task, string Category, List<ResultRow> Rows)>();
        foreach (var task in rows.Select(r => r.Task).Distinct().Order(StringComparer.Ordinal))
        {
            var input = rows.Where(r => r.Task == task)
                .GroupBy(r => (r.Dataset, r.SizeClass, r.Image, r.H, r.W))
                .OrderByDescending(g => g.Select(Combo).Distinct().Count())
                .ThenBy(g => ReportData.SizeRank(g.Key.SizeClass))
                .ThenBy(g => g.Key.Dataset, StringComparer.OrdinalIgnoreCase)
                .First();
            var k = input.Key;
            perTask.Add((task, $"{task}\n{k.Dataset} {k.SizeClass} {k.H}×{k.W}", input.ToList()));
        }
        if (!perTask.Any(t => t.Rows.Select(Combo).Distinct().Count() >= 2)) return null;

        var combos = perTask.SelectMany(t => t.Rows).Select(Combo).Distinct().Order(StringComparer.Ordinal).ToList();
        var plt = NewPlot(question, "backends: fastest variant's median latency at a size measured on each",
            "task and input", "median latency per image (ms)");
        var values = combos.Select(c => perTask.Select(t =>
        {
            var best = t.Rows.Where(r => Combo(r) == c).MinBy(r => r.MedianMs);
            return best is null ? ((double, string)?)null : (best.MedianMs, ReportData.Ms(best.MedianMs));
        }).ToArray()).ToList();
        AddGroupedBars(plt, perTask.Select(t => t.Category).ToList(), combos, values);
        plt.Axes.Margins(0.03, 0.03, 0, 0.15);
        return plt;
    }

    /// <summary>A plot titled "question: what it shows".</summary>
    private static Plot NewPlot(string question, string title, string xLabel, string yLabel)
    {
        var plt = new Plot();
        plt.Title($"{question}: {title}", 16);
        plt.XLabel(xLabel, 14);
        plt.YLabel(yLabel, 14);
        return plt;
    }

    /// <summary>
    /// Grouped bars: one group per category, one bar per series (coloured per series, with a legend entry), each bar
    /// labelled. A null value leaves its slot empty.
    /// </summary>
    /// <returns>The x position of each bar, [series][category].</returns>
    private static double[][] AddGroupedBars(Plot plt, IReadOnlyList<string> categories, IReadOnlyList<string> series,
        IReadOnlyList<(double Value, string Label)?[]> values)
    {
        var width = 0.8 / Math.Max(1, series.Count);
        var positions = series.Select((_, s) => categories.Select((_, c) => c - 0.4 + width * (s + 0.5)).ToArray()).ToArray();
        for (var s = 0; s < series.Count; s++)
        {
            var color = plt.Add.Palette.GetColor(s);
            var bars = new List<Bar>();
            for (var c = 0; c < categories.Count; c++)
            {
                if (values[s][c] is not { } v) continue;
                bars.Add(new Bar
                {
                    Position = c - 0.4 + width * (s + 0.5), Value = v.Value, Size = width * 0.92,
                    FillColor = color, Label = v.Label,
                });
            }
            if (bars.Count == 0) continue;
            var plot = plt.Add.Bars(bars);
            plot.LegendText = series[s];
            plot.Color = color;
            plot.ValueLabelStyle.FontSize = (float)Math.Clamp(BarPixels(categories.Count, series.Count) / 4.5, 8, 12);
        }
        SetCategoryTicks(plt, categories);
        if (series.Count > 1) plt.ShowLegend(Edge.Right);
        return positions;
    }

    /// <summary>Category names as tick labels at 0, 1, 2..., wrapped onto several lines to fit their slot.</summary>
    private static void SetCategoryTicks(Plot plt, IReadOnlyList<string> labels)
    {
        var maxChars = Math.Max(8, (int)(DataAreaPixels / Math.Max(1, labels.Count) / 7.5));
        var wrapped = labels.Select(l => string.Join('\n', l.Split('\n').Select(line => Wrap(line, maxChars)))).ToArray();
        plt.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), wrapped);
        plt.Axes.Bottom.MajorTickStyle.Length = 0;
    }

    /// <summary>Breaks a line at spaces, slashes, underscores, colons or before a plus so that no line is longer than <paramref name="maxChars"/> (where it can).</summary>
    internal static string Wrap(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var lines = new List<string>();
        var line = "";
        foreach (var word in SplitKeepingSeparators(text))
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
    private static double BarPixels(int categories, int series) =>
        DataAreaPixels / Math.Max(1, categories) * 0.8 / Math.Max(1, series) * 0.92;

    /// <summary>Roughly how wide the data area is, in pixels (the picture less the axes and a legend on the right).</summary>
    private const double DataAreaPixels = Width - 300;

    /// <summary>Saves the plot as a PNG via a temp file in the same folder, so a reader never sees half a chart.</summary>
    internal static string Save(Plot plt, string path)
    {
        var tmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}.png");
        try
        {
            plt.SavePng(tmp, Width, Height);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
        return path;
    }
}
