using System.Globalization;
using System.Text;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>The markdown pieces the report's sections share: tables, safe cells, intervals.</summary>
internal static class Markdown
{
    /// <summary>A table with a header row; cells are made safe (<see cref="Cell"/>).</summary>
    public static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header.Select(Cell)) + " |");
        md.AppendLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        md.AppendLine();
    }

    /// <summary>Text made safe for a markdown table cell: one line, pipes escaped.</summary>
    public static string Cell(string s) => s.ReplaceLineEndings(" ").Replace("|", "\\|").Trim();

    /// <summary>An interval, <c>[0.91, 1.12]</c> (∞ for an unbounded high end), or empty when it is not known.</summary>
    public static string Interval(double low, double high)
    {
        if (!double.IsFinite(low) || double.IsNaN(high)) return "";
        var h = double.IsPositiveInfinity(high) ? "∞" : high.ToString("0.00", CultureInfo.InvariantCulture);
        return $"[{low.ToString("0.00", CultureInfo.InvariantCulture)}, {h}]";
    }

    /// <summary>The flag of a speedup whose interval contains 1.0.</summary>
    public const string Unclear = "⚠";

    /// <summary>A speedup with its interval and <see cref="Unclear"/> when that contains 1.0: <c>3.21× [2.90, 3.55]</c>; a dash when missing.</summary>
    public static string SpeedupWithInterval(double value, double low, double high)
    {
        if (!double.IsFinite(value)) return "–";
        var interval = Interval(low, high);
        var flag = new Speedup(value, low, high, "").IntervalIncludesOne ? " " + Unclear : "";
        return ReportData.Speedup(value) + (interval.Length > 0 ? " " + interval : "") + flag;
    }
}
