using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.IO;
using SwinBench.Results;

namespace SwinBench.Tests.Cli;

/// <summary>The README's main job end to end on a tiny input: BenchmarkDotNet sweep → CSV → charts → report; plot from CSV alone.</summary>
public sealed class SweepCliTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("swinbench-sweep-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void Quick_prints_a_header_a_line_per_round_and_one_table_writes_csv_charts_and_report_and_plot_regenerates_the_charts()
    {
        var outDir = Path.Combine(_tmp, "quick");
        var r = SwinBenchProcess.Run("quick", "--size", "16x16", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var csv = Path.Combine(outDir, "results.csv");
        var header = File.ReadLines(csv).First().Split(',');
        foreach (var col in new[] { "question", "task", "model", "variant", "baseline", "mask", "backend", "device", "precision", "dataset", "h", "w",
                     "megapixels", "mean_ms", "median_ms", "p5_ms", "p95_ms", "ci99_9_halfwidth_ms", "samples", "speedup", "speedup_low", "speedup_high",
                     "fidelity_psnr_db", "peak_memory_mb", "memory_scope", "gpu", "libtorch", "torchsharp", "os", "git_commit" })
            Assert.Contains(col, header);
        var rows = new ResultsStore(outDir).Read();
        Assert.All(rows, x => Assert.Equal(("backends", "fp32", 16, 16), (x.Question, x.Precision, x.H, x.W)));
        // TorchSharp (the baseline) and ONNX Runtime measured; with the swinbench ops measured or unavailable (no op library); TensorRT unavailable on the CPU
        var baseline = Assert.Single(rows, x => x.IsBaseline);
        Assert.Equal(("torchsharp", 1.0), (baseline.Backend, baseline.Speedup));
        var plain = Assert.Single(rows, x => x.Backend == "ort" && x.Plugins == "none");
        var ops = Assert.Single(rows, x => x.Backend == "ort" && x.Plugins != "none");
        Assert.True(ops.IsOk || ops.Status.StartsWith("unavailable: ort: ", StringComparison.Ordinal), ops.Status);
        Assert.StartsWith("unavailable: tensorrt: ", Assert.Single(rows, x => x.Backend == "tensorrt").Status);
        // quick's rounds: each measured row keeps its round medians, and the speedup is paired over them
        foreach (var x in rows.Where(x => x.IsOk))
        {
            Assert.Equal(Sweep.QuickRounds, x.RoundMediansMs.Count);
            Assert.True(x.Samples == Sweep.QuickRounds && x.Ci999HalfwidthMs >= 0 && x.P5Ms <= x.MedianMs, x.ToString());
        }
        Assert.Equal($"paired over {Sweep.QuickRounds} rounds", plain.SpeedupMethod);
        Assert.Equal(ResultMath.PairedSpeedup(baseline.RoundMediansMs, plain.RoundMediansMs)!.Value.Value, plain.Speedup, 12);
        Assert.True(plain.SpeedupLow <= plain.Speedup && plain.Speedup <= plain.SpeedupHigh, $"{plain.SpeedupLow} {plain.SpeedupHigh}");
        Assert.True(plain.FidelityPsnrDb > 100, $"ONNX Runtime FP32 against TorchSharp FP32: {plain.FidelityPsnrDb} dB");

        // the console: a header, one line per round with elapsed time and ETA, one table, where the results are; nothing from BenchmarkDotNet or native libraries
        var lines = (r.Stdout + r.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 60, $"{lines.Length} lines:\n{r}");
        Assert.StartsWith("quick: backends on cpu: ", lines[0]);
        // where libtorch's oneDNN convolutions are wrong on this CPU (and are turned off), quick says so under its header
        Assert.Equal(SwinBench.Backends.RunEnvironment.CpuConvolutionNote().Length > 0,
            lines.Length > 1 && lines[1].StartsWith("note: libtorch's CPU convolutions: onednn off: ", StringComparison.Ordinal));
        var rounds = lines.Where(l => l.StartsWith("round ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, Sweep.QuickRounds).Select(k => $"round {k}/{Sweep.QuickRounds}"), rounds.Select(l => l[..l.IndexOf("  ", StringComparison.Ordinal)]));
        Assert.All(rounds, l => Assert.Matches(@"  \d+:\d\d elapsed, ETA \d+:\d\d$", l));
        Assert.Single(lines, l => l.StartsWith("backends: median latency", StringComparison.Ordinal));
        Assert.Contains("torchsharp:hoisted/fp32/ln-fused", r.Stdout);
        Assert.DoesNotContain("NaN", r.Stdout + r.Stderr);
        Assert.DoesNotContain("// ", r.Stdout); // BenchmarkDotNet's log lines
        Assert.DoesNotContain("NNPACK", r.Stdout + r.Stderr);
        Assert.Equal("", r.Stderr);
        Assert.True(File.Exists(Path.Combine(outDir, "raw", "native-stderr.log")), "native libraries' stderr goes to raw/");
        Assert.Contains("// ***** BenchmarkRunner: Start", File.ReadAllText(Path.Combine(outDir, "raw", "benchmarkdotnet.log")));

        Assert.True(File.Exists(Path.Combine(outDir, "REPORT.md")));
        var charts = Path.Combine(outDir, "charts");
        var pngs = Directory.GetFiles(charts, "*.png");
        Assert.NotEmpty(pngs);
        Assert.All(pngs, p => Assert.StartsWith("backends_", Path.GetFileName(p)));
        foreach (var p in pngs) File.Delete(p);
        var plot = SwinBenchProcess.Run("plot", "--in", outDir);
        Assert.True(plot.ExitCode == 0, plot.ToString());
        Assert.Equal(pngs.Select(Path.GetFileName).Order(), Directory.GetFiles(charts, "*.png").Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Unknown_sweep_and_bad_size_fail_with_one_line()
    {
        var r = SwinBenchProcess.Run("run", "--sweep", "nope", "--out", _tmp);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown sweep 'nope'", r.Stderr);
        Assert.Contains("baseline-gpu", r.Stderr);
        r = SwinBenchProcess.Run("quick", "--size", "0x5", "--out", _tmp);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--size '0x5'", r.Stderr);
    }

    [Fact]
    public void Gpu_sweep_on_a_machine_without_cuda_says_so()
    {
        if (TorchSharp.torch.cuda.is_available()) return; // meaningful on CPU-only machines (CI)
        var r = SwinBenchProcess.Run("run", "--sweep", "baseline-gpu", "--out", _tmp);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("CUDA requested", r.Stderr);
        Assert.False(File.Exists(Path.Combine(_tmp, "results.csv")));
    }
}

/// <summary>Every variant of the backend question gets its own CSV row (custom-op graphs are told apart from plain ones).</summary>
public sealed class BackendSweepCliTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("swinbench-backends-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void Backend_sweep_writes_one_row_per_runtime_and_variant()
    {
        var r = SwinBenchProcess.Run("run", "--sweep", "backends-cpu", "--size", "16x16", "--iterations", "1", "--out", _tmp);
        Assert.True(r.ExitCode == 0, r.ToString());
        var all = new ResultsStore(_tmp).Read();
        Assert.Equal(8, all.Count);
        // TensorRT cannot run on a CPU sweep: its two variants are recorded as unavailable, with the reason, and the run exits 0
        var trt = all.Where(x => x.Backend == "tensorrt").ToList();
        Assert.Equal(2, trt.Count);
        Assert.All(trt, x => Assert.StartsWith("unavailable: tensorrt: ", x.Status));
        Assert.Contains(trt, x => x.Precision == "fp16");
        Assert.Contains("not measured:", r.Stdout); // the console lists the unavailable variants too
        var rows = all.Where(x => x.Backend != "tensorrt").ToList();
        Assert.Equal(6, rows.Count);
        Assert.All(rows, x => Assert.True(x.IsOk, x.Status));
        Assert.Equal(6, rows.Select(x => (x.Backend, x.Variant, x.Plugins)).Distinct().Count());
        // one baseline (TorchSharp FP32) for every backend: each ORT row has a speedup
        Assert.All(rows, x => Assert.True(double.IsFinite(x.Speedup), x.Variant));
        var ops = rows.Where(x => x.Plugins != "none").ToList();
        Assert.Equal(2, ops.Count);
        Assert.All(ops, x => Assert.Equal("ort", x.Backend));
        // the custom-op graph computes what the plain graph computes
        var plain32 = rows.Single(x => x.Backend == "ort" && x.Plugins == "none" && x.Precision == "fp32");
        var ops32 = ops.Single(x => x.Precision == "fp32");
        Assert.True(ops32.FidelityPsnrDb > 100 && plain32.FidelityPsnrDb > 100, $"{ops32.FidelityPsnrDb} / {plain32.FidelityPsnrDb}");
    }
}
