using SwinBench.Reporting;
using SwinBench.Tests.Results;
using Xunit;

namespace SwinBench.Tests.Reporting;

public class ReportWriterTests
{
    [Fact]
    public void Report_has_the_environment_tables_reasons_and_chart_links()
    {
        var dir = ResultRowsForTests.TempDir("report");
        var rows = SyntheticResults.Rows();
        var charts = Charts.RenderAll(rows, dir);
        var path = ReportWriter.Write(dir, rows, charts);

        Assert.Equal(Path.Combine(dir, "REPORT.md"), path);
        var md = File.ReadAllText(path);
        var lines = md.Split('\n');

        Assert.StartsWith("# SwinBench results: run 2025-06-01T12-00-00_h100", md);
        // environment: one row for the one machine
        Assert.Single(lines, l => l.StartsWith("| gpu-host | Ubuntu 24.04 LTS (Linux 6.8.0, x64) |"));
        Assert.Contains("| Machine | OS | CPU | GPU | Driver | CUDA | libtorch | TorchSharp | ONNX Runtime | .NET | Commit |", md);
        // per task sections and table rows
        // a file without questions: one section "results", per task and backend/device (the legacy speedup rule)
        Assert.Contains("## Question: results", md);
        Assert.Contains("### classical-x2 on torchsharp / cuda", md);
        Assert.Contains("### lightweight-x2 on ort / cuda", md);
        Assert.Contains("| Step | Variant | Backend | Precision | Dataset | Size | H×W | MP | median ms | ±CI99.9 ms | p5–p95 ms | n | speedup | interval |  | PSNR vs FP32 | memory MB |", md);
        // classical-x2, Set5 256×256 on torchsharp: baseline 0.065536 MP × 400 = 26.2144 ms; FP16 is 2.6× faster
        Assert.Contains("| 0 | perblock/fp32/ln-fused | torchsharp | fp32 | Set5 (baby) | median | 256×256 | 0.066 | 26.21 | – | –28.84 | 50 | 1.00× |  |  | identical (inf) | 1031 |", md);
        Assert.Contains("| 2 | hoisted/fp16/ln-fused | torchsharp | fp16 | Set5 (baby) | median | 256×256 | 0.066 | 10.08 | – | –11.09 | 50 | 2.60× |  |  | 52.25 dB | 1031 |", md);
        Assert.Contains("| 1 | hoisted/fp32/ln-fused | torchsharp | fp32 | Urban100 (img_004) | median | 768×1024 | 0.786 | 224.7 | – | –247.2 | 50 | 1.40× |  |  | identical (inf) | 2473 |", md);
        Assert.Equal(2 * 2 * 2 * 3, lines.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\| \d \| (perblock|hoisted)/")));
        // skipped / failed with their reasons, the pipe escaped
        Assert.Contains("| " + SyntheticResults.SkipReason + " |", md);
        Assert.Contains("error: CUDA out of memory \\| tried to allocate 2,048 MB", md);
        // charts by relative path
        foreach (var chart in charts) Assert.Contains($"![{Path.GetFileNameWithoutExtension(chart)}]({Path.GetFileName(chart)})", md);
        Assert.Contains("![results_speedup_fp32](results_speedup_fp32.png)", md);
        // written atomically: nothing left behind
        Assert.Empty(Directory.GetFiles(dir, "*tmp*"));
    }

    [Fact]
    public void A_failed_case_does_not_reach_the_results_tables()
    {
        var md = ReportWriter.Render(ResultRowsForTests.TempDir("report-fail"), SyntheticResults.Rows(), []);
        var at = md.IndexOf("## Skipped", StringComparison.Ordinal);
        Assert.True(at > 0);
        Assert.DoesNotContain("img_092", md[..at]);
        Assert.Contains("| Urban100 (img_092) | largest | error: CUDA out of memory", md[at..]);
        Assert.DoesNotContain("## Charts", md);
    }

    [Fact]
    public void Charts_in_a_subfolder_are_linked_by_relative_path()
    {
        var dir = ResultRowsForTests.TempDir("report-sub");
        var charts = Charts.RenderAll(SyntheticResults.Rows(), Path.Combine(dir, "charts"));
        var md = ReportWriter.Render(dir, SyntheticResults.Rows(), charts);
        Assert.Contains("![results_accuracy](charts/results_accuracy.png)", md);
    }

    [Fact]
    public void Rewriting_replaces_the_report()
    {
        var dir = ResultRowsForTests.TempDir("report-again");
        ReportWriter.Write(dir, SyntheticResults.Rows("first"), []);
        ReportWriter.Write(dir, SyntheticResults.Rows("second"), []);
        var md = File.ReadAllText(Path.Combine(dir, "REPORT.md"));
        Assert.Contains("run second", md);
        Assert.DoesNotContain("first", md);
    }

    [Fact]
    public void A_question_has_its_section_cross_backend_speedups_flagged_intervals_and_its_charts()
    {
        var dir = ResultRowsForTests.TempDir("report-question");
        // each backend's variants compared side by side (the FP16 variant with the per-block mask again): not a series of steps
        var rows = SyntheticResults.Rows(question: "backends").Select(r => r.Step == 2 ? r with { Mask = "perblock" } : r).ToList();
        var charts = Charts.RenderAll(rows, Path.Combine(dir, "charts"));
        var md = ReportWriter.Render(dir, rows, charts);

        Assert.Contains("## Question: backends", md);
        Assert.DoesNotContain("## Question: results", md);
        Assert.Contains("### classical-x2 on cuda (", md);
        Assert.Contains(ReportWriter.Definitions, md);
        // ORT runs 1/0.8 of TorchSharp's time: every ORT row has a speedup over the one TorchSharp baseline
        Assert.Contains("| 0 | perblock/fp32/ln-fused (baseline) | torchsharp | fp32 | Set5 (baby) | median | 256×256 | 0.066 | 26.21 | 1.31 | 24.90–28.84 | 50 | 1.00× |  |  | identical (inf) | 1031 (device-in-use) |", md);
        // b = 26.2144 ± 5%, x = 26.2144 × 0.8 ± 5%: s = 1.25, [0.95 / 0.84, 1.05 / 0.76] = [1.13, 1.38]
        Assert.Contains("| 0 | perblock/fp32/ln-fused | ort | fp32 | Set5 (baby) | median | 256×256 | 0.066 | 20.97 | 1.05 | 19.92–23.07 | 50 | 1.25× | [1.13, 1.38] |  |", md);
        // the Urban100 FP16 ORT rows have a 300% half-width: their intervals contain 1.0 and are flagged
        Assert.Contains("⚠ 2 speedup(s) below have an interval that contains 1.0.", md);
        Assert.Equal(2, md.Split('\n').Count(l => l.StartsWith("| 2 | hoisted/fp16/ln-fused | ort |") && l.Contains("| ⚠ |")));
        // the question's charts are embedded in its section; no ablation chart for variants side by side
        Assert.All(charts, c => Assert.StartsWith("backends_", Path.GetFileName(c)));
        Assert.DoesNotContain(charts, c => Path.GetFileName(c).Contains("ablation"));
        Assert.Contains("![backends_speedup_fp32](charts/backends_speedup_fp32.png)", md);
        Assert.Contains("| backends | classical-x2 | perblock/fp32/ln-fused | tensorrt |", md);
    }
}
