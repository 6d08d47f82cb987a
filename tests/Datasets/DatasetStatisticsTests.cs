using SwinBench.Datasets;
using Xunit;

namespace SwinBench.Tests.Datasets;

/// <summary>Expected values were worked out from sizes.csv by hand (sorting pixel counts), not with this code.</summary>
public class DatasetStatisticsTests
{
    [Theory]
    // Set5 HR pixels: butterfly 65536 < head 78400 < woman 78432 < bird 82944 < baby 262144.
    [InlineData("Set5", "denoise", "woman", 344, 228, "baby", 512, 512)]
    [InlineData("Set5", "sr-x4", "woman", 86, 57, "baby", 128, 128)] // head 70x70=4900 < woman 86x57=4902
    [InlineData("Set5", "sr-x3", "woman", 114, 76, "baby", 170, 170)]
    // Set14: index 6 of 14 is baboon 480x500 = 240000; barbara 576x720 is largest.
    [InlineData("Set14", "denoise", "baboon", 480, 500, "barbara", 576, 720)]
    [InlineData("Set14", "sr-x2", "baboon", 240, 250, "barbara", 288, 360)]
    // Urban100: index 49 of 100 is img_058 692x1024; img_020 960x1280 is largest.
    [InlineData("Urban100", "denoise", "img_058", 692, 1024, "img_020", 960, 1280)]
    [InlineData("Urban100", "sr-x4", "img_058", 173, 256, "img_020", 240, 320)]
    // BSD100: 77 landscape 321x481 and 23 portrait 481x321 of equal pixel count. Ties go by height, then name
    // (ordinal): index 49 is the 50th landscape name, 300091; the largest is the first portrait name, 101085.
    [InlineData("BSD100", "sr-x2", "300091", 160, 240, "101085", 240, 160)]
    [InlineData("BSD100", "sr-x4", "300091", 80, 120, "101085", 120, 80)]
    // Manga109: PrayerHaNemurenai (1072x742) is the smallest; index 54 is the 54th of the 108 1170x827 pages by
    // ordinal name, MeteoSanStrikeDesu; the largest is the first of them, ARMS ('R' < 'i').
    [InlineData("Manga109", "sr-x2", "MeteoSanStrikeDesu", 585, 413, "ARMS", 585, 413)]
    [InlineData("Manga109", "sr-x4", "MeteoSanStrikeDesu", 292, 206, "ARMS", 292, 206)]
    // All 500x500: median is index 8 of the names in ordinal order (1, 10, ..., 17), largest the first name.
    [InlineData("McMaster", "denoise", "17", 500, 500, "1", 500, 500)]
    [InlineData("Kodak24", "sr-x3", "kodim12", 166, 166, "kodim01", 166, 166)]
    // CBSD68: 53 landscape 321x481 and 15 portrait 481x321 of equal pixel count; the taller wins the tie.
    [InlineData("CBSD68", "denoise", "220075", 321, 481, "101085", 481, 321)]
    public void MedianAndLargest(string dataset, string task, string medianName, int medianH, int medianW,
        string largestName, int largestH, int largestW)
    {
        DatasetSizeStats stats = DatasetStatistics.For(DatasetManifest.Default, dataset, TaskKind.Parse(task));

        Assert.Equal(medianName, stats.MedianImage.Name);
        Assert.Equal(new ImageSize(medianH, medianW), stats.MedianInput);
        Assert.Equal(largestName, stats.LargestImage.Name);
        Assert.Equal(new ImageSize(largestH, largestW), stats.LargestInput);
        Assert.Equal(stats.MedianImage, stats.Image(SizePick.Median));
        Assert.Equal(stats.LargestInput, stats.Input(SizePick.Largest));
        Assert.Equal(DatasetManifest.Default.Get(dataset).Count, stats.Count);
    }

    [Fact]
    public void Result_DoesNotDependOnFileOrder()
    {
        var images = DatasetManifest.Default.Get("CBSD68").ToList();
        DatasetSizeStats expected = DatasetStatistics.For(images, TaskKind.Denoise);
        var rng = new Random(11);
        for (int trial = 0; trial < 5; trial++)
        {
            var shuffled = images.OrderBy(_ => rng.Next()).ToList();
            Assert.Equal(expected, DatasetStatistics.For(shuffled, TaskKind.Denoise));
        }
    }

    [Fact]
    public void EvenCount_TakesTheLowerMedian()
    {
        DatasetImage[] images =
        [
            new("D", "d", 40, 40, 3, "png"),
            new("D", "a", 10, 10, 3, "png"),
            new("D", "c", 30, 30, 3, "png"),
            new("D", "b", 20, 20, 3, "png"),
        ];
        DatasetSizeStats stats = DatasetStatistics.For(images, TaskKind.Denoise);
        Assert.Equal("b", stats.MedianImage.Name);
        Assert.Equal("d", stats.LargestImage.Name);
        Assert.Throws<ArgumentException>(() => DatasetStatistics.For([], TaskKind.Denoise));
    }

    [Fact]
    public void ForAll_CoversEveryDatasetInManifestOrder()
    {
        var all = DatasetStatistics.ForAll(DatasetManifest.Default, TaskKind.SuperResolution(2));
        Assert.Equal(DatasetManifest.Default.Datasets, all.Select(s => s.Dataset));
    }
}
