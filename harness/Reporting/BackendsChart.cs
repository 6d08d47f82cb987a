using ScottPlot;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Per task, the fastest median latency of each backend/device/precision at one input size that they were all (or
/// most) measured on; drawn when at least two of them were measured on it.
/// </summary>
internal static class BackendsChart
{
    public static Plot? Render(List<ResultRow> rows, string question)
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
        var plt = ChartParts.NewPlot(question, "each backend's fastest variant, median latency at a size measured on each",
            "task and input", "median latency per image (ms)");
        var values = combos.Select(c => perTask.Select(t =>
        {
            var best = t.Rows.Where(r => Combo(r) == c).MinBy(r => r.MedianMs);
            return best is null ? (BarValue?)null : new BarValue(best.MedianMs, ReportData.Ms(best.MedianMs));
        }).ToArray()).ToList();
        ChartParts.AddGroupedBars(plt, perTask.Select(t => t.Category).ToList(), combos, values);
        ChartParts.FitBars(plt, perTask.Count);
        return plt;
    }
}
