using System.Globalization;
using System.Text;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Writes <c>REPORT.md</c>: the runs, the environment of each machine, a table per task (and backend/device) of the
/// measured cases, the cases that were skipped, unavailable or failed with their reasons, and the charts.
/// </summary>
public static class ReportWriter
{
    /// <summary>The report's file name.</summary>
    public const string FileName = "REPORT.md";

    /// <summary>
    /// Writes <c>REPORT.md</c> into <paramref name="dir"/> atomically (a temp file renamed over it), embedding
    /// <paramref name="charts"/> by their paths relative to <paramref name="dir"/>.
    /// </summary>
    /// <returns>The path of the report.</returns>
    public static string Write(string dir, IReadOnlyList<ResultRow> rows, IReadOnlyList<string> charts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(charts);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, FileName);
        var tmp = Path.Combine(dir, $".{FileName}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = new UTF8Encoding(false).GetBytes(Render(dir, rows, charts));
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
        return path;
    }

    /// <summary>The markdown of the report; chart links are relative to <paramref name="dir"/>.</summary>
    public static string Render(string dir, IReadOnlyList<ResultRow> rows, IReadOnlyList<string> charts)
    {
        var md = new StringBuilder();
        var runs = rows.GroupBy(r => r.RunId).OrderBy(g => g.Min(r => r.TimestampUtc)).ToList();
        md.AppendLine(runs.Count == 1 ? $"# SwinBench results: run {runs[0].Key}" : $"# SwinBench results: {runs.Count} runs");
        md.AppendLine();
        if (runs.Count == 0) md.AppendLine("No results.").AppendLine();
        foreach (var run in runs)
        {
            var first = run.Min(r => r.TimestampUtc);
            var last = run.Max(r => r.TimestampUtc);
            md.AppendLine($"- `{run.Key}`: {run.Count()} rows, {Time(first)} to {Time(last)} UTC, " +
                          $"commit {Cell(string.Join(", ", run.Select(r => r.GitCommit).Distinct()))}");
        }
        md.AppendLine();

        WriteEnvironment(md, rows);
        WriteTasks(md, rows);
        WriteNotMeasured(md, rows);
        WriteCharts(md, dir, charts);
        return md.ToString();
    }

    private static void WriteEnvironment(StringBuilder md, IReadOnlyList<ResultRow> rows)
    {
        var envs = rows.Select(r => r.GetEnvironment()).Distinct().OrderBy(e => e.Machine, StringComparer.Ordinal).ToList();
        if (envs.Count == 0) return;
        md.AppendLine("## Environment").AppendLine();
        Table(md, ["Machine", "OS", "CPU", "GPU", "Driver", "CUDA", "libtorch", "TorchSharp", "ONNX Runtime", ".NET", "Commit"],
            envs.Select(e => new[] { e.Machine, e.Os, e.Cpu, e.Gpu, e.Driver, e.Cuda, e.Libtorch, e.TorchSharp, e.OnnxRuntime, e.DotNet, e.GitCommit }));
    }

    private static void WriteTasks(StringBuilder md, IReadOnlyList<ResultRow> rows)
    {
        var usable = ReportData.Usable(rows);
        if (usable.Count == 0) return;
        md.AppendLine("## Results").AppendLine();
        md.AppendLine("Latency is per image; speedup is the baseline's (step 0, FP32) median over this median within the " +
                      "same run, task, backend, device and input; PSNR is against the FP32 original of the same backend.");
        md.AppendLine();
        foreach (var task in usable.GroupBy(r => r.Task).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            md.AppendLine($"### {task.Key}").AppendLine();
            foreach (var target in task.GroupBy(r => (r.Backend, r.Device, r.DeviceName)).OrderBy(g => g.Key.Backend, StringComparer.Ordinal).ThenBy(g => g.Key.Device, StringComparer.Ordinal))
            {
                var (backend, device, deviceName) = target.Key;
                var models = string.Join(", ", target.Select(r => r.Model).Distinct());
                md.AppendLine($"**{Cell(backend)} / {Cell(device)}** ({Cell(deviceName)}; model {Cell(models)})").AppendLine();
                var ordered = ReportData.ByInput(target).ThenBy(r => r.Step).ThenBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Precision, StringComparer.Ordinal);
                Table(md, ["Variant", "Precision", "Dataset", "Size", "H×W", "MP", "median ms", "p95 ms", "speedup", "PSNR vs FP32", "peak MB"],
                    ordered.Select(r => new[]
                    {
                        r.Variant, r.Precision, Input(r), r.SizeClass,
                        $"{r.H}×{r.W}", ReportData.Mp(r.Megapixels), ReportData.Ms(r.MedianMs), ReportData.Ms(r.P95Ms),
                        ReportData.Speedup(r.Speedup), ReportData.Psnr(r.FidelityPsnrDb), ReportData.Mb(r.PeakMemoryMB),
                    }));
            }
        }
    }

    private static void WriteNotMeasured(StringBuilder md, IReadOnlyList<ResultRow> rows)
    {
        var notOk = ReportData.Latest(rows.Where(r => !r.IsOk)).ToList();
        md.AppendLine("## Skipped, unavailable and failed cases").AppendLine();
        if (notOk.Count == 0)
        {
            md.AppendLine("None.").AppendLine();
            return;
        }
        Table(md, ["Task", "Variant", "Backend", "Device", "Precision", "Dataset", "Size", "Status"],
            notOk.OrderBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.Backend, StringComparer.Ordinal).ThenBy(r => r.Step)
                .Select(r => new[] { r.Task, r.Variant, r.Backend, r.Device, r.Precision, Input(r), r.SizeClass, r.Status }));
    }

    private static void WriteCharts(StringBuilder md, string dir, IReadOnlyList<string> charts)
    {
        if (charts.Count == 0) return;
        md.AppendLine("## Charts").AppendLine();
        var root = Path.GetFullPath(dir);
        foreach (var chart in charts)
        {
            var rel = Path.GetRelativePath(root, Path.GetFullPath(chart)).Replace('\\', '/');
            var name = Path.GetFileNameWithoutExtension(chart);
            md.AppendLine($"![{name}]({Uri.EscapeDataString(rel).Replace("%2F", "/")})").AppendLine();
        }
    }

    /// <summary>The dataset, with the image when the row is for one image: <c>Set5 (baby)</c>.</summary>
    private static string Input(ResultRow r) => r.Image is "*" or "" ? r.Dataset : $"{r.Dataset} ({r.Image})";

    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header.Select(Cell)) + " |");
        md.AppendLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        md.AppendLine();
    }

    /// <summary>Text made safe for a markdown table cell: one line, pipes escaped.</summary>
    private static string Cell(string s) => s.ReplaceLineEndings(" ").Replace("|", "\\|").Trim();

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
