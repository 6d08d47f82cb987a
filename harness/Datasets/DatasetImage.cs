namespace SwinBench.Datasets;

/// <summary>
/// One image of a benchmark dataset as listed in the manifest: the ground-truth (HR) size, channel count and file
/// format. The file, when present, is <c>&lt;data root&gt;/&lt;Dataset&gt;/&lt;Name&gt;.&lt;Format&gt;</c>.
/// </summary>
/// <param name="Dataset">Dataset name, e.g. <c>Set5</c>.</param>
/// <param name="Name">Image name without extension, e.g. <c>baby</c>.</param>
/// <param name="Height">HR height in pixels.</param>
/// <param name="Width">HR width in pixels.</param>
/// <param name="Channels">1 (gray) or 3 (RGB).</param>
/// <param name="Format">File extension without the dot, lower case, e.g. <c>png</c>.</param>
public sealed record DatasetImage(string Dataset, string Name, int Height, int Width, int Channels, string Format)
{
    /// <summary>The HR size.</summary>
    public ImageSize Size => new(Height, Width);

    /// <summary>The file's path relative to a data root, e.g. <c>Set5/baby.png</c>.</summary>
    public string RelativePath => Path.Combine(Dataset, $"{Name}.{Format}");

    /// <summary>For example <c>Set5/baby 512x512x3 png</c>.</summary>
    public override string ToString() => $"{Dataset}/{Name} {Height}x{Width}x{Channels} {Format}";
}

/// <summary>An image size in pixels.</summary>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct ImageSize(int Height, int Width)
{
    /// <summary>Height times width.</summary>
    public long Pixels => (long)Height * Width;

    /// <summary>For example <c>512x512</c> (height x width).</summary>
    public override string ToString() => $"{Height}x{Width}";
}
