namespace SwinBench.IO;

/// <summary>
/// An image as planar float32 samples: channel-major (CHW), each plane row by row, values nominally in [0, 1]
/// (1 = full intensity). Channels are 1 (gray) or 3 (RGB, in that order) for images read from files.
/// Two images are equal when their sizes and every sample are equal.
/// </summary>
/// <remarks>The pixel at channel <c>c</c>, row <c>y</c>, column <c>x</c> is <c>Pixels[(c * Height + y) * Width + x]</c>.</remarks>
public sealed record ImageData
{
    /// <summary>Creates an image; <paramref name="pixels"/> must hold <c>channels * height * width</c> samples (it is not copied).</summary>
    /// <exception cref="ArgumentException">A size is not positive, or the pixel count does not match.</exception>
    public ImageData(int channels, int height, int width, float[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)channels * height * width != pixels.Length)
            throw new ArgumentException(
                $"a {channels}x{height}x{width} image needs {(long)channels * height * width} samples, got {pixels.Length}", nameof(pixels));
        Channels = channels;
        Height = height;
        Width = width;
        Pixels = pixels;
    }

    /// <summary>Number of channels (planes).</summary>
    public int Channels { get; }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Number of columns.</summary>
    public int Width { get; }

    /// <summary>The samples, planar CHW.</summary>
    public float[] Pixels { get; }

    /// <summary>Pixels per plane, <c>Height * Width</c>.</summary>
    public int PlaneSize => Height * Width;

    /// <summary>The sample at channel <paramref name="c"/>, row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int c, int y, int x] => Pixels[(c * Height + y) * Width + x];

    /// <summary>A black image of the given size.</summary>
    public static ImageData Zeros(int channels, int height, int width) =>
        new(channels, height, width, new float[checked(channels * height * width)]);

    /// <summary>Deconstructs like a positional record.</summary>
    public void Deconstruct(out int channels, out int height, out int width, out float[] pixels)
    {
        channels = Channels;
        height = Height;
        width = Width;
        pixels = Pixels;
    }

    /// <summary>The image as a batch-of-one NCHW array of shape [1, C, H, W] (the samples are copied).</summary>
    public NpyArray ToNpy() => new([1, Channels, Height, Width], (float[])Pixels.Clone());

    /// <summary>
    /// The image held by an array of shape [1, C, H, W] (a batch of one) or [C, H, W] (the samples are copied).
    /// </summary>
    /// <exception cref="ArgumentException">The array has another rank, a batch larger than one, or an empty dimension.</exception>
    public static ImageData FromNpy(NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        long[] s = array.Shape;
        string shapeText = "(" + string.Join(", ", s) + ")";
        (long c, long h, long w) = s.Length switch
        {
            4 when s[0] == 1 => (s[1], s[2], s[3]),
            4 => throw new ArgumentException($"array of shape {shapeText} holds a batch of {s[0]} images; expected one", nameof(array)),
            3 => (s[0], s[1], s[2]),
            _ => throw new ArgumentException($"array of shape {shapeText} is not an image; expected [1, C, H, W] or [C, H, W]", nameof(array)),
        };
        if (c <= 0 || h <= 0 || w <= 0 || c > int.MaxValue || h > int.MaxValue || w > int.MaxValue)
            throw new ArgumentException($"array of shape {shapeText} has an unusable image size", nameof(array));
        return new ImageData((int)c, (int)h, (int)w, (float[])array.Data.Clone());
    }

    /// <summary>Sizes and every sample are equal (NaN equals NaN).</summary>
    public bool Equals(ImageData? other) =>
        other is not null && Channels == other.Channels && Height == other.Height && Width == other.Width
        && Pixels.AsSpan().SequenceEqual(other.Pixels);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Channels, Height, Width);

    /// <summary>For example <c>ImageData 3x512x512 (CxHxW)</c>.</summary>
    public override string ToString() => $"ImageData {Channels}x{Height}x{Width} (CxHxW)";
}
