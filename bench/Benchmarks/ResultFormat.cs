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
    /// The compact table <c>quick</c> and <c>run</c> end with: per question (its heading says how the speedups were
    /// computed: <see cref="ResultRow.SpeedupMethod"/>), each case's variants with median, 99.9% half-width, p5–p95,
    /// speedup with interval, fidelity and memory; then every variant that was not
    /// measured (unavailable, skipped, failed) with its reason.
    /// </summary>
    public static void PrintTable(IReadOnlyList<ResultRow> rows, TextWriter w)
    {
        foreach (var q in rows.GroupBy(r => r.Question).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ok = q.Where(r => r.IsOk).ToList();
            if (ok.Count == 0) continue;
            w.WriteLine();
            var methods = string.Join(" / ", ok.Select(r => r.SpeedupMethod).Where(m => m.Length > 0).Distinct());
            w.WriteLine($"{q.Key} (median of {string.Join("/", ok.Select(r => r.Samples).Distinct())} samples; speedup {(methods.Length > 0 ? methods : "over the baseline")}, " +
                        "[99.9% interval], ? = interval contains 1.0)");
            w.WriteLine($"{"case",-30} {"variant",-44} {"median ms",10} {"±CI ms",8} {"p5–p95 ms",17} {"speedup",-24} {"PSNR vs FP32",12} {"memory MB",-22}");
            foreach (var r in ok.OrderBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.Dataset).ThenBy(r => r.H * r.W).ThenBy(r => r.Step))
                w.WriteLine($"{Short(r),-30} {r.Variant,-44} {Ms(r.MedianMs),10} {Ms(r.Ci999HalfwidthMs),8} {$"{Ms(r.P5Ms)}–{Ms(r.P95Ms)}",17} " +
                            $"{SpeedupWithInterval(r),-24} {Psnr(r.FidelityPsnrDb),12} {Memory(r),-22}");
        }
        var notMeasured = rows.Where(r => !r.IsOk).ToList();
        if (notMeasured.Count == 0) return;
        w.WriteLine();
        w.WriteLine("not measured:");
        foreach (var r in notMeasured.OrderBy(r => r.Question, StringComparer.Ordinal).ThenBy(r => r.Step))
            w.WriteLine($"  {r.Question}: {Short(r)} {r.Variant}: {r.Status}");
    }

    private static string Short(ResultRow r) => $"{r.Task} {r.Dataset} {r.H}x{r.W}";
}
