using System.Globalization;
using System.Text;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// The study's part of REPORT.md, in the study's shape: how a set's total is obtained, then per task a table with a row
/// per benchmark set and, per variant, the set's time, its speedup over the baseline and over the compile reference,
/// and its fidelity (and PSNR/SSIM-Y against the ground truth where measured); a table of median per-image latency and
/// peak memory; the holes with their reasons; and the variants measured at one size.
/// </summary>
internal static class StudySection
{
    /// <summary>How set totals and their speedups are obtained (<see cref="StudyAnalysis"/>).</summary>
    public const string Definition =
        "**Set time** is an estimate of the time to restore every image of the benchmark set: per task and variant, the " +
        "median latencies of the measured cases are interpolated piecewise-linearly over the input's megapixels (the " +
        "input padded to a multiple of the window, as the model pads it), extended beyond the measured sizes by the end " +
        "segments and never below the fastest measured case; the set time is the sum of that estimate at each image's " +
        "input size (LR = HR / scale for super-resolution, the full image for denoising). A set has a time only when every " +
        "case measured from it is ok. **× baseline** and **× compile** are set-time ratios (baseline or compile reference " +
        "over the variant); their interval is the envelope (lowest low, highest high) of the 99.9% intervals of the set's " +
        "measured cases, widened to hold the ratio itself; ⚠ marks one that contains 1.0. **PSNR** is the worst fidelity " +
        "against the FP32 reference output over the set's cases. A cell names the reason where a set has no value " +
        "(out of memory, unavailable, error, not measured).";

    /// <summary>Writes the study's tables for <paramref name="study"/>.</summary>
    public static void Write(StringBuilder md, Study study)
    {
        md.AppendLine("### The study per benchmark set").AppendLine();
        md.AppendLine(Definition).AppendLine();
        md.AppendLine($"Image sizes: {study.ManifestNote}. Per-set values are in `{StudyCsv.FileName}`.").AppendLine();
        foreach (var task in study.Tasks)
        {
            var results = study.Results.Where(r => r.Task == task).ToList();
            var rows = study.Rows.Where(r => r.Task == task).ToList();
            string Machine(ResultRow r) => Backends.TorchDevices.IsCuda(r.Device) ? r.Gpu : r.Cpu;
            var cards = rows.Where(r => r.IsOk).Select(Machine).Distinct().ToList();
            if (cards.Count == 0) cards = rows.Select(Machine).Distinct().ToList();
            var models = string.Join(", ", rows.Select(r => r.Model).Where(m => m.Length > 0).Distinct());
            md.AppendLine($"#### {Markdown.Cell(task)} on {Markdown.Cell(string.Join(", ", cards))} (model {Markdown.Cell(models)})").AppendLine();
            if (results.Count > 0)
            {
                SetTable(md, results, study.Baseline(task));
                LatencyTable(md, results);
                Holes(md, results);
            }
            Spots(md, study.Spots.Where(s => s.Row.Task == task).ToList());
        }
    }

    private static void SetTable(StringBuilder md, List<StudyResult> results, string? baseline)
    {
        var variants = results.OrderBy(r => r.Step).Select(r => r.Variant).Distinct().ToList();
        var hasCompile = variants.Contains(StudyAnalysis.CompileVariant) && StudyAnalysis.CompileVariant != baseline;
        var hasY = results.Any(r => double.IsFinite(r.PsnrYDb));
        // the columns of each variant: its set time, then (not for the baseline) its speedups and fidelity
        var columns = new List<(string Variant, string Header, Func<StudyResult, string> Cell)>();
        foreach (var v in variants)
        {
            columns.Add((v, v + TimeHeader, r => r.HasTotal ? Seconds(r.SetTotalMs) : StudyAnalysis.ShortStatus(r.Status)));
            if (v != baseline)
                columns.Add((v, $"{v} × {baseline}", r => Markdown.SpeedupWithInterval(r.SpeedupVsBaseline, r.SpeedupVsBaselineLow, r.SpeedupVsBaselineHigh)));
            if (hasCompile && v != StudyAnalysis.CompileVariant && v != baseline)
                columns.Add((v, $"{v} × compile", r => Markdown.SpeedupWithInterval(r.SpeedupVsCompile, r.SpeedupVsCompileLow, r.SpeedupVsCompileHigh)));
            if (v != baseline) columns.Add((v, $"{v} PSNR", r => Psnr(r.FidelityPsnrDb)));
            if (hasY)
                columns.Add((v, $"{v} PSNR-Y / SSIM-Y", r => !double.IsFinite(r.PsnrYDb) ? "–"
                    : $"{r.PsnrYDb.ToString("0.00", CultureInfo.InvariantCulture)} / {(double.IsFinite(r.SsimY) ? r.SsimY.ToString("0.0000", CultureInfo.InvariantCulture) : "–")}"));
        }
        var sets = results.Select(r => r.Set).Distinct().ToList();
        var cells = sets.Select(set => columns.Select(c => results.FirstOrDefault(r => r.Set == set && r.Variant == c.Variant) is { } r ? c.Cell(r) : "–").ToList()).ToList();
        // a column with nothing to say (no fidelity measured, a backend unavailable everywhere) goes; a time column stays
        var kept = Enumerable.Range(0, columns.Count).Where(i => columns[i].Header.EndsWith(TimeHeader, StringComparison.Ordinal) || cells.Any(row => row[i] != "–")).ToList();
        Markdown.Table(md, ["Set", "images", .. kept.Select(i => columns[i].Header)], sets.Select((set, k) =>
        {
            var images = results.First(r => r.Set == set).Images;
            return (IReadOnlyList<string>)[set, images > 0 ? images.ToString(CultureInfo.InvariantCulture) : "–", .. kept.Select(i => cells[k][i])];
        }));
    }

    private const string TimeHeader = " time (s)";

    private static void LatencyTable(StringBuilder md, List<StudyResult> results)
    {
        var variants = results.OrderBy(r => r.Step).Select(r => r.Variant).Distinct().ToList();
        md.AppendLine("Median latency per image (the set's median-size case, ms) and peak memory (MB, largest over the set's cases):").AppendLine();
        var header = new List<string> { "Set" };
        foreach (var v in variants) header.AddRange([$"{v} ms", $"{v} MB"]);
        Markdown.Table(md, header, results.Select(r => r.Set).Distinct().Select(set =>
        {
            var line = new List<string> { set };
            foreach (var v in variants)
            {
                var r = results.FirstOrDefault(x => x.Set == set && x.Variant == v);
                line.Add(r is null ? "–" : double.IsFinite(r.MedianImageMs) ? ReportData.Ms(r.MedianImageMs) : r.Status == ResultRow.StatusOk ? "–" : StudyAnalysis.ShortStatus(r.Status));
                line.Add(r is null ? "–" : ReportData.Mb(r.PeakMemoryMB));
            }
            return (IReadOnlyList<string>)line;
        }));
        var scopes = results.Select(r => r.MemoryScope).Where(s => s.Length > 0).SelectMany(s => s.Split(", ")).Distinct().ToList();
        if (scopes.Count > 0) md.AppendLine($"Memory measures: {string.Join(", ", scopes)} (see the definitions above).").AppendLine();
    }

    private static void Holes(StringBuilder md, List<StudyResult> results)
    {
        var holes = results.Where(r => r.Status != ResultRow.StatusOk || !r.HasTotal).ToList();
        if (holes.Count == 0) return;
        md.AppendLine($"Sets without a time ({holes.Count}):").AppendLine();
        Markdown.Table(md, ["Set", "Variant", "Status"], holes.Select(r => (IReadOnlyList<string>)[r.Set, r.Variant, r.Status]));
    }

    private static void Spots(StringBuilder md, List<StudySpot> spots)
    {
        if (spots.Count == 0) return;
        md.AppendLine($"Measured at one size only (no set time), beside {StudyAnalysis.CompileVariant} at the same input:").AppendLine();
        Markdown.Table(md, ["Variant", "Input", "H×W", "median ms", $"{StudyAnalysis.CompileVariant} ms", $"× {StudyAnalysis.CompileVariant}", "× baseline", "Status"],
            spots.Select(s => (IReadOnlyList<string>)
            [
                s.Row.Variant, $"{s.Row.Dataset} ({s.Row.SizeClass})", $"{s.Row.H}×{s.Row.W}", ReportData.Ms(s.Row.MedianMs),
                s.Compile is { IsOk: true } c ? ReportData.Ms(c.MedianMs) : s.Compile is null ? "–" : StudyAnalysis.ShortStatus(s.Compile.Status),
                Markdown.SpeedupWithInterval(s.VsCompile.Value, s.VsCompile.Low, s.VsCompile.High),
                Markdown.SpeedupWithInterval(s.VsBaseline.Value, s.VsBaseline.Low, s.VsBaseline.High), s.Row.Status,
            ]));
    }

    /// <summary>A time in seconds with 2 decimals (3 below 1 s).</summary>
    private static string Seconds(double ms) => (ms / 1000).ToString(ms < 1000 ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    private static string Psnr(double db) => double.IsPositiveInfinity(db) ? "identical" : double.IsFinite(db) ? db.ToString("0.0", CultureInfo.InvariantCulture) + " dB" : "–";
}
