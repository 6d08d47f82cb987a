namespace SwinBench.Datasets;

/// <summary>Which representative image of a dataset a benchmark runs on.</summary>
public enum SizePick
{
    /// <summary>The image of median input pixel count.</summary>
    Median,

    /// <summary>The image of largest input pixel count.</summary>
    Largest,
}

/// <summary>The representative input sizes of one dataset under one task.</summary>
/// <param name="Dataset">Dataset name as spelled in the manifest.</param>
/// <param name="Task">The task the input sizes are for.</param>
/// <param name="Count">Number of images in the dataset.</param>
/// <param name="MedianImage">The image of median input pixel count.</param>
/// <param name="MedianInput">Its input size.</param>
/// <param name="LargestImage">The image of largest input pixel count.</param>
/// <param name="LargestInput">Its input size.</param>
public sealed record DatasetSizeStats(
    string Dataset, TaskKind Task, int Count,
    DatasetImage MedianImage, ImageSize MedianInput,
    DatasetImage LargestImage, ImageSize LargestInput)
{
    /// <summary>The image chosen by <paramref name="pick"/>.</summary>
    public DatasetImage Image(SizePick pick) => pick == SizePick.Largest ? LargestImage : MedianImage;

    /// <summary>The input size chosen by <paramref name="pick"/>.</summary>
    public ImageSize Input(SizePick pick) => pick == SizePick.Largest ? LargestInput : MedianInput;
}

/// <summary>
/// Median and largest input sizes per dataset, for benchmarks that sweep a 'median' and a 'largest' image of each
/// dataset.
/// </summary>
/// <remarks>
/// Sizes are input sizes, after the task's protocol (see <see cref="TaskKind.InputSize(DatasetImage)"/>). The median
/// orders images by input pixel count, ties broken by input height, then by image name (ordinal), and takes the
/// element at index (n - 1) / 2 (the lower median for an even count, so always an actual image). The largest has the
/// most input pixels, ties broken by the greater height, then by the first name (ordinal). Neither depends on file order.
/// </remarks>
public static class DatasetStatistics
{
    /// <summary>The statistics of a set of images of one dataset.</summary>
    /// <exception cref="ArgumentException"><paramref name="images"/> is empty.</exception>
    public static DatasetSizeStats For(IReadOnlyList<DatasetImage> images, TaskKind task)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(task);
        if (images.Count == 0)
            throw new ArgumentException("no images", nameof(images));

        var ordered = images
            .Select(image => (Image: image, Input: task.InputSize(image)))
            .OrderBy(e => e.Input.Pixels)
            .ThenBy(e => e.Input.Height)
            .ThenBy(e => e.Image.Name, StringComparer.Ordinal)
            .ToList();
        var median = ordered[(ordered.Count - 1) / 2];
        var largest = ordered
            .OrderByDescending(e => e.Input.Pixels)
            .ThenByDescending(e => e.Input.Height)
            .ThenBy(e => e.Image.Name, StringComparer.Ordinal)
            .First();
        return new DatasetSizeStats(images[0].Dataset, task, images.Count, median.Image, median.Input, largest.Image, largest.Input);
    }

    /// <summary>The statistics of one dataset of a manifest.</summary>
    /// <exception cref="KeyNotFoundException">The manifest has no such dataset.</exception>
    public static DatasetSizeStats For(DatasetManifest manifest, string dataset, TaskKind task)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return For(manifest.Get(dataset), task);
    }

    /// <summary>The statistics of every dataset of a manifest, in manifest order.</summary>
    public static IReadOnlyList<DatasetSizeStats> ForAll(DatasetManifest manifest, TaskKind task)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.Datasets.Select(d => For(manifest.Get(d), task)).ToList();
    }
}
