using SwinBench.Datasets;
using SwinBench.Reporting;
using SwinBench.Results;
using SwinBench.Tests.Results;
using static SwinBench.Tests.Reporting.SyntheticStudy;

namespace SwinBench.Tests.Reporting;

/// <summary>The study's per-set answers against values computed by hand from <see cref="SyntheticStudy.HandRows"/>.</summary>
public class StudyAnalysisTests
{
    private static Study Hand() =>
        StudyAnalysis.Compute(HandRows(), StudyManifest.For(HandFolder("study-hand")))!;

    private static StudyResult Result(Study s, string set, string variant) =>
        Assert.Single(s.Results, r => r.Task == "classical-x2" && r.Set == set && r.Variant == variant);

    [Theory]
    [InlineData(64, 64, 0.004096)]
    [InlineData(65, 125, 0.009216)] // padded to 72×128
    [InlineData(1, 1, 0.000064)]
    public void Padded_megapixels_round_each_side_up_to_the_window(int h, int w, double expected) =>
        Assert.Equal(expected, StudyAnalysis.PaddedMegapixels(h, w, 8), 12);

    [Fact]
    public void Set_totals_sum_the_interpolated_latency_over_the_sets_images()
    {
        var s = Hand();
        // baseline 10 + 1000·MP ms. Set5: a1 32×32 (0.001024 MP) lies below the smallest case, where the first segment
        // gives 11.024 ms, floored at the fastest case's 14.096; a2 64×64 is the median case, 14.096; a3 65×125 pads to
        // 72×128 (0.009216 MP): 19.216. Set14: b1 128×128 26.384 + b2 256×256 75.536.
        Assert.Equal(14.096 + 14.096 + 19.216, Result(s, "Set5", "pytorch-eager-fp32").SetTotalMs, 9);
        Assert.Equal(26.384 + 75.536, Result(s, "Set14", "pytorch-eager-fp32").SetTotalMs, 9);
        Assert.Equal(3, Result(s, "Set5", "pytorch-eager-fp32").Images);
        Assert.Equal(101.92 / 4, Result(s, "Set14", "torchsharp-fp16").SetTotalMs, 9);
        Assert.Equal(26.384 / 4, Result(s, "Set14", "torchsharp-fp16").MedianImageMs, 9);
        Assert.Equal(2, Result(s, "Set14", "torchsharp-fp16").Cases);
        Assert.Equal(SyntheticStudy.Card, Result(s, "Set14", "torchsharp-fp16").Gpu);
    }

    [Fact]
    public void Set_speedups_are_ratios_of_totals_with_the_envelope_of_the_cases_intervals()
    {
        var s = Hand();
        var set5 = Result(s, "Set5", "torchsharp-fp16");
        var set14 = Result(s, "Set14", "torchsharp-fp16");
        Assert.Equal(4, set5.SpeedupVsBaseline, 9);
        Assert.Equal(2, set5.SpeedupVsCompile, 9);
        // one case with half-widths of 5%: [4·0.95/1.05, 4·1.05/0.95]
        Assert.Equal(4 * 0.95 / 1.05, set5.SpeedupVsBaselineLow, 9);
        Assert.Equal(4 * 1.05 / 0.95, set5.SpeedupVsBaselineHigh, 9);
        // Set14's largest case has a 10% half-width for the variant: [4·0.95/1.10, 4·1.05/0.90] is the envelope
        Assert.Equal(4 * 0.95 / 1.10, set14.SpeedupVsBaselineLow, 9);
        Assert.Equal(4 * 1.05 / 0.90, set14.SpeedupVsBaselineHigh, 9);
        Assert.Equal(2 * 0.95 / 1.10, set14.SpeedupVsCompileLow, 9);
        Assert.Equal(2 * 1.05 / 0.90, set14.SpeedupVsCompileHigh, 9);

        var baseline = Result(s, "Set5", "pytorch-eager-fp32");
        Assert.Equal(1, baseline.SpeedupVsBaseline, 12);
        Assert.True(double.IsNaN(baseline.SpeedupVsBaselineLow));
        Assert.Equal(0.5, baseline.SpeedupVsCompile, 9);
    }

    [Fact]
    public void Fidelity_ground_truth_and_memory_are_taken_over_the_sets_cases()
    {
        var set14 = Result(Hand(), "Set14", "torchsharp-fp16");
        Assert.Equal(47, set14.FidelityPsnrDb);
        Assert.Equal(0.02, set14.FidelityMaxAbs);
        Assert.Equal(27, set14.PsnrYDb, 12);
        Assert.Equal(0.75, set14.SsimY, 12);
        Assert.Equal(100 + 1000 * 0.065536, set14.PeakMemoryMB, 9);
        Assert.Equal("device-in-use", set14.MemoryScope);
    }

    [Fact]
    public void Failed_unavailable_and_missing_cases_leave_holes_that_say_why()
    {
        var s = Hand();
        // ORT ran out of memory at the largest case (a Set14 image): Set14 has no total, Set5 still has one from the
        // two ok cases, exactly a third of the baseline's
        var ortSet14 = Result(s, "Set14", "ort-fp16");
        Assert.StartsWith("failed: out of memory at 256x256", ortSet14.Status);
        Assert.False(ortSet14.HasTotal);
        Assert.True(double.IsNaN(ortSet14.SpeedupVsBaseline));
        Assert.Equal(3, Result(s, "Set5", "ort-fp16").SpeedupVsBaseline, 9);

        Assert.Equal(TensorRtStatus, Result(s, "Set5", "tensorrt-fp16").Status);
        Assert.False(Result(s, "Set14", "tensorrt-fp16").HasTotal);

        Assert.Equal("not measured: Set5 median 64×64", Result(s, "Set5", "torchsharp-fp32").Status);
        Assert.Equal(101.92 / 1.5, Result(s, "Set14", "torchsharp-fp32").SetTotalMs, 9);
        Assert.Equal("out of memory", StudyAnalysis.ShortStatus(ortSet14.Status));
        Assert.Equal("unavailable", StudyAnalysis.ShortStatus(TensorRtStatus));
    }

    [Fact]
    public void A_variant_measured_at_one_case_is_a_spot_beside_the_compile_reference()
    {
        var s = Hand();
        Assert.DoesNotContain(s.Results, r => r.Variant == "pytorch-compile-max-autotune");
        var spot = Assert.Single(s.Spots);
        Assert.Equal("b1", spot.Row.Image);
        Assert.Equal(26.384 / 2, spot.Compile!.MedianMs, 9);
        Assert.Equal(1.25, spot.VsCompile.Value, 9);
        Assert.Equal(2.5, spot.VsBaseline.Value, 9);
    }

    [Fact]
    public void Without_a_run_manifest_the_repository_manifest_is_used_and_named()
    {
        var m = StudyManifest.For(ResultRowsForTests.TempDir("study-nomanifest"));
        Assert.Contains("datasets/manifest.csv", m.Note);
        Assert.Contains("has no raw/manifest.csv", m.Note);
        Assert.Same(DatasetManifest.Default, m.Manifest);
        Assert.Contains("raw/manifest.csv", StudyManifest.For(HandFolder("study-manifest")).Note);

        var bad = ResultRowsForTests.TempDir("study-badmanifest");
        Directory.CreateDirectory(Path.Combine(bad, "raw"));
        File.WriteAllText(Path.Combine(bad, "raw", "manifest.csv"), "dataset,name\nSet5,a\n");
        var e = Assert.Throws<InvalidDataException>(() => StudyManifest.For(bad));
        Assert.Contains(Path.Combine(bad, "raw", "manifest.csv"), e.Message);
    }

    [Fact]
    public void Rows_of_other_questions_give_no_study()
    {
        Assert.Null(StudyAnalysis.Compute(SyntheticResults.Rows(question: "backends"), StudyManifest.For(HandFolder("study-none"))));
    }

    [Fact]
    public void Study_csv_has_one_row_per_task_set_and_variant()
    {
        var s = Hand();
        var lines = StudyCsv.ToText(s.Results).TrimEnd('\n').Split('\n');
        Assert.Equal("task,set,variant,step,backend,precision,status,images,cases,set_total_ms,median_image_ms,speedup_vs_baseline," +
                     "speedup_vs_baseline_low,speedup_vs_baseline_high,speedup_vs_compile,speedup_vs_compile_low,speedup_vs_compile_high," +
                     "fidelity_psnr_db,fidelity_max_abs,psnr_y_db,ssim_y,peak_memory_mb,memory_scope,gpu", lines[0]);
        Assert.Equal(1 + 2 * 6, lines.Length); // two sets × six variants with set totals
        Assert.StartsWith("classical-x2,Set5,pytorch-eager-fp32,0,pytorch,fp32,ok,3,1,47.408", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("classical-x2,Set14,ort-fp16,4,ort,fp16,failed: out of memory at 256x256 (tried to allocate 3.00 GiB),2,1,nan,"));
    }
}

/// <summary>The study's section of REPORT.md, its charts and study.csv, on synthetic study rows.</summary>
public class StudyReportTests
{
    [Fact]
    public void A_cpu_study_names_the_cpu_it_ran_on()
    {
        var dir = HandFolder("study-report-cpu");
        var rows = HandRows().Select(r => r with { Device = "cpu", DeviceName = "Test CPU", Gpu = "n/a", Cpu = "Test CPU (2 threads)" }).ToList();
        var md = ReportWriter.Render(dir, rows, []);
        Assert.Contains("#### classical-x2 on Test CPU (2 threads) (model SwinIR-M)", md);
        Assert.DoesNotContain(" on n/a ", md);
    }

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
