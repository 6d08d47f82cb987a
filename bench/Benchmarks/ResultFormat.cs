using System.Globalization;
using SwinBench.Results;

namespace SwinBench.Benchmarks;

/// <summary>How the console tables (BenchmarkDotNet's columns and SwinBench's compact table) format row values.</summary>
public static class ResultFormat
{
    public static string Ms(double ms) => double.IsFinite(ms) ? ms.ToString(Math.Abs(ms) < 100 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "–";

    public static string Psnr(double db) =>
        double.IsPositiveInfinity(db) ? "identical" : double.IsFinite(db) ? db.ToString("0.00", CultureInfo.InvariantCulture) + " dB" : "n/a";

    /// <summary><c>1.23× [1.10–1.40]</c>, a <c>?</c> when the interval contains 1.0, <c>baseline</c>, or <c>– (reason)</c>.</summary>
    public static string SpeedupWithInterval(ResultRow r)
    {
        if (r.IsBaseline && r.Speedup == 1.0) return "baseline";
        var s = ResultMath.StoredSpeedup(r);
        if (!double.IsFinite(s.Value)) return s.Note.Length > 0 ? $"– ({s.Note})" : "–";
        var text = s.Value.ToString("0.00", CultureInfo.InvariantCulture) + "×";
        if (double.IsNaN(s.Low)) return text;
        var high = double.IsPositiveInfinity(s.High) ? "∞" : s.High.ToString("0.00", CultureInfo.InvariantCulture);
        return $"{text} [{s.Low.ToString("0.00", CultureInfo.InvariantCulture)}–{high}]{(s.IntervalIncludesOne ? " ?" : "")}";
    }

    /// <summary>Memory with what it measures: <c>812 (case-peak-rss)</c>.</summary>
    public static string Memory(ResultRow r) =>
        double.IsFinite(r.PeakMemoryMB) ? r.PeakMemoryMB.ToString("0", CultureInfo.InvariantCulture) + (r.MemoryScope.Length > 0 ? $" ({r.MemoryScope})" : "") : "n/a";

    /// <summary>
    /// The one table <c>quick</c> and <c>run</c> end with: per question (its heading says the statistic and how the
    /// speedups were computed: <see cref="ResultRow.SpeedupMethod"/>), each case's measured variants with the median
    /// latency over all samples and the sample count, the speedup over the baseline with its 99.9% interval (none where
    /// the rows cannot give one), fidelity and memory; then every variant that was not measured (unavailable, failed)
    /// with its reason.
    /// </summary>
    public static void PrintTable(IReadOnlyList<ResultRow> rows, TextWriter w)
    {
        foreach (var q in rows.GroupBy(r => r.Question).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ok = q.Where(r => r.IsOk).OrderBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.Dataset).ThenBy(r => r.H * r.W).ThenBy(r => r.Step).ToList();
            if (ok.Count == 0) continue;
            var methods = string.Join(" / ", ok.Select(r => r.SpeedupMethod).Where(m => m.Length > 0).Distinct());
            w.WriteLine();
            w.WriteLine($"{q.Key}: median latency over all samples; speedup over the baseline{(methods.Length > 0 ? " " + methods : "")}" +
                        " with its 99.9% interval (? = the interval contains 1.0)");
            string[] header = ["case", "variant", "median ms", "samples", "speedup [99.9%]", "PSNR vs FP32", "memory MB"];
            var cells = ok.Select(r => new[] { Short(r), r.Variant, Ms(r.MedianMs), r.Samples.ToString(CultureInfo.InvariantCulture),
                SpeedupWithInterval(r), Psnr(r.FidelityPsnrDb), Memory(r) }).ToList();
            var widths = header.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
            var right = new[] { false, false, true, true, false, true, false };
            string Line(string[] c) => string.Join("  ", c.Select((x, i) => right[i] ? x.PadLeft(widths[i]) : x.PadRight(widths[i]))).TrimEnd();
            w.WriteLine(Line(header));
            foreach (var c in cells) w.WriteLine(Line(c));
        }
        var notMeasured = rows.Where(r => !r.IsOk).ToList();
        if (notMeasured.Count == 0) return;
        w.WriteLine();
        w.WriteLine("not measured:");
        foreach (var r in notMeasured.OrderBy(r => r.Question, StringComparer.Ordinal).ThenBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.H * r.W).ThenBy(r => r.Step))
            w.WriteLine($"  {r.Question}: {Short(r)} {r.Variant}: {r.Status}");
    }

    private static string Short(ResultRow r) => $"{r.Task} {r.Dataset} {r.H}x{r.W}";
}
