using SwinBench.IO;

namespace SwinBench.Datasets;

/// <summary>An image delivered by <see cref="ImageSource"/>.</summary>
/// <param name="Entry">The manifest entry it stands for.</param>
/// <param name="Image">The pixels (the file's channels: a gray dataset image stays 1-channel).</param>
/// <param name="IsReal">True when read from the dataset file, false when synthesized.</param>
/// <param name="Path">The file it was read from; null for a synthetic image.</param>
public sealed record SourcedImage(DatasetImage Entry, ImageData Image, bool IsReal, string? Path)
{
    /// <summary>For example <c>Set5/baby 512x512x3 png (real)</c>.</summary>
    public override string ToString() => $"{Entry} ({(IsReal ? "real" : "synthetic")})";
}

/// <summary>
/// Delivers the image of a manifest entry: the real file <c>&lt;data root&gt;/&lt;Dataset&gt;/&lt;Name&gt;.&lt;Format&gt;</c>
/// when it exists (see <see cref="FindFile"/>), otherwise a <see cref="SyntheticImage"/> of exactly the manifest size. A real file must have the
/// manifest's height, width and channels.
/// </summary>
public sealed class ImageSource
{
    /// <summary>Creates a source reading real images under <paramref name="dataRoot"/>; null means synthetic images only.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="dataRoot"/> is given but does not exist (a mistyped
    /// data root would otherwise silently mean synthetic images).</exception>
    public ImageSource(string? dataRoot)
    {
        DataRoot = string.IsNullOrWhiteSpace(dataRoot) ? null : Path.GetFullPath(dataRoot);
        if (DataRoot is not null && !Directory.Exists(DataRoot))
            throw new DirectoryNotFoundException(
                $"data root not found: {DataRoot} (a folder of <dataset>/<name>.<format> images; leave it out for synthetic images)");
    }

    /// <summary>The folder holding one sub-folder per dataset, or null.</summary>
    public string? DataRoot { get; }

    /// <summary>
    /// The default data root: <see cref="RepoPaths.DatasetsDir"/> (<c>&lt;repo&gt;/../shared/datasets</c> when present, or
    /// <c>$SWINBENCH_SHARED/datasets</c>), or null when there is none, which means synthetic images of the manifest sizes.
    /// </summary>
    public static string? DefaultDataRoot() => RepoPaths.DatasetsDir;

    /// <summary>The path the real file of <paramref name="entry"/> would have, or null without a data root.</summary>
    public string? PathOf(DatasetImage entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return DataRoot is null ? null : Path.Combine(DataRoot, entry.RelativePath);
    }

    /// <summary>
    /// The existing real file of <paramref name="entry"/>, or null. Besides <see cref="PathOf"/>, the other spelling of
    /// the extension is tried (<c>.tif</c>/<c>.tiff</c>, <c>.jpg</c>/<c>.jpeg</c>), since copies of the same dataset differ.
    /// </summary>
    public string? FindFile(DatasetImage entry)
    {
        string? path = PathOf(entry);
        if (path is null)
            return null;
        if (File.Exists(path))
            return path;
        string? other = entry.Format switch
        {
            "tif" => "tiff",
            "tiff" => "tif",
            "jpg" => "jpeg",
            "jpeg" => "jpg",
            _ => null,
        };
        string? alternative = other is null ? null : Path.ChangeExtension(path, other);
        return alternative is not null && File.Exists(alternative) ? alternative : null;
    }

    /// <summary>Whether the real file of <paramref name="entry"/> exists.</summary>
    public bool HasReal(DatasetImage entry) => FindFile(entry) is not null;

    /// <summary>The real image of <paramref name="entry"/> if its file exists, else the synthetic one.</summary>
    /// <exception cref="InputFileException">The real file is unreadable, or its size or channel count differs from the manifest.</exception>
    public SourcedImage Load(DatasetImage entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string? path = FindFile(entry);
        if (path is null)
            return new SourcedImage(entry, SyntheticImage.For(entry), IsReal: false, Path: null);

        ImageData image = ImageIO.Read(path);
        if (image.Height != entry.Height || image.Width != entry.Width || image.Channels != entry.Channels)
            throw new InputFileException(path,
                $"image is {image.Height}x{image.Width}x{image.Channels} (HxWxC) but the manifest entry {entry.Dataset}/{entry.Name} says {entry.Height}x{entry.Width}x{entry.Channels}");
        return new SourcedImage(entry, image, IsReal: true, Path: path);
    }
}
