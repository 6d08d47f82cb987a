using System.Globalization;
using System.Text;
using SwinBench.IO;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Writes <c>REPORT.md</c>: the runs, the environment of each machine, how latency, speedup and its interval are
/// defined, one section per question (a table per task and device of the measured cases, speedups whose interval
/// contains 1.0 flagged, the question's charts), and the cases that were skipped, unavailable or failed with their
/// reasons. The study question's section starts with the study's per-set tables (<see cref="StudySection"/>), and
/// the study's per-set values go to <c>study.csv</c> beside the report.
/// </summary>
public static class ReportWriter
{
    /// <summary>The report's file name.</summary>
    public const string FileName = "REPORT.md";

    /// <summary>
    /// Writes <c>REPORT.md</c> into <paramref name="dir"/> atomically (<see cref="AtomicFile"/>), embedding
    /// <paramref name="charts"/> by their paths relative to <paramref name="dir"/>; with study rows, also
    /// <c>study.csv</c> (<see cref="StudyCsv"/>), its set sizes from the folder's <c>raw/manifest.csv</c>
    /// (<see cref="StudyManifest.For"/>).
    /// </summary>
    /// <returns>The path of the report.</returns>
    /// <exception cref="InvalidDataException">The folder's manifest is not valid (the message names the file and line).</exception>
    public static string Write(string dir, IReadOnlyList<ResultRow> rows, IReadOnlyList<string> charts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(charts);
        Directory.CreateDirectory(dir);
        var study = StudyOf(dir, rows);
        if (study is not null) StudyCsv.Write(dir, study.Results);
        var path = Path.Combine(dir, FileName);
        var bytes = new UTF8Encoding(false).GetBytes(Render(dir, rows, charts, study));
        AtomicFile.Write(path, stream => stream.Write(bytes));
        return path;
    }

    /// <summary>The markdown of the report; chart links are relative to <paramref name="dir"/>, the study's set sizes from its manifest.</summary>
    public static string Render(string dir, IReadOnlyList<ResultRow> rows, IReadOnlyList<string> charts) =>
        Render(dir, rows, charts, StudyOf(dir, rows));

    /// <summary>The study of the rows, its set sizes from the folder's manifest; null without study rows.</summary>
    private static Study? StudyOf(string dir, IReadOnlyList<ResultRow> rows) =>
        rows.Any(r => r.Question == StudyAnalysis.Question) ? StudyAnalysis.Compute(rows, StudyManifest.For(dir)) : null;

    private static string Render(string dir, IReadOnlyList<ResultRow> rows, IReadOnlyList<string> charts, Study? study)
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
                          $"commit {Markdown.Cell(string.Join(", ", run.Select(r => r.GitCommit).Distinct()))}");
        }
        md.AppendLine();

        WriteEnvironment(md, rows);
        WriteQuestions(md, dir, rows, charts, study);
        WriteNotMeasured(md, rows);
        return md.ToString();
    }

    private static void WriteEnvironment(StringBuilder md, IReadOnlyList<ResultRow> rows)
    {
        var envs = rows.Select(r => r.GetEnvironment()).Distinct().OrderBy(e => e.Machine, StringComparer.Ordinal).ToList();
        if (envs.Count == 0) return;
        md.AppendLine("## Environment").AppendLine();
        Markdown.Table(md, ["Machine", "OS", "CPU", "GPU", "Driver", "CUDA", "libtorch", "TorchSharp", "ONNX Runtime", ".NET", "Commit"],
            envs.Select(e => new[] { e.Machine, e.Os, e.Cpu, e.Gpu, e.Driver, e.Cuda, e.Libtorch, e.TorchSharp, e.OnnxRuntime, e.DotNet, e.GitCommit }));
    }

    /// <summary>The definitions every question section uses.</summary>
    public const string Definitions =
        "Latency is per image; the statistic is the **median** of the timed samples (as in the console tables). " +
        "**Speedup** is over the question's baseline variant for the same run, task, device and input (across backends " +
        "and precisions), computed one of two ways (the CSV's `speedup_method`). **Paired over N rounds** when both rows " +
        "were measured in the same N ≥ 2 interleaved rounds: the median of the round ratios r_i = b_i / x_i of the " +
        "rounds' medians, with the distribution-free 99.9% interval of that median (order statistics of the r_i; none below 11 rounds). " +
        "Otherwise the **ratio of medians** s = m_b / m_x, whose interval combines both rows' spreads at their worst: with " +
        "h the half-width of a row's 99.9% confidence interval (Student t with n − 1 degrees of freedom × standard error of " +
        "its samples), low = (m_b − h_b) / (m_x + h_x) and high = (m_b + h_b) / (m_x − h_x) (∞ when m_x ≤ h_x). " +
        "**⚠** marks a speedup whose interval contains 1.0: the " +
        "measurements do not tell it apart from the baseline. PSNR is against the FP32 original on the same device. " +
        "Memory says what it measures: device-in-use (CUDA memory in use after one untimed pass), case-peak-rss (process peak " +
        "resident memory over the case, reset before it) or process-peak-rss (the process's running peak, earlier cases included). " +
        "Rows of files written before the question column existed form the section `results`, with the older rule " +
        "(baseline = step 0 of the same backend).";

    private static void WriteQuestions(StringBuilder md, string dir, IReadOnlyList<ResultRow> rows, IReadOnlyList<string> charts, Study? study)
    {
        var usable = ReportData.Usable(rows);
        if (usable.Count == 0 && study is null)
        {
            WriteCharts(md, dir, charts, "Charts");
            return;
        }
        md.AppendLine("## Definitions").AppendLine();
        md.AppendLine(Definitions).AppendLine();
        var shown = new HashSet<string>();
        var questions = usable.Select(r => r.Question).Concat(study is null ? [] : [StudyAnalysis.Question]).Distinct().Order(StringComparer.Ordinal);
        foreach (var key in questions)
        {
            var question = usable.Where(r => r.Question == key).ToList();
            var name = ReportData.QuestionName(key);
            md.AppendLine($"## Question: {name}").AppendLine();
            var own = charts.Where(c => Path.GetFileName(c).StartsWith(ReportData.FileSafe(name) + "_", StringComparison.Ordinal)).ToList();
            shown.UnionWith(own);
            if (key == StudyAnalysis.Question && study is not null)
            {
                StudySection.Write(md, study);
                WriteCharts(md, dir, own, null);
                own = [];
                if (question.Count > 0) md.AppendLine("### Every measured case").AppendLine();
            }
            var flagged = question.Count(r => ResultMath.StoredSpeedup(r).IntervalIncludesOne);
            if (flagged > 0) md.AppendLine($"{Markdown.Unclear} {flagged} speedup(s) below have an interval that contains 1.0.").AppendLine();
            if (question.Count > 0 && !question.Any(r => double.IsFinite(r.Ci999HalfwidthMs)))
                md.AppendLine("These rows were recorded without a spread (no 99.9% half-width): their speedups have no interval and cannot be flagged.").AppendLine();
            foreach (var task in question.GroupBy(r => r.Task).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var targets = key.Length == 0
                    ? task.GroupBy(r => (Backend: r.Backend, r.Device, r.DeviceName))
                    : task.GroupBy(r => (Backend: "", r.Device, r.DeviceName));
                foreach (var target in targets.OrderBy(g => g.Key.Backend, StringComparer.Ordinal).ThenBy(g => g.Key.Device, StringComparer.Ordinal))
                {
                    var (backend, device, deviceName) = target.Key;
                    var models = string.Join(", ", target.Select(r => r.Model).Distinct());
                    var on = backend.Length > 0 ? $"{Markdown.Cell(backend)} / {Markdown.Cell(device)}" : Markdown.Cell(device);
                    md.AppendLine($"### {Markdown.Cell(task.Key)} on {on} ({Markdown.Cell(deviceName)}; model {Markdown.Cell(models)})").AppendLine();
                    var ordered = ReportData.ByInput(target).ThenBy(r => r.Step).ThenBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Precision, StringComparer.Ordinal);
                    // Y-channel quality against the ground truth, where rows have it (accuracy)
                    var withY = target.Any(r => double.IsFinite(r.PsnrYDb));
                    string[] yHeader = withY ? ["PSNR-Y dB", "SSIM-Y"] : [];
                    Markdown.Table(md, ["Step", "Variant", "Backend", "Precision", "Dataset", "Size", "H×W", "MP", "median ms", "±CI99.9 ms", "p5–p95 ms", "n",
                            "speedup", "interval", "", "PSNR vs FP32", .. yHeader, "memory MB"],
                        ordered.Select(r => (string[])
                        [
                            r.Step.ToString(CultureInfo.InvariantCulture), r.IsBaseline ? r.Variant + " (baseline)" : r.Variant, r.Backend, r.Precision, Input(r), r.SizeClass,
                            r.H > 0 ? $"{r.H}×{r.W}" : "–", ReportData.Mp(r.Megapixels), ReportData.Ms(r.MedianMs), ReportData.Ms(r.Ci999HalfwidthMs),
                            double.IsFinite(r.P5Ms) ? $"{ReportData.Ms(r.P5Ms)}–{ReportData.Ms(r.P95Ms)}" : $"–{ReportData.Ms(r.P95Ms)}",
                            r.Samples.ToString(CultureInfo.InvariantCulture),
                            double.IsFinite(r.Speedup) ? ReportData.Speedup(r.Speedup) : r.SpeedupNote.Length > 0 ? $"– ({r.SpeedupNote})" : "–",
                            Interval(r), ResultMath.StoredSpeedup(r).IntervalIncludesOne ? Markdown.Unclear : "",
                            ReportData.Psnr(r.FidelityPsnrDb), .. (withY ? [ReportData.Psnr(r.PsnrYDb), ReportData.Ssim(r.SsimY)] : Array.Empty<string>()),
                            ReportData.Mb(r.PeakMemoryMB) + (r.MemoryScope.Length > 0 ? $" ({r.MemoryScope})" : ""),
                        ]));
                }
            }
            WriteCharts(md, dir, own, null);
        }
        WriteCharts(md, dir, charts.Where(c => !shown.Contains(c)).ToList(), "Other charts");
    }

    /// <summary>A speedup's interval, <c>[0.91, 1.12]</c>, or empty when the rows carry no spread or the row is the baseline.</summary>
    private static string Interval(ResultRow r) => r.IsBaseline ? "" : Markdown.Interval(r.SpeedupLow, r.SpeedupHigh);

    private static void WriteNotMeasured(StringBuilder md, IReadOnlyList<ResultRow> rows)
    {
        var notOk = ReportData.Latest(rows.Where(r => !r.IsOk)).ToList();
        md.AppendLine("## Skipped, unavailable and failed cases").AppendLine();
        if (notOk.Count == 0)
        {
            md.AppendLine("None.").AppendLine();
            return;
        }
        Markdown.Table(md, ["Question", "Task", "Variant", "Backend", "Device", "Precision", "Dataset", "Size", "Status"],
            notOk.OrderBy(r => r.Question, StringComparer.Ordinal).ThenBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.Backend, StringComparer.Ordinal).ThenBy(r => r.Step)
                .Select(r => new[] { ReportData.QuestionName(r.Question), r.Task, r.Variant, r.Backend, r.Device, r.Precision, Input(r), r.SizeClass, r.Status }));
    }

    private static void WriteCharts(StringBuilder md, string dir, IReadOnlyList<string> charts, string? heading)
    {
        if (charts.Count == 0) return;
        if (heading is not null) md.AppendLine($"## {heading}").AppendLine();
        var root = Path.GetFullPath(dir);
        foreach (var chart in charts)
        {
            var rel = Path.GetRelativePath(root, Path.GetFullPath(chart)).Replace('\\', '/');
            var name = Path.GetFileNameWithoutExtension(chart);
            md.AppendLine($"![{name}]({Uri.EscapeDataString(rel).Replace("%2F", "/")})").AppendLine();
        }
    }

    /// <summary>The dataset, with the image when the row is for one image: <c>Set5 (baby)</c>.</summary>
    private static string Input(ResultRow r) => r.Image is ResultRow.WholeSetImage or "" ? r.Dataset : $"{r.Dataset} ({r.Image})";

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
