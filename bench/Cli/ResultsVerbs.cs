using SwinBench.Reporting;
using SwinBench.Results;

namespace SwinBench.Cli;

/// <summary>
/// What <c>swinbench plot</c> and <c>swinbench report</c> share: finding a results folder's CSV, reading it, and
/// turning the errors a user can cause (a missing folder or CSV, a corrupt CSV) into one line on stderr and exit code 2.
/// </summary>
public static class ResultsVerbs
{
    /// <summary>Exit code of a verb that succeeded.</summary>
    public const int Ok = 0;

    /// <summary>Exit code of an error the user can fix (the same value as <c>CliErrors.UserError</c>).</summary>
    public const int UserError = 2;

    /// <summary>
    /// Renders the charts of the results folder <paramref name="input"/> into it and, when <paramref name="withReport"/>,
    /// writes <c>REPORT.md</c>; prints what was written to <paramref name="stdout"/>, an error to <paramref name="stderr"/>.
    /// </summary>
    /// <param name="input">A results folder holding <c>results.csv</c>, or the path of the CSV itself.</param>
    /// <param name="withReport">Also write <c>REPORT.md</c>.</param>
    /// <param name="stdout">Where the written paths go.</param>
    /// <param name="stderr">Where an error goes.</param>
    /// <returns><see cref="Ok"/> or <see cref="UserError"/>.</returns>
    public static int Execute(string input, bool withReport, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var (dir, rows) = Load(input);
            var charts = Charts.RenderAll(rows, Path.Combine(dir, ResultsStore.ChartsFolder), dir);
            foreach (var chart in charts) stdout.WriteLine(chart);
            if (charts.Count == 0) stdout.WriteLine($"no chart: {Path.Combine(dir, ResultsStore.FileName)} has no measured rows");
            if (withReport) stdout.WriteLine(ReportWriter.Write(dir, rows, charts));
            return Ok;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException
                                      or IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"error: {e.Message.ReplaceLineEndings(" ").Trim()}");
            return UserError;
        }
    }

    /// <summary>The results folder and its rows.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (the message names it).</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>results.csv</c> (the message names the path).</exception>
    /// <exception cref="InvalidDataException">The CSV is corrupt (the message names the file and line).</exception>
    public static (string Dir, IReadOnlyList<ResultRow> Rows) Load(string input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        var full = Path.GetFullPath(input);
        var dir = File.Exists(full) && full.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(full)! : full;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"results folder not found: {dir}");
        var store = new ResultsStore(dir);
        if (!store.Exists) throw new FileNotFoundException($"no {ResultsStore.FileName} in {dir}", store.CsvPath);
        return (dir, store.Read());
    }
}
