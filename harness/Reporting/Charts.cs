using ScottPlot;
using SwinBench.IO;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Renders the charts (PNG, 1000×600) of a results file from its rows alone, as written to <c>results.csv</c>. Only rows
/// with status <c>ok</c> are drawn (the study's holes are written in their slots); when a results file holds the same
/// case from several runs, the latest is drawn. A chart is written only when the rows hold data for it. Legends sit
/// outside the data area.
/// </summary>
/// <remarks>
/// The charts of each question <c>q</c> (file names <c>q_…png</c>, titles starting with <c>q:</c>):
/// <list type="bullet">
/// <item><c>q_speedup_fp32.png</c>, <c>q_speedup_fp16.png</c> (<see cref="SpeedupChart"/>): per dataset (size class) and
/// task, the best variant's speedup over the question's baseline with its 99.9% interval.</item>
/// <item><c>q_accuracy.png</c> (<see cref="AccuracyChart"/>): per variant and task, the worst fidelity PSNR against the
/// FP32 original.</item>
/// <item><c>q_ablation_&lt;task&gt;.png</c> (<see cref="AblationChart"/>): per task with a cumulative series of steps
/// (found from the rows), the latency of each step with its speedup over the first, and the time each step saved.</item>
/// <item><c>q_latency_vs_mp.png</c> (<see cref="LatencyChart"/>): median latency against input megapixels, when the
/// question has at least two input sizes.</item>
/// <item><c>q_backends.png</c> (<see cref="BackendsChart"/>): per task, the fastest median latency of each
/// backend/device/precision at one input size; drawn when the question has rows of at least two backends.</item>
/// </list>
/// The study question (<see cref="StudyAnalysis.Question"/>) has the study's charts instead (<see cref="StudyCharts"/>).
/// Variants of a cumulative series are labelled by their step and what it changed (<c>3: +ln_roll_partition</c>).
/// </remarks>
public static class Charts
{
    /// <summary>Width of the PNGs in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Height of the PNGs in pixels.</summary>
    public const int Height = 600;

    /// <summary>
    /// Writes every chart the rows have data for into <paramref name="outDir"/> (created if needed), per question: the
    /// file names start with the question (<c>mask-hoisting_speedup_fp32.png</c>; <c>results_</c> for rows of files
    /// without a question column) and the titles name it. No file is written for a chart without data.
    /// </summary>
    /// <param name="rows">The rows of a results file.</param>
    /// <param name="outDir">Where the PNGs go.</param>
    /// <param name="resultsDir">
    /// The results folder, whose <c>raw/manifest.csv</c> gives the study's set sizes (<see cref="StudyManifest.For"/>);
    /// null: the repository's manifest.
    /// </param>
    /// <returns>The paths of the PNG files written, in a fixed order.</returns>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<ResultRow> rows, string outDir, string? resultsDir = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        var usable = ReportData.Usable(rows);
        var written = new List<string>();
        foreach (var question in usable.GroupBy(r => r.Question).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var q = question.ToList();
            var name = ReportData.QuestionName(question.Key);
            var prefix = ReportData.FileSafe(name);
            void Add(Plot? plot, string chart)
            {
                if (plot is null) return;
                Directory.CreateDirectory(outDir);
                written.Add(Save(plot, Path.Combine(outDir, $"{prefix}_{chart}.png")));
            }

            if (question.Key == StudyAnalysis.Question)
            {
                if (StudyAnalysis.Compute(rows, StudyManifest.For(resultsDir)) is { } study) StudyCharts.Render(study, name, Add);
                continue;
            }
            var series = AblationChart.CumulativeSeries(q);
            var Label = VariantLabels.For(q);
            var severalBackends = q.Select(ReportData.BackendDevice).Distinct().Count() > 1;
            string LatencyLabel(ResultRow r) => Label(r) + (severalBackends && !r.Variant.StartsWith(r.Backend, StringComparison.Ordinal) ? $" · {ReportData.BackendDevice(r)}" : "");

            Add(SpeedupChart.Render(q, "fp32", name), "speedup_fp32");
            Add(SpeedupChart.Render(q, "fp16", name), "speedup_fp16");
            Add(AccuracyChart.Render(q, name, Label), "accuracy");
            foreach (var task in series.Select(s => s[0].Task).Distinct())
                Add(AblationChart.Render(series, task, name), $"ablation_{ReportData.FileSafe(task)}");
            Add(LatencyChart.Render(q, name, LatencyLabel), "latency_vs_mp");
            // backends only: a question that varies precision or mask on one backend is not a backend comparison
            if (q.Select(r => r.Backend).Distinct(StringComparer.OrdinalIgnoreCase).Count() >= 2) Add(BackendsChart.Render(q, name), "backends");
        }
        return written;
    }

    /// <summary>Saves the plot as a PNG atomically (<see cref="AtomicFile"/>), so a reader never sees half a chart.</summary>
    internal static string Save(Plot plt, string path)
    {
        var png = plt.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
        return path;
    }
}
