using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// The study's charts (file names <c>study_…png</c>): per task, each variant's set-time speedup over the study's
/// baseline per benchmark set (<c>study_speedup_&lt;task&gt;</c>, holes written as such) and its latency against the
/// padded input size on log axes (<c>study_latency_vs_mp_&lt;task&gt;</c>: the scaling the set totals interpolate); and
/// the fidelity of every variant against the FP32 reference (<c>study_fidelity</c>).
/// </summary>
internal static class StudyCharts
{
    /// <summary>Adds each chart of <paramref name="study"/> through <paramref name="add"/> (plot, file name suffix).</summary>
    public static void Render(Study study, string question, Action<ScottPlot.Plot?, string> add)
    {
        foreach (var task in study.Tasks)
        {
            var file = ReportData.FileSafe(task);
            add(Speedup(study, task, question), $"speedup_{file}");
            var rows = study.Rows.Where(r => r.Task == task && r.IsOk).ToList();
            var window = Workloads.BenchTask.All.FirstOrDefault(t => t.Name == task)?.Preset.Config.WindowSize ?? 8;
            add(LatencyChart.Render(rows, question, r => r.Variant, r => StudyAnalysis.PaddedMegapixels(r.H, r.W, window), logAxes: true,
                $"{task}: median latency against input size, per variant", $"input size padded to the window of {window} (megapixels)"), $"latency_vs_mp_{file}");
        }
        add(AccuracyChart.Render(study.Rows.Where(r => r.IsOk).ToList(), question, r => r.Variant,
            "fidelity against the FP32 reference output (worst case over the measured inputs)"), "fidelity");
    }

    /// <summary>Per set, each variant's set-time speedup over the baseline with its interval; a set without a total says why in its slot.</summary>
    private static ScottPlot.Plot? Speedup(Study study, string task, string question)
    {
        var results = study.Results.Where(r => r.Task == task).ToList();
        var baseline = study.Baseline(task);
        var shown = results.Where(r => r.Variant != baseline).ToList();
        if (!shown.Any(r => double.IsFinite(r.SpeedupVsBaseline))) return null;

        var sets = results.Select(r => r.Set).Distinct().ToList();
        var variants = shown.OrderBy(r => r.Step).Select(r => r.Variant).Distinct().ToList();
        var values = variants.Select(v => sets.Select(s =>
        {
            var r = shown.FirstOrDefault(x => x.Variant == v && x.Set == s);
            if (r is null) return (BarValue?)null;
            if (!double.IsFinite(r.SpeedupVsBaseline))
                return new BarValue(double.NaN, r.Status == ResultRow.StatusOk ? "no baseline total" : StudyAnalysis.ShortStatus(r.Status));
            var unclear = new Speedup(r.SpeedupVsBaseline, r.SpeedupVsBaselineLow, r.SpeedupVsBaselineHigh, "").IntervalIncludesOne;
            return new BarValue(r.SpeedupVsBaseline, ReportData.Speedup(r.SpeedupVsBaseline) + (unclear ? ChartParts.UnclearMark : ""),
                r.SpeedupVsBaselineLow, r.SpeedupVsBaselineHigh);
        }).ToArray()).ToList();
        var anyUnclear = values.SelectMany(v => v).Any(v => v is { } b && b.Label.EndsWith(ChartParts.UnclearMark, StringComparison.Ordinal));
        var categories = sets.Select(s => $"{s}\n({results.First(r => r.Set == s).Images} images)").ToList();
        var plt = ChartParts.NewPlot(question,
            $"{task}: speedup of the time for the whole set over {baseline} (error bars: the set's cases' 99.9% intervals)",
            "benchmark set" + (anyUnclear ? "; " + ChartParts.UnclearNote : ""), "speedup of the set's total time (×)");
        ChartParts.AddGroupedBars(plt, categories, variants, values);
        SpeedupChart.OneLine(plt);
        ChartParts.FitBars(plt, categories.Count);
        return plt;
    }
}
