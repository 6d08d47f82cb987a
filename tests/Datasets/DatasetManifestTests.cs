using SwinBench.Datasets;
using Xunit;

namespace SwinBench.Tests.Datasets;

public class DatasetManifestTests
{
    [Theory]
    [InlineData("Set5", 5)]
    [InlineData("Set14", 14)]
    [InlineData("BSD100", 100)]
    [InlineData("Urban100", 100)]
    [InlineData("Manga109", 109)]
    [InlineData("McMaster", 18)]
    [InlineData("Kodak24", 24)]
    [InlineData("CBSD68", 68)]
    public void Default_ListsEveryImageOfEachDataset(string dataset, int count)
    {
        Assert.Equal(count, DatasetManifest.Default.Get(dataset).Count);
    }

    [Fact]
    public void Default_HasExactlyTheEightDatasetsInOrder()
    {
        DatasetManifest manifest = DatasetManifest.Default;
        Assert.Equal(["Set5", "Set14", "BSD100", "Urban100", "Manga109", "McMaster", "Kodak24", "CBSD68"], manifest.Datasets);
        Assert.Equal(438, manifest.Images.Count);
        Assert.EndsWith(Path.Combine("datasets", "manifest.csv"), manifest.Source);
    }

    [Fact]
    public void Default_KnownSizes()
    {
        DatasetManifest m = DatasetManifest.Default;
        Assert.Equal(new DatasetImage("Set5", "baby", 512, 512, 3, "png"), m.Find("Set5", "baby"));
        Assert.Equal(1, m.Find("Set14", "bridge").Channels);
        Assert.Equal(new ImageSize(361, 250), m.Find("Set14", "comic").Size);
        Assert.All(m.Get("McMaster"), i => Assert.Equal((500, 500, 3, "tif"), (i.Height, i.Width, i.Channels, i.Format)));
        Assert.All(m.Get("Kodak24"), i => Assert.Equal(new ImageSize(500, 500), i.Size));
        Assert.All(m.Get("CBSD68"), i => Assert.Contains(i.Size, new[] { new ImageSize(321, 481), new ImageSize(481, 321) }));
        Assert.Equal(new ImageSize(960, 1280), m.Find("Urban100", "img_020").Size);
    }

    [Fact]
    public void Default_Bsd100AndManga109_HaveTheirSourcedSizes()
    {
        DatasetManifest m = DatasetManifest.Default;
        // BSD100: 77 landscape and 23 portrait BSDS300 frames, colour PNGs named by their BSDS300 ids
        var bsd = m.Get("BSD100");
        Assert.Equal(77, bsd.Count(i => i.Size == new ImageSize(321, 481)));
        Assert.Equal(23, bsd.Count(i => i.Size == new ImageSize(481, 321)));
        Assert.All(bsd, i => Assert.Equal((3, "png"), (i.Channels, i.Format)));
        Assert.Equal(new ImageSize(321, 481), m.Find("BSD100", "3096").Size);
        Assert.Equal(new ImageSize(481, 321), m.Find("BSD100", "101085").Size);
        // the 68 images BSD100 shares with CBSD68 have the same size in both
        foreach (var c in m.Get("CBSD68"))
            Assert.Equal(c.Size, m.Find("BSD100", c.Name).Size);
        // Manga109: 108 pages of 1170x827 and one of 1072x742
        var manga = m.Get("Manga109");
        Assert.Equal(108, manga.Count(i => i.Size == new ImageSize(1170, 827)));
        Assert.Equal(new DatasetImage("Manga109", "PrayerHaNemurenai", 1072, 742, 3, "png"), m.Find("Manga109", "PrayerHaNemurenai"));
        Assert.Equal(new ImageSize(1170, 827), m.Find("Manga109", "AisazuNihaIrarenai").Size);
    }

    [Fact]
    public void Lookup_IsCaseInsensitive()
    {
        DatasetManifest m = DatasetManifest.Default;
        Assert.Same(m.Get("Urban100"), m.Get("urban100"));
        Assert.Equal("Set14", m.Get("SET14")[0].Dataset);
        Assert.Equal("baby", m.Find("set5", "BABY").Name);
        Assert.True(m.Contains("mcmaster"));
        Assert.True(m.Contains("bsd100"));
        Assert.False(m.Contains("DIV2K"));
    }

    [Fact]
    public void UnknownDataset_ListsTheKnownOnes()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => DatasetManifest.Default.Get("DIV2K"));
        Assert.Contains("'DIV2K'", e.Message);
        Assert.Contains("Set5, Set14, BSD100, Urban100, Manga109, McMaster, Kodak24, CBSD68", e.Message);
        var name = Assert.Throws<KeyNotFoundException>(() => DatasetManifest.Default.Find("Set5", "lena"));
        Assert.Contains("'lena'", name.Message);
    }

    [Fact]
    public void Load_AcceptsColumnsInAnyOrderWithSpaces()
    {
        using var dir = new TempDir();
        string path = dir.File("m.csv");
        File.WriteAllText(path, "name, dataset, format, channels, width, height\nx1, A, PNG, 1, 20, 10\n\nx2, A, .tif, 3, 5, 7\n");
        DatasetManifest m = DatasetManifest.Load(path);
        Assert.Equal([new DatasetImage("A", "x1", 10, 20, 1, "png"), new DatasetImage("A", "x2", 7, 5, 3, "tif")], m.Images);
    }

    [Theory]
    [InlineData("S,a,10,10,3,png\nS,b,-4,10,3,png\n", "line 3", "height '-4' is not a positive integer")]
    [InlineData("S,a,10,0,3,png\n", "line 2", "width '0' is not a positive integer")]
    [InlineData("S,a,10,10,2,png\n", "line 2", "channels 2 must be 1 or 3")]
    [InlineData("S,a,10,10,3,gif\n", "line 2", "format 'gif'")]
    [InlineData("S,a,10,ten,3,png\n", "line 2", "width 'ten'")]
    [InlineData("S,,10,10,3,png\n", "line 2", "empty name")]
    [InlineData("S,a,10,10,3,png\nS,b,10,10,3,png\ns,A,10,10,3,png\n", "line 4", "duplicate image s/A (first listed on line 2)")]
    public void Load_InvalidRow_NamesTheLine(string rows, string line, string problem)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.csv");
        File.WriteAllText(path, "dataset,name,height,width,channels,format\n" + rows);
        var e = Assert.Throws<FormatException>(() => DatasetManifest.Load(path));
        Assert.StartsWith($"{path} {line}: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_MissingColumn_IsReported()
    {
        using var dir = new TempDir();
        string path = dir.File("cols.csv");
        File.WriteAllText(path, "dataset,name,height,width,format\nS,a,1,1,png\n");
        var e = Assert.Throws<FormatException>(() => DatasetManifest.Load(path));
        Assert.Contains("line 1: missing column(s) channels", e.Message);
    }

    [Fact]
    public void Load_EmptyOrAbsentFile_IsReported()
    {
        using var dir = new TempDir();
        string empty = dir.File("empty.csv");
        File.WriteAllText(empty, "dataset,name,height,width,channels,format\n");
        Assert.Contains("lists no images", Assert.Throws<FormatException>(() => DatasetManifest.Load(empty)).Message);
        Assert.Throws<FileNotFoundException>(() => DatasetManifest.Load(dir.File("none.csv")));
    }

}
