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
    public void Quick_writes_csv_charts_and_report_and_plot_regenerates_charts_from_the_csv()
    {
        var outDir = Path.Combine(_tmp, "quick");
        var r = SwinBenchProcess.Run("quick", "--size", "24x32", "--iterations", "2", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var csv = Path.Combine(outDir, "results.csv");
        var header = File.ReadLines(csv).First().Split(',');
        foreach (var col in new[] { "question", "task", "model", "variant", "baseline", "mask", "backend", "device", "precision", "dataset", "h", "w",
                     "megapixels", "mean_ms", "median_ms", "p5_ms", "p95_ms", "ci99_9_halfwidth_ms", "samples", "speedup", "speedup_low", "speedup_high",
                     "fidelity_psnr_db", "peak_memory_mb", "memory_scope", "gpu", "libtorch", "torchsharp", "os", "git_commit" })
            Assert.Contains(col, header);
        var rows = new ResultsStore(outDir).Read();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, x => Assert.True(x.IsOk, x.Status));
        var perBlock = rows.Single(x => x.Mask == "perblock");
        var hoisted = rows.Single(x => x.Mask == "hoisted");
        Assert.All(rows, x => Assert.Equal("mask-hoisting", x.Question));
        Assert.True(perBlock.IsBaseline && !hoisted.IsBaseline);
        Assert.Equal(1.0, perBlock.Speedup);
        // quick's rounds: each row keeps its 12 round medians, and the speedup is paired over them
        Assert.All(rows, x => Assert.Equal(12, x.RoundMediansMs.Count));
        Assert.Equal("paired over 12 rounds", hoisted.SpeedupMethod);
        Assert.Equal(ResultMath.PairedSpeedup(perBlock.RoundMediansMs, hoisted.RoundMediansMs)!.Value.Value, hoisted.Speedup, 12);
        Assert.True(hoisted.SpeedupLow <= hoisted.Speedup && hoisted.Speedup <= hoisted.SpeedupHigh, $"{hoisted.SpeedupLow} {hoisted.SpeedupHigh}");
        Assert.All(rows, x => Assert.True(x.Samples >= 2 && x.Ci999HalfwidthMs >= 0 && x.P5Ms <= x.MedianMs, x.ToString()));
        // the compact table ends the output, with the speedup and its interval
        Assert.Contains("mask-hoisting (median of", r.Stdout);
        Assert.Contains("torchsharp:hoisted/fp32/ln-fused", r.Stdout);
        // BenchmarkDotNet's console noise is gone, and its Case column is not cut
        Assert.DoesNotContain("already present", r.Stdout + r.Stderr);
        Assert.DoesNotContain("Runtime = ; GC =", r.Stdout);
        Assert.DoesNotContain("shadow copy", r.Stdout + r.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("| lightweight-x2 synthetic 24x32 |", r.Stdout);
        Assert.True(double.IsPositiveInfinity(hoisted.FidelityPsnrDb), "hoisting must not change the output");
        Assert.Equal((24, 32, "lightweight-x2"), (hoisted.H, hoisted.W, hoisted.Task));
        Assert.True(File.Exists(Path.Combine(outDir, "REPORT.md")));
        var charts = Path.Combine(outDir, "charts");
        var pngs = Directory.GetFiles(charts, "*.png");
        Assert.NotEmpty(pngs);
        Assert.All(pngs, p => Assert.StartsWith("mask-hoisting_", Path.GetFileName(p)));
        Assert.True(Directory.Exists(Path.Combine(outDir, "raw", "bdn")), "BenchmarkDotNet's artifacts go under raw/");

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
