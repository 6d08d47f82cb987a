using System.Globalization;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>How charts and reports select, order, label and format rows.</summary>
internal static class ReportData
{
    private static readonly string[] SizeClassOrder = ["median", "largest", "all", "custom"];

    /// <summary>
    /// The rows a chart or table shows: copies of the <c>ok</c> rows, with missing speedups computed
    /// (<see cref="ResultMath.FillSpeedups"/>), keeping for each case only its latest measurement (see <see cref="CaseKey"/>).
    /// </summary>
    public static List<ResultRow> Usable(IEnumerable<ResultRow> rows) =>
        Latest(WithSpeedups(rows).Where(r => r.IsOk && double.IsFinite(r.MedianMs)));

    /// <summary>Copies of the rows in which a speedup that is NaN is computed from the rows themselves.</summary>
    public static List<ResultRow> WithSpeedups(IEnumerable<ResultRow> rows)
    {
        var originals = rows.ToList();
        var copies = originals.Select(r => r with { }).ToList();
        ResultMath.FillSpeedups(copies);
        for (var i = 0; i < copies.Count; i++)
            if (!double.IsNaN(originals[i].Speedup)) copies[i].Speedup = originals[i].Speedup;
        return copies;
    }

    /// <summary>For each case (<see cref="CaseKey"/>) the row with the latest timestamp (the later one on a tie).</summary>
    public static List<ResultRow> Latest(IEnumerable<ResultRow> rows)
    {
        var latest = new Dictionary<object, (int Order, ResultRow Row)>();
        var order = 0;
        foreach (var r in rows)
        {
            var key = CaseKey(r);
            if (!latest.TryGetValue(key, out var seen) || r.TimestampUtc >= seen.Row.TimestampUtc)
                latest[key] = (seen.Row is null ? order : seen.Order, r);
            order++;
        }
        return latest.Values.OrderBy(v => v.Order).Select(v => v.Row).ToList();
    }

    /// <summary>A case irrespective of the run that measured it: the store key without the run id, plus the machine and device.</summary>
    public static object CaseKey(ResultRow r) => (r.Key with { RunId = "" }, r.Machine, r.DeviceName);

    /// <summary>The name a question's section and charts carry: the question, or <c>results</c> for rows without one.</summary>
    public static string QuestionName(string question) => question.Length == 0 ? "results" : question;

    /// <summary>The rank of a size class: median, largest, all, custom, then others.</summary>
    public static int SizeRank(string sizeClass)
    {
        var i = Array.IndexOf(SizeClassOrder, sizeClass.ToLowerInvariant());
        return i < 0 ? SizeClassOrder.Length : i;
    }

    /// <summary>The x category of a dataset and size class, e.g. <c>Set5 (median)</c> or <c>synthetic 256×256</c>.</summary>
    public static string DatasetCategory(ResultRow r) =>
        string.Equals(r.SizeClass, "custom", StringComparison.OrdinalIgnoreCase)
            ? $"{r.Dataset} {r.H}×{r.W}"
            : $"{r.Dataset} ({r.SizeClass})";

    /// <summary>Rows ordered by dataset, size class, size and image.</summary>
    public static IOrderedEnumerable<ResultRow> ByInput(IEnumerable<ResultRow> rows) => rows
        .OrderBy(r => r.Dataset, StringComparer.OrdinalIgnoreCase)
        .ThenBy(r => SizeRank(r.SizeClass))
        .ThenBy(r => (long)r.H * r.W)
        .ThenBy(r => r.Image, StringComparer.Ordinal);

    /// <summary>Backend and device, e.g. <c>torchsharp/cuda</c>.</summary>
    public static string BackendDevice(ResultRow r) => $"{r.Backend}/{r.Device}";

    /// <summary>The variant, with the precision appended when the label does not already say it.</summary>
    public static string VariantWithPrecision(ResultRow r) =>
        r.Variant.Contains(r.Precision, StringComparison.OrdinalIgnoreCase) || r.Precision.Length == 0
            ? r.Variant
            : $"{r.Variant} [{r.Precision}]";

    /// <summary>Milliseconds with 2 decimals below 100 ms, else 1; a dash for NaN.</summary>
    public static string Ms(double ms) => double.IsFinite(ms) ? ms.ToString(Math.Abs(ms) < 100 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "–";

    /// <summary>A speedup such as <c>1.52×</c>; a dash for NaN.</summary>
    public static string Speedup(double s) => double.IsFinite(s) ? s.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    /// <summary>A PSNR in dB with 2 decimals, <c>identical</c> for +∞, a dash for NaN.</summary>
    public static string Psnr(double db) =>
        double.IsPositiveInfinity(db) ? "identical (inf)"
        : double.IsFinite(db) ? db.ToString("0.00", CultureInfo.InvariantCulture) + " dB"
        : "–";

    /// <summary>An SSIM with 4 decimals; a dash for NaN.</summary>
    public static string Ssim(double v) => double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "–";

    /// <summary>Megapixels with 3 decimals below 10, else 2.</summary>
    public static string Mp(double mp) => double.IsFinite(mp) ? mp.ToString(mp < 10 ? "0.000" : "0.00", CultureInfo.InvariantCulture) : "–";

    /// <summary>Megabytes without decimals; a dash for NaN.</summary>
    public static string Mb(double mb) => double.IsFinite(mb) ? mb.ToString("0", CultureInfo.InvariantCulture) : "–";

    /// <summary>A file-name-safe form of a label (letters, digits, <c>-</c>, <c>.</c>; others become <c>_</c>).</summary>
    public static string FileSafe(string s)
    {
        var chars = s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray();
        var name = new string(chars).Trim('_');
        return name.Length == 0 ? "unnamed" : name;
    }
}
