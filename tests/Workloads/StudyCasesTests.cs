using SwinBench.Datasets;
using SwinBench.Workloads;

namespace SwinBench.Tests.Workloads;

/// <summary>
/// The study's cases against the repository manifest. Expected sizes were worked out by hand from datasets/manifest.csv
/// (LR = floor(HR / scale); median = index (n - 1) / 2 by pixels, height, then name; see DatasetStatisticsTests).
/// </summary>
public sealed class StudyCasesTests
{
    private static readonly DatasetManifest Manifest = DatasetManifest.Default;

    [Fact]
    public void The_five_study_tasks_in_table_order()
    {
        Assert.Equal(["classical-x2", "classical-x4", "lightweight-x2", "lightweight-x4", "color-dn15"], StudyCases.Tasks.Select(t => t.Name));
    }

    /// <summary>
    /// Each task's cases as "dataset size-class image HxW", joined by " | ". Worked out by hand:
    /// x2: Set5 woman 344x228 -> 172x114 (19,608 px); BSD100 300091 321x481 -> 160x240 (38,400); Set14 baboon 480x500 ->
    /// 240x250 (60,000); Urban100 img_058 692x1024 -> 346x512 (177,152); Manga109 MeteoSanStrikeDesu 1170x827 -> 585x413
    /// (241,605); the largest over the sets is Urban100 img_020 960x1280 -> 480x640 (307,200), above Manga109's pages.
    /// x4: the same images, floor(HR / 4) (827 = 4 * 206 + 3 is cropped). Denoising: full sizes; Kodak24 and McMaster
    /// are both 500x500, Kodak24 first by name.
    /// </summary>
    [Theory]
    [InlineData("classical-x2", "Set5 median woman 172x114 | BSD100 median 300091 160x240 | Set14 median baboon 240x250 | " +
        "Urban100 median img_058 346x512 | Manga109 median MeteoSanStrikeDesu 585x413 | Urban100 largest img_020 480x640")]
    [InlineData("lightweight-x2", "Set5 median woman 172x114 | BSD100 median 300091 160x240 | Set14 median baboon 240x250 | " +
        "Urban100 median img_058 346x512 | Manga109 median MeteoSanStrikeDesu 585x413 | Urban100 largest img_020 480x640")]
    [InlineData("classical-x4", "Set5 median woman 86x57 | BSD100 median 300091 80x120 | Set14 median baboon 120x125 | " +
        "Urban100 median img_058 173x256 | Manga109 median MeteoSanStrikeDesu 292x206 | Urban100 largest img_020 240x320")]
    [InlineData("color-dn15", "CBSD68 median 220075 321x481 | Kodak24 median kodim12 500x500 | McMaster median 17 500x500 | " +
        "Urban100 median img_058 692x1024 | Urban100 largest img_020 960x1280")]
    public void Each_sets_median_input_and_the_largest_over_the_sets_ordered_by_size(string task, string expected)
    {
        var cases = StudyCases.For(Manifest, [BenchTask.Get(task)]);
        Assert.Equal(expected, string.Join(" | ", cases.Select(c => $"{c.Dataset} {c.SizeClass} {c.Image} {c.H}x{c.W}")));
        Assert.All(cases, c => Assert.Equal(task, c.Task.Name));
    }

    [Fact]
    public void The_default_is_every_study_task_in_order_with_unique_case_texts()
    {
        var cases = StudyCases.For(Manifest);
        Assert.Equal(6 + 6 + 6 + 6 + 5, cases.Count);
        Assert.Equal(StudyCases.Tasks.Select(t => t.Name), cases.Select(c => c.Task.Name).Distinct());
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct().Count());
        Assert.All(StudyCases.Tasks, t => Assert.Single(cases, c => c.Task == t && c.SizeClass == "largest"));
    }

    [Fact]
    public void A_largest_that_is_already_a_median_case_is_not_repeated_and_missing_sets_are_skipped()
    {
        using var dir = new TempDir();
        var path = dir.File("m.csv");
        // Kodak24 alone (McMaster, CBSD68 and Urban100 absent): its median and largest are both 500x500, but different
        // images (kodim02 is the median of three equal sizes, kodim01 the largest), and only the median case stays.
        File.WriteAllText(path, "dataset,name,height,width,channels,format\nKodak24,kodim01,500,500,3,png\nKodak24,kodim02,500,500,3,png\nKodak24,kodim03,500,500,3,png\n");
        var m = DatasetManifest.Load(path);
        var c = Assert.Single(StudyCases.For(m, [BenchTask.Get("color-dn15"), BenchTask.Get("classical-x2")]));
        Assert.Equal(("Kodak24", "median", "kodim02", 500, 500), (c.Dataset, c.SizeClass, c.Image, c.H, c.W));
    }

    [Fact]
    public void A_task_given_twice_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentException>(() => StudyCases.For(Manifest, [BenchTask.Get("classical-x2"), BenchTask.Get("CLASSICAL-X2")]));
        Assert.Contains("'classical-x2' is given twice", e.Message);
    }
}
