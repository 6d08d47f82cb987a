using SwinBench.Benchmarks;
using SwinBench.Results;

namespace SwinBench.Tests.Cli;

/// <summary>
/// The study sweep end to end on the CPU (study-cpu) with a manifest of small images: every case gets the study's
/// rows in the schema's order, the one per-shape compile row goes to one case, peers come from the Python peer
/// (measured where torch imports, else unavailable with the reason), and raw/manifest.csv is the manifest used.
/// </summary>
public sealed class StudyCliTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void The_cpu_study_on_a_small_manifest_writes_every_role_of_every_case()
    {
        var manifest = _tmp.File("manifest.csv");
        File.WriteAllText(manifest, "dataset,name,height,width,channels,format\nSet5,a,16,16,3,png\nSet5,b,24,16,3,png\nSet14,c,16,32,3,png\nCBSD68,d,16,24,3,png\n");
        var outDir = _tmp.File("study");
        var r = SwinBenchProcess.Run("run", "--sweep", "study-cpu", "--manifest", manifest, "--synthetic", "--tasks", "lightweight-x2", "color-dn15", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(File.ReadAllText(manifest), File.ReadAllText(Path.Combine(outDir, SwinBench.Reporting.StudyManifest.RunManifest)));

        var rows = new ResultsStore(outDir).Read();
        var cases = rows.GroupBy(x => (x.Task, x.Dataset, x.SizeClass, x.H, x.W)).OrderBy(g => g.Key.Task).ThenBy(g => g.Key.H * g.Key.W).ToList();
        // lightweight x2: Set5's median (8x8), Set14's (8x16, also the largest LR input); color DN15: CBSD68's one image
        Assert.Equal([("lightweight-x2", "Set5", "median", 8, 8), ("lightweight-x2", "Set14", "median", 8, 16), ("color-dn15", "CBSD68", "median", 16, 24)],
            cases.Select(g => g.Key).OrderBy(k => k.Task == "color-dn15").ThenBy(k => k.H * k.W));
        string[] roles = ["pytorch-eager-fp32", "pytorch-compile", "torchsharp-fp16", "torchsharp-fp32", "ort-fp16", "tensorrt-fp16"];
        foreach (var c in cases)
        {
            var oneCase = c.Key is ("lightweight-x2", "Set5", _, _, _); // the sweep's first median case gets the per-shape compile
            Assert.Equal(oneCase ? [.. roles, "pytorch-compile-max-autotune"] : roles, c.OrderBy(x => x.Step).Select(x => x.Variant));
            Assert.Equal(Enumerable.Range(0, c.Count()), c.OrderBy(x => x.Step).Select(x => x.Step));
            Assert.All(c, x => Assert.Equal(("study", "cpu"), (x.Question, x.Device)));
        }
        Assert.All(rows.Where(x => x.Backend == "pytorch"), x => Assert.True(x.IsOk || x.Status.StartsWith("unavailable: pytorch: ", StringComparison.Ordinal), x.Status));
        Assert.All(rows.Where(x => x.Variant == "tensorrt-fp16"), x => Assert.StartsWith("unavailable: tensorrt: ", x.Status));
        // SwinBench's TorchSharp and ONNX Runtime variants run where the plugin and op libraries are built (CI builds them)
        foreach (var x in rows.Where(x => x.Backend is "torchsharp" or "ort"))
        {
            Assert.True(x.IsOk || x.Status.StartsWith($"unavailable: {x.Backend}: ", StringComparison.Ordinal), x.Status);
            if (x.IsOk) Assert.True(x.Samples == 2 && double.IsFinite(x.FidelityPsnrDb) && x.FidelityPsnrDb > 40, $"{x.Variant}: {x.Samples} samples, {x.FidelityPsnrDb} dB");
        }
        var eager = rows.Where(x => x.Variant == "pytorch-eager-fp32").ToList();
        Assert.All(rows.Where(x => x.IsOk && x.Variant != "pytorch-eager-fp32"), x =>
        {
            var baseline = eager.Single(e => (e.Task, e.Dataset, e.H, e.W) == (x.Task, x.Dataset, x.H, x.W));
            Assert.Equal(baseline.IsOk, double.IsFinite(x.Speedup)); // the speedup is over the PyTorch eager row of the same case
        });
        Assert.True(File.Exists(Path.Combine(outDir, "REPORT.md")));
    }
}
