using SwinBench.Datasets;
using SwinBench.IO;
using Xunit;

namespace SwinBench.Tests.Datasets;

public class ImageSourceTests
{
    private static DatasetImage Entry(string dataset, string name) => DatasetManifest.Default.Find(dataset, name);

    [Fact]
    public void DefaultDataRoot_IsTheSharedDatasetsFolder()
    {
        string? root = ImageSource.DefaultDataRoot();
        Assert.NotNull(root);
        Assert.Equal(Path.GetFullPath(TestData.DatasetsDir), Path.GetFullPath(root));
        Assert.True(File.Exists(Path.Combine(root, "Set5", "baby.png")));
    }

    [Fact]
    public void RealImage_IsReadWhenPresent()
    {
        var source = new ImageSource(TestData.DatasetsDir);
        SourcedImage baby = source.Load(Entry("Set5", "baby"));

        Assert.True(baby.IsReal);
        Assert.Equal(Path.Combine(Path.GetFullPath(TestData.DatasetsDir), "Set5", "baby.png"), baby.Path);
        Assert.Equal((3, 512, 512), (baby.Image.Channels, baby.Image.Height, baby.Image.Width));
        Assert.Equal(ImageIO.Read(baby.Path!), baby.Image);
        Assert.NotEqual(SyntheticImage.For(baby.Entry), baby.Image);
    }

    [Fact]
    public void RealTiffAndGrayImages_KeepTheirManifestShape()
    {
        var source = new ImageSource(TestData.DatasetsDir);
        SourcedImage mcmaster = source.Load(Entry("McMaster", "1"));
        SourcedImage bridge = source.Load(Entry("Set14", "bridge"));
        Assert.True(mcmaster.IsReal);
        Assert.EndsWith("1.tif", mcmaster.Path);
        Assert.True(bridge.IsReal);
        Assert.Equal(1, bridge.Image.Channels);
    }

    [Fact]
    public void AbsentImage_IsSyntheticOfTheManifestSize()
    {
        var source = new ImageSource(TestData.DatasetsDir);
        DatasetImage entry = Entry("Urban100", "img_001"); // not in the shared subset
        Assert.False(source.HasReal(entry));

        SourcedImage image = source.Load(entry);

        Assert.False(image.IsReal);
        Assert.Null(image.Path);
        Assert.Equal((3, 644, 1024), (image.Image.Channels, image.Image.Height, image.Image.Width));
        Assert.Equal(SyntheticImage.For(entry), image.Image);
        Assert.Contains("synthetic", image.ToString());
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

    [Fact]
    public void EveryRealFileOfTheSharedSubset_MatchesTheManifest()
    {
        var source = new ImageSource(TestData.DatasetsDir);
        var real = DatasetManifest.Default.Images.Where(source.HasReal).ToList();

        // Set5 (5) + Set14 (14) + McMaster (18) + the Urban100 subset (11).
        Assert.Equal(48, real.Count);
        foreach (DatasetImage entry in real)
            Assert.True(source.Load(entry).IsReal); // throws on any size mismatch
    }
}
