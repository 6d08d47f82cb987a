using SwinBench.Datasets;
using SwinBench.IO;
using Xunit;

namespace SwinBench.Tests.Datasets;

public class ImageSourceTests
{
    private static DatasetImage Entry(string dataset, string name) => DatasetManifest.Default.Find(dataset, name);

    /// <summary>Writes a stand-in for a dataset file (<c>&lt;root&gt;/&lt;dataset&gt;/&lt;name&gt;.&lt;extension&gt;</c>) and returns its path.</summary>
    internal static string WriteDatasetFile(string root, string dataset, string name, string extension, ImageData image)
    {
        Directory.CreateDirectory(Path.Combine(root, dataset));
        string path = Path.Combine(root, dataset, name + extension);
        ImageIO.Write(path, image);
        return path;
    }

    [Fact]
    public void DefaultDataRoot_IsTheDatasetsFolderOfTheSharedFolderBesideTheCheckout()
    {
        using var dir = new TempDir();
        string repo = Path.Combine(dir.Path, "repo");
        Directory.CreateDirectory(Path.Combine(repo, "tests"));
        File.WriteAllText(Path.Combine(repo, "SwinBench.sln"), "");
        string start = Path.Combine(repo, "tests");

        Assert.Null(RepoPaths.FindSharedDir(start, fromEnvironment: null)); // a clone alone: synthetic images

        string shared = Path.Combine(dir.Path, "shared");
        Directory.CreateDirectory(Path.Combine(shared, "datasets"));
        Assert.Equal(shared, RepoPaths.FindSharedDir(start, fromEnvironment: null));

        string elsewhere = Path.Combine(dir.Path, "elsewhere");
        Assert.Null(RepoPaths.FindSharedDir(start, fromEnvironment: elsewhere)); // a set variable never falls back
        Directory.CreateDirectory(elsewhere);
        Assert.Equal(elsewhere, RepoPaths.FindSharedDir(start, fromEnvironment: elsewhere));
    }

    [Fact]
    public void GoldenFixtures_AreTheRepositorysUnlessTheSharedFolderHasItsOwn()
    {
        using var dir = new TempDir();
        string repo = Path.Combine(dir.Path, "repo");
        string inRepo = Path.Combine(repo, "tests", "fixtures", "golden");
        Assert.Null(RepoPaths.FindGoldenDir(repo, fromEnvironment: null));
        Directory.CreateDirectory(inRepo);
        Assert.Equal(inRepo, RepoPaths.FindGoldenDir(repo, fromEnvironment: null));

        string shared = Path.Combine(dir.Path, "shared");
        Directory.CreateDirectory(shared);
        Assert.Equal(inRepo, RepoPaths.FindGoldenDir(repo, fromEnvironment: shared)); // no fixtures there
        Directory.CreateDirectory(Path.Combine(shared, "fixtures", "golden"));
        Assert.Equal(Path.Combine(shared, "fixtures", "golden"), RepoPaths.FindGoldenDir(repo, fromEnvironment: shared));
    }

    [Fact]
    public void RealImage_IsReadWhenPresent()
    {
        using var dir = new TempDir();
        ImageData written = SyntheticImage.Generate(3, 512, 512, seed: 11);
        string path = WriteDatasetFile(dir.Path, "Set5", "baby", ".png", written);
        var source = new ImageSource(dir.Path);
        SourcedImage baby = source.Load(Entry("Set5", "baby"));

        Assert.True(baby.IsReal);
        Assert.Equal(path, baby.Path);
        Assert.Equal((3, 512, 512), (baby.Image.Channels, baby.Image.Height, baby.Image.Width));
        Assert.Equal(ImageIO.Read(path), baby.Image);
        Assert.True(baby.Image.Pixels.Zip(written.Pixels, (a, b) => Math.Abs(a - b)).Max() <= 0.5f / 255 + 1e-6f);
        Assert.NotEqual(SyntheticImage.For(baby.Entry), baby.Image);
    }

    [Fact]
    public void RealTiffAndGrayImages_KeepTheirManifestShape()
    {
        using var dir = new TempDir();
        WriteDatasetFile(dir.Path, "McMaster", "1", ".tif", SyntheticImage.Generate(3, 500, 500, seed: 12));
        WriteDatasetFile(dir.Path, "Set14", "bridge", ".png", SyntheticImage.Generate(1, 512, 512, seed: 13));
        var source = new ImageSource(dir.Path);
        SourcedImage mcmaster = source.Load(Entry("McMaster", "1"));
        SourcedImage bridge = source.Load(Entry("Set14", "bridge"));
        Assert.True(mcmaster.IsReal);
        Assert.EndsWith("1.tif", mcmaster.Path);
        Assert.Equal((3, 500, 500), (mcmaster.Image.Channels, mcmaster.Image.Height, mcmaster.Image.Width));
        Assert.True(bridge.IsReal);
        Assert.Equal(1, bridge.Image.Channels);
    }

    [Fact]
    public void AbsentImage_IsSyntheticOfTheManifestSize()
    {
        using var dir = new TempDir();
        WriteDatasetFile(dir.Path, "Urban100", "img_002", ".png", SyntheticImage.Generate(3, 8, 8, seed: 14)); // a subset
        var source = new ImageSource(dir.Path);
        DatasetImage entry = Entry("Urban100", "img_001");
        Assert.False(source.HasReal(entry));

        SourcedImage image = source.Load(entry);

        Assert.False(image.IsReal);
        Assert.Null(image.Path);
        Assert.Equal((3, 644, 1024), (image.Image.Channels, image.Image.Height, image.Image.Width));
        Assert.Equal(SyntheticImage.For(entry), image.Image);
        Assert.Contains("synthetic", image.ToString());
    }

    [Fact]
    public void MissingDataRoot_IsAnErrorNotSilentlySynthetic()
    {
        using var dir = new TempDir();
        string missing = Path.Combine(dir.Path, "datasets-typo");
        var e = Assert.Throws<DirectoryNotFoundException>(() => new ImageSource(missing));
        Assert.Contains("data root not found: " + missing, e.Message);
    }

    [Fact]
    public void NoDataRoot_GivesSyntheticImagesOnly()
    {
        var source = new ImageSource(null);
        SourcedImage baby = source.Load(Entry("Set5", "baby"));
        Assert.False(baby.IsReal);
        Assert.Equal((3, 512, 512), (baby.Image.Channels, baby.Image.Height, baby.Image.Width));
    }

    [Fact]
    public void RealImageOfTheWrongSize_IsAClearError()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "Set5"));
        string path = Path.Combine(dir.Path, "Set5", "baby.png");
        ImageIO.Write(path, SyntheticImage.Generate(3, 100, 120, seed: 1));

        var e = Assert.Throws<InputFileException>(() => new ImageSource(dir.Path).Load(Entry("Set5", "baby")));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("100x120x3", e.Message);
        Assert.Contains("Set5/baby says 512x512x3", e.Message);
    }

    [Fact]
    public void RealImageWithTheWrongChannelCount_IsAClearError()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "Set14"));
        ImageIO.Write(Path.Combine(dir.Path, "Set14", "bridge.png"), SyntheticImage.Generate(3, 512, 512, seed: 2));
        var e = Assert.Throws<InputFileException>(() => new ImageSource(dir.Path).Load(Entry("Set14", "bridge")));
        Assert.Contains("512x512x3", e.Message);
    }

    [Fact]
    public void OtherExtensionSpelling_IsFound()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "McMaster"));
        string path = Path.Combine(dir.Path, "McMaster", "2.tiff");
        ImageIO.Write(path, SyntheticImage.Generate(3, 500, 500, seed: 3));

        SourcedImage image = new ImageSource(dir.Path).Load(Entry("McMaster", "2"));

        Assert.True(image.IsReal);
        Assert.Equal(path, image.Path);
    }
}
