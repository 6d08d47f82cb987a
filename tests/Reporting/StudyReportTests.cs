using SwinBench.Datasets;
using SwinBench.Reporting;
using SwinBench.Results;
using SwinBench.Tests.Results;
using static SwinBench.Tests.Reporting.SyntheticStudy;

namespace SwinBench.Tests.Reporting;

/// <summary>The study's section of REPORT.md, its charts and study.csv, on synthetic study rows.</summary>
public class StudyReportTests
{
    [Fact]
    public void Report_has_a_table_per_task_in_the_studys_shape_naming_the_card()
    {
        var dir = HandFolder("study-report");
        var rows = HandRows();
        var md = ReportWriter.Render(dir, rows, []);

        Assert.Contains("## Question: study", md);
        Assert.Contains(StudySection.Definition, md);
        Assert.Contains("set sizes from the run's manifest (raw/manifest.csv)", md);
        Assert.Contains($"#### classical-x2 on {SyntheticStudy.Card} (model SwinIR-M)", md);
        // columns with nothing in them go (the compile's fidelity, TensorRT's speedups); a time column stays
        Assert.Contains("| Set | images | pytorch-eager-fp32 time (s) | pytorch-compile time (s) | pytorch-compile × pytorch-eager-fp32 | " +
                        "torchsharp-fp16 time (s) | torchsharp-fp16 × pytorch-eager-fp32 | torchsharp-fp16 × compile | torchsharp-fp16 PSNR | torchsharp-fp16 PSNR-Y / SSIM-Y | " +
                        "torchsharp-fp32 time (s) | torchsharp-fp32 × pytorch-eager-fp32 | torchsharp-fp32 × compile | " +
                        "ort-fp16 time (s) | ort-fp16 × pytorch-eager-fp32 | ort-fp16 × compile | tensorrt-fp16 time (s) |", md);
        // Set5: eager 47.408 ms; torchsharp-fp16 4.00× [3.62, 4.42], 2.00× [1.81, 2.21] over compile, 50.0 dB, Y 30.00 / 0.9000
        Assert.Contains("| Set5 | 3 | 0.047 | 0.024 | 2.00× [1.81, 2.21] |", md);
        Assert.Contains("| 0.012 | 4.00× [3.62, 4.42] | 2.00× [1.81, 2.21] | 50.0 dB | 30.00 / 0.9000 |", md);
        // holes say why, in the cell and in full below
        var set14 = md.Split('\n').Single(l => l.StartsWith("| Set14 | 2 |"));
        Assert.Contains("| out of memory |", set14);
        Assert.Contains("| unavailable |", set14);
        Assert.Contains("| Set5 | torchsharp-fp32 | not measured: Set5 median 64×64 |", md);
        Assert.Contains($"| Set14 | tensorrt-fp16 | {TensorRtStatus} |", md);
        // the one-case compile beside the dynamic one
        Assert.Contains("| pytorch-compile-max-autotune | Set14 (median) | 128×128 | 10.55 | 13.19 | 1.25× [", md);
        // the study section comes before every measured case
        Assert.True(md.IndexOf("### The study per benchmark set", StringComparison.Ordinal) < md.IndexOf("### Every measured case", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_puts_study_csv_beside_the_report()
    {
        var dir = HandFolder("study-write");
        ReportWriter.Write(dir, HandRows(), []);
        var csv = File.ReadAllText(Path.Combine(dir, StudyCsv.FileName));
        Assert.StartsWith("task,set,variant,", csv);
        Assert.Contains("classical-x2,Set14,torchsharp-fp16,2,torchsharp,fp16,ok,2,2,25.48,", csv);

        var other = ResultRowsForTests.TempDir("study-write-none");
        ReportWriter.Write(other, SyntheticResults.Rows(), []);
        Assert.False(File.Exists(Path.Combine(other, StudyCsv.FileName)));
    }

    [Fact]
    public void A_study_whose_every_row_failed_still_reports_its_holes()
    {
        var dir = HandFolder("study-failed");
        var rows = HandRows().Select(r => r.IsOk ? r with { Status = "error: CUDA error: an illegal memory access was encountered", MedianMs = double.NaN } : r).ToList();
        var charts = Charts.RenderAll(rows, Path.Combine(dir, "charts"), dir);
        Assert.Empty(charts);
        var md = ReportWriter.Render(dir, rows, charts);
        Assert.Contains("### The study per benchmark set", md);
        Assert.Contains("| Set5 | 3 | error | error | error | not measured | error | unavailable |", md);
        Assert.Contains("| Set5 | pytorch-eager-fp32 | error: CUDA error: an illegal memory access was encountered |", md);
        Assert.DoesNotContain("### Every measured case", md);
    }

    [Fact]
    public void The_studys_charts_are_drawn_per_task_and_link_from_its_section()
    {
        var dir = ResultRowsForTests.TempDir("study-charts");
        var rows = SyntheticStudy.Rows(DatasetManifest.Default);
        var charts = Charts.RenderAll(rows, Path.Combine(dir, "charts"), dir);
        var names = charts.Select(Path.GetFileName).ToList();
        foreach (var task in new[] { "classical-x2", "classical-x4", "lightweight-x2", "color-dn15" })
        {
            Assert.Contains($"study_speedup_{task}.png", names);
            Assert.Contains($"study_latency_vs_mp_{task}.png", names);
        }
        Assert.Contains("study_fidelity.png", names);
        Assert.Equal(9, names.Count); // the study's charts replace the per-question ones
        foreach (var c in charts) ChartsTests.AssertIsNonTrivialPng(c);

        var md = ReportWriter.Render(dir, rows, charts);
        Assert.Contains("![study_speedup_classical-x2](charts/study_speedup_classical-x2.png)", md);
        Assert.Contains("the run folder has no raw/manifest.csv", md);
        Assert.Contains("| Urban100 | 100 |", md);
        Assert.Contains("| Kodak24 | 24 |", md);
        Assert.Contains("#### color-dn15 on NVIDIA H200", md);
    }
}
