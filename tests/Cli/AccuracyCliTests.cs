using SwinBench.Cli;
using SwinBench.Datasets;
using SwinBench.IO;
using SwinBench.Metrics;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;
using static TorchSharp.torch;

namespace SwinBench.Tests.Cli;

/// <summary>
/// <c>accuracy</c> on a tiny real data root (two PNGs of different sizes) with the golden full-size SwinIR-S x2 weights:
/// the official model by default, PSNR-Y/SSIM-Y per image and per set in results.csv and REPORT.md, mixed sizes as such.
/// </summary>
public sealed class AccuracyCliTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private (string Manifest, string Root) TinySet()
    {
        var root = _tmp.File("data");
        Directory.CreateDirectory(Path.Combine(root, "Tiny"));
        foreach (var (name, h, w) in new[] { ("a", 32, 32), ("b", 40, 48) })
            ImageIO.Write(Path.Combine(root, "Tiny", name + ".png"), SyntheticImage.Generate(3, h, w, seed: h));
        var manifest = _tmp.File("manifest.csv");
        File.WriteAllText(manifest, "dataset,name,height,width,channels,format\nTiny,a,32,32,3,png\nTiny,b,40,48,3,png\n");
        return (manifest, root);
    }

    private SwinBenchProcess.Result Accuracy(string outDir, params string[] extra)
    {
        var (manifest, root) = TinySet();
        return SwinBenchProcess.Run(["accuracy", "--task", "lightweight-x2", "--dataset", "Tiny", "--weights", Golden.Model("lightweight_x2_full").Checkpoint,
            "--manifest", manifest, "--data-root", root, "--out", outDir, .. extra]);
    }

    [Fact]
    public void The_official_model_by_default_with_psnr_y_per_image_and_per_set()
    {
        var outDir = _tmp.File("official");
        var r = Accuracy(outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("accuracy lightweight-x2 on Tiny (2 images): variant torchsharp:perblock/fp32/ln-fused on cpu (the official model", r.Stdout);

        var rows = new ResultsStore(outDir).Read();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, x => Assert.True(x.IsBaseline && x.Mask == "perblock" && x.Precision == "fp32" && x.Plugins == "none"));
        var images = rows.Where(x => x.Image != "*").ToList();
        Assert.Equal([("a", 16, 16), ("b", 20, 24)], images.Select(x => (x.Image, x.H, x.W)));
        var set = rows.Single(x => x.Image == "*");
        Assert.Equal(("mixed 16x16 to 20x24", 0, 0, 2), (set.SizeClass, set.H, set.W, set.Images));
        Assert.Equal(images.Average(x => x.PsnrYDb), set.PsnrYDb, 10);
        Assert.Equal(images.Average(x => x.SsimY), set.SsimY, 10);
        Assert.All(rows, x => Assert.True(double.IsNaN(x.FidelityPsnrDb)));

        // the first image's PSNR-Y, recomputed through the model directly
        var m = Golden.Model("lightweight_x2_full");
        var (manifest, root) = (DatasetManifest.Load(_tmp.File("manifest.csv")), _tmp.File("data"));
        var input = CaseInputs.Make(new BenchCase(BenchTask.Get("lightweight-x2"), "Tiny", "image", "a", 16, 16), new ImageSource(root), manifest);
        var (net, _) = ModelFactory.Create(m.Config, ModelOptions.Original, m.Checkpoint, m.WrapKey);
        using (net)
        using (no_grad())
        {
            net.eval();
            using var y = net.forward(tensor(input.Input.Pixels, [1, 3, 16, 16]));
            var gt = input.GroundTruth!;
            Assert.Equal(ImageMetrics.Psnr(y.data<float>().ToArray(), gt.Pixels, 3, 32, 32, 2, yChannel: true), images[0].PsnrYDb, 3);
        }

        var report = File.ReadAllText(Path.Combine(outDir, "REPORT.md"));
        Assert.Contains("| PSNR-Y dB | SSIM-Y |", report);
        Assert.Contains($"| Tiny | mixed 16x16 to 20x24 | – |", report);
        Assert.DoesNotContain("NaN", report);
        Assert.DoesNotContain("no ok baseline", report);
        Assert.DoesNotMatch(@"\| –\d", report); // every p5–p95 has both ends
    }

    [Fact]
    public void Another_variant_is_compared_with_the_official_model_and_gets_a_speedup()
    {
        var outDir = _tmp.File("hoisted");
        var r = Accuracy(outDir, "--mask", "hoisted");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("variant torchsharp:hoisted/fp32/ln-fused on cpu, compared with the official model", r.Stdout);

        var rows = new ResultsStore(outDir).Read();
        Assert.Equal(6, rows.Count);
        var variant = rows.Where(x => !x.IsBaseline).ToList();
        Assert.Equal(3, variant.Count);
        Assert.All(variant, x => Assert.Equal("hoisted", x.Mask));
        // hoisting the masks is exact up to float rounding
        Assert.All(variant, x => Assert.True(x.FidelityPsnrDb > 100 && x.FidelityMaxAbs < 1e-4, $"{x.Image}: {x.FidelityPsnrDb} dB, {x.FidelityMaxAbs}"));
        Assert.All(variant, x => Assert.True(double.IsFinite(x.Speedup) && x.Speedup > 0, $"{x.Image}: speedup {x.Speedup} {x.SpeedupNote}"));
        foreach (var x in variant)
            Assert.Equal(rows.Single(b => b.IsBaseline && b.Image == x.Image).PsnrYDb, x.PsnrYDb, 2);
    }
}
