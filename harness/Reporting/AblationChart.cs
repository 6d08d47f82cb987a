using ScottPlot;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Cumulative steps, found from the rows themselves, and their chart: per task, the latency of each step with its
/// speedup over the first step, and the time each step saved.
/// </summary>
/// <remarks>
/// A <b>cumulative series</b> is the rows of one task, backend, device and input, one per step, in step order, with at
/// least <see cref="MinSteps"/> steps, where every step changes the model options (mask, precision, LayerNorm or
/// plugins) and none takes one back: the plugin set only grows, and a mask, precision or LayerNorm mode that a step
/// leaves never returns. An ablation is such a series; a question that compares variants side by side (the same
/// precision off and on again, or two compile modes with the same options) is not.
/// </remarks>
internal static class AblationChart
{
    /// <summary>The fewest steps a cumulative series has.</summary>
    public const int MinSteps = 3;

    /// <summary>The cumulative series among <paramref name="rows"/> (see the remarks), in task order.</summary>
    public static List<List<ResultRow>> CumulativeSeries(IEnumerable<ResultRow> rows) => rows
        .GroupBy(r => (r.Task, r.Backend, r.Device, r.Dataset, r.SizeClass, r.Image, r.H, r.W))
        .Select(g => g.OrderBy(r => r.Step).ToList())
        .Where(IsCumulative)
        .OrderBy(s => s[0].Task, StringComparer.Ordinal)
        .ToList();

    /// <summary>Whether rows ordered by step form a cumulative series (see the remarks).</summary>
    public static bool IsCumulative(IReadOnlyList<ResultRow> byStep)
    {
        if (byStep.Count < MinSteps || byStep.Select(r => r.Step).Distinct().Count() != byStep.Count) return false;
        for (var i = 1; i < byStep.Count; i++)
        {
            var (a, b) = (byStep[i - 1], byStep[i]);
            var (pa, pb) = (Plugins(a), Plugins(b));
            if (!pa.IsSubsetOf(pb)) return false;
            if (pa.SetEquals(pb) && a.Mask == b.Mask && a.Precision == b.Precision && a.LayerNorm == b.LayerNorm) return false;
        }
        Func<ResultRow, string>[] modes = [r => r.Mask, r => r.Precision, r => r.LayerNorm];
        return modes.All(mode => NeverReturns(byStep.Select(mode).ToList()));
    }

    /// <summary>A label per variant of the series: <c>3: +ln_roll_partition</c> (the step and what it changed), the first step its whole label.</summary>
    public static Dictionary<string, string> StepLabels(IEnumerable<List<ResultRow>> series)
    {
        var labels = new Dictionary<string, string>();
        foreach (var s in series)
            for (var i = 0; i < s.Count; i++)
                labels.TryAdd(s[i].Variant, $"{s[i].Step}: {StepChange(i == 0 ? null : s[i - 1].Variant, s[i].Variant)}");
        return labels;
    }

    /// <summary>
    /// What a cumulative step changed, from the two variant labels ("torchsharp:hoisted/fp16/ln-fused+window_mask" after
    /// "torchsharp:hoisted/fp32/ln-fused+window_mask" is "+fp16"): the tokens of the label that the previous step did not
    /// have. The first step shows its label without the backend prefix (<c>torchsharp:</c>), which the chart names.
    /// </summary>
    internal static string StepChange(string? previous, string current)
    {
        static string[] Tokens(string label) => label.Split(['/', '+', ':'], StringSplitOptions.RemoveEmptyEntries);
        var colon = current.IndexOf(':');
        if (previous is null) return colon >= 0 ? current[(colon + 1)..] : current;
        var added = Tokens(current).Except(Tokens(previous)).ToList();
        return added.Count == 0 ? current : "+" + string.Join(" +", added);
    }

    /// <summary>The chart of the task's cumulative series (<paramref name="series"/>: those of every task), or null.</summary>
    public static Plot? Render(IReadOnlyList<List<ResultRow>> series, string task, string question)
    {
        // One series per task: prefer the median size class, then the most steps, then the largest input (where
        // per-image work dominates fixed costs), then the first dataset, then CUDA and TorchSharp.
        var steps = series.Where(s => s[0].Task == task)
            .OrderBy(s => ReportData.SizeRank(s[0].SizeClass) == 0 ? 0 : 1)
            .ThenByDescending(s => s.Count)
            .ThenByDescending(s => (long)s[0].H * s[0].W)
            .ThenBy(s => s[0].Dataset, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => ReportData.SizeRank(s[0].SizeClass))
            .ThenBy(s => string.Equals(s[0].Device, "cuda", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(s => string.Equals(s[0].Backend, "torchsharp", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(s => s[0].Backend, StringComparer.Ordinal)
            .FirstOrDefault();
        if (steps is null) return null;

        var first = steps[0];
        var plt = ChartParts.NewPlot(question,
            $"{task}: {first.Dataset} {first.SizeClass} {first.H}×{first.W}, {ReportData.BackendDevice(first)}",
            "cumulative step (grey: the time the step saved)", "median latency per image (ms); label: speedup over step 0");
        var latency = new List<Bar>();
        var saved = new List<Bar>();
        var keep = plt.Add.Palette.GetColor(0);
        // a saved segment shorter than this has no room for its label (the bar's own label sits right above it)
        var labelledSaving = 0.25 * steps.Max(s => s.MedianMs);
        var fontSize = (float)Math.Clamp(ChartParts.BarPixels(steps.Count, 1) / 4.5, 9, 12);
        for (var i = 0; i < steps.Count; i++)
        {
            var ms = steps[i].MedianMs;
            latency.Add(new Bar { Position = i, Value = ms, FillColor = keep, Size = 0.7 });
            var previous = i == 0 ? ms : steps[i - 1].MedianMs;
            if (previous > ms)
                saved.Add(new Bar
                {
                    Position = i, ValueBase = ms, Value = previous, FillColor = Colors.LightGray, Size = 0.7,
                    Label = previous - ms >= labelledSaving ? $"−{ReportData.Ms(previous - ms)} ms" : "", CenterLabel = true,
                });
        }
        if (saved.Count > 0) plt.Add.Bars(saved);
        plt.Add.Bars(latency);
        // each step's label above its bar and the time it saved, after the bars so that none is drawn over it
        for (var i = 0; i < steps.Count; i++)
        {
            var ms = steps[i].MedianMs;
            var speedup = double.IsFinite(steps[i].Speedup) ? steps[i].Speedup : first.MedianMs / ms;
            ChartParts.AddLabelAbove(plt, $"{ReportData.Speedup(speedup)}\n{ReportData.Ms(ms)} ms", i,
                Math.Max(ms, i == 0 ? ms : steps[i - 1].MedianMs), fontSize);
        }
        ChartParts.SetCategoryTicks(plt, steps.Select(s => StepLabels([steps])[s.Variant]).ToList(), legend: false);
        plt.Axes.Margins(0.03, 0.03, 0, 0.15);
        return plt;
    }

    private static HashSet<string> Plugins(ResultRow r) =>
        r.Plugins.Split('+', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "none").ToHashSet(StringComparer.Ordinal);

    /// <summary>True when no value of the sequence comes back after the sequence has moved on from it.</summary>
    private static bool NeverReturns(IReadOnlyList<string> values)
    {
        var left = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < values.Count; i++)
        {
            if (values[i] == values[i - 1]) continue;
            left.Add(values[i - 1]);
            if (left.Contains(values[i])) return false;
        }
        return true;
    }
}
