using SwinBench.Datasets;

namespace SwinBench.Workloads;

/// <summary>
/// One input a benchmark runs: a task on one image size of a dataset ("median" or "largest" by input pixels, or a
/// custom size). Its text is the BenchmarkDotNet parameter column; cases order by task, dataset, then size.
/// </summary>
public sealed record BenchCase(BenchTask Task, string Dataset, string SizeClass, string Image, int H, int W) : IComparable<BenchCase>
{
    public double Megapixels => H * (double)W / 1e6;

    /// <summary>The short column text, e.g. <c>lightweight-x2 Set5 256x250</c>.</summary>
    public override string ToString() => $"{Task.Name} {Dataset} {H}x{W}";

    public int CompareTo(BenchCase? other)
    {
        if (other is null) return 1;
        var c = string.CompareOrdinal(Task.Name, other.Task.Name);
        if (c != 0) return c;
        c = string.CompareOrdinal(Dataset, other.Dataset);
        return c != 0 ? c : ((long)H * W).CompareTo((long)other.H * other.W);
    }

    /// <summary>The median and/or largest image of each dataset of the task that the manifest has.</summary>
    public static IEnumerable<BenchCase> For(BenchTask task, DatasetManifest manifest, IEnumerable<string>? datasets = null, params SizePick[] picks)
    {
        if (picks.Length == 0) picks = [SizePick.Median, SizePick.Largest];
        foreach (var ds in datasets?.ToList() ?? task.DatasetsIn(manifest))
        {
            if (!manifest.Contains(ds))
                throw new ArgumentException($"dataset '{ds}' is not in the manifest ({manifest.Source}); known: {string.Join(", ", manifest.Datasets)}");
            var stats = DatasetStatistics.For(manifest, ds, task.Kind);
            foreach (var pick in picks)
            {
                var size = stats.Input(pick);
                yield return new BenchCase(task, ds, pick.ToString().ToLowerInvariant(), stats.Image(pick).Name, size.Height, size.Width);
            }
        }
    }

    /// <summary>A synthetic input of a given size (no dataset image behind it).</summary>
    public static BenchCase Custom(BenchTask task, int h, int w) => new(task, "synthetic", "custom", $"synthetic-{h}x{w}", h, w);
}
