using SwinBench.Datasets;
using SwinBench.IO;
using SwinBench.Workloads;

namespace SwinBench.Tests.Workloads;

public class WorkloadTests
{
    private static readonly DatasetManifest Manifest = DatasetManifest.Default;

    /// <summary>Writes a generated stand-in of the manifest size for a dataset image under <paramref name="root"/>.</summary>
    private static void WriteDatasetFile(string root, DatasetImage entry, int seed)
    {
        Directory.CreateDirectory(Path.Combine(root, entry.Dataset));
        ImageIO.Write(Path.Combine(root, entry.RelativePath), SyntheticImage.Generate(entry.Channels, entry.Height, entry.Width, seed));
    }

    [Fact]
    public void Cases_take_the_median_and_largest_input_of_each_dataset()
    {
        var task = BenchTask.Get("lightweight-x2");
        var cases = BenchCase.For(task, Manifest, ["Set5"]).ToList();
        Assert.Equal(2, cases.Count);
        // Set5 HR sizes: baby 512², bird 288², butterfly 256², head 280², woman 344x228 → x2 inputs by pixel count:
        // woman 172x114 (19,608) < butterfly 128² (16,384)? no: 16,384 < 19,608 < head 140² (19,600)? 19,600 < 19,608.
        // Order: butterfly 16,384, head 19,600, woman 19,608, bird 20,736, baby 65,536 → median = woman, largest = baby.
        Assert.Equal(("median", "woman", 172, 114), (cases[0].SizeClass, cases[0].Image, cases[0].H, cases[0].W));
        Assert.Equal(("largest", "baby", 256, 256), (cases[1].SizeClass, cases[1].Image, cases[1].H, cases[1].W));
    }

    [Fact]
    public void Tasks_use_their_papers_datasets_that_the_manifest_has()
    {
        Assert.Equal(["Set5", "Set14", "BSD100", "Urban100", "Manga109"], BenchTask.Get("classical-x4").DatasetsIn(Manifest));
        Assert.Equal(["CBSD68", "Kodak24", "McMaster", "Urban100"], BenchTask.Get("color-dn15").DatasetsIn(Manifest));
        var e = Assert.Throws<ArgumentException>(() => BenchTask.Get("classical-x5"));
        Assert.Contains("classical-x2", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => BenchCase.For(BenchTask.Get("classical-x2"), Manifest, ["Set99"]).ToList());
        Assert.Contains("Set99", bad.Message);
    }

    [Fact]
    public void Sr_input_is_the_matlab_bicubic_downscale_of_the_cropped_real_image()
    {
        using var root = new TempDir();
        var comic = Manifest.Find("Set14", "comic");
        WriteDatasetFile(root.Path, comic, seed: 21);
        var source = new ImageSource(root.Path);
        var task = BenchTask.Get("classical-x3");
        var size = task.Kind.InputSize(comic);
        var c = new BenchCase(task, "Set14", "image", "comic", size.Height, size.Width);
        var made = CaseInputs.Make(c, source, Manifest);
        Assert.True(made.IsReal);
        var gt = made.GroundTruth!;
        Assert.Equal((size.Height * 3, size.Width * 3), (gt.Height, gt.Width));
        Assert.Equal((3, size.Height, size.Width), (made.Input.Channels, made.Input.Height, made.Input.Width));
        // LR values are uint8 levels (the official LR sets are 8-bit images)
        Assert.All(made.Input.Pixels.Take(500), v => Assert.Equal(Math.Round(v * 255), v * 255, 3));
        // the mean brightness survives the downscale
        Assert.Equal(gt.Pixels.Average(), made.Input.Pixels.Average(), 2);
    }

    [Fact]
    public void Gray_images_are_expanded_for_rgb_models_and_noise_is_deterministic()
    {
        using var root = new TempDir();
        var bridge = Manifest.Find("Set14", "bridge");
        Assert.Equal(1, bridge.Channels);
        WriteDatasetFile(root.Path, bridge, seed: 22);
        var source = new ImageSource(root.Path);
        var task = BenchTask.Get("color-dn25");
        var c = new BenchCase(task, "Set14", "image", "bridge", bridge.Height, bridge.Width);
        var a = CaseInputs.Make(c, source, Manifest);
        var b = CaseInputs.Make(c, source, Manifest);
        Assert.Equal(3, a.Input.Channels);
        Assert.Equal(a.Input.Pixels, b.Input.Pixels);
        var diff = a.Input.Pixels.Zip(a.GroundTruth!.Pixels, (x, y) => (double)x - y).ToArray();
        var sd = Math.Sqrt(diff.Select(d => d * d).Average());
        Assert.InRange(sd * 255, 24.0, 26.0); // sigma 25 on the 0..255 scale
        Assert.InRange(diff.Average() * 255, -0.5, 0.5);
    }

    [Fact]
    public void Jpeg_input_is_a_lossy_round_trip_of_the_same_size()
    {
        var task = BenchTask.Get("color-jpeg10");
        var hr = SyntheticImage.Generate(3, 40, 48, seed: 9);
        var (input, truth) = CaseInputs.Degrade(task, hr, seed: 1);
        Assert.Equal((40, 48), (input.Height, input.Width));
        Assert.Same(hr, truth);
        var mse = input.Pixels.Zip(hr.Pixels, (x, y) => (x - y) * (x - y)).Average();
        Assert.True(mse > 1e-5, "quality 10 must change the image");
    }
}
