namespace SwinBench.IO;

/// <summary>Options for <see cref="ImageIO.Write(string, ImageData, ImageWriteOptions?)"/>.</summary>
/// <param name="JpegQuality">JPEG quality, 1..100 (default 95).</param>
/// <param name="TiffPackBits">Compress TIFF strips with PackBits (default); false writes them uncompressed.</param>
public sealed record ImageWriteOptions(int JpegQuality = 95, bool TiffPackBits = true)
{
    /// <summary>The defaults: JPEG quality 95, PackBits TIFF.</summary>
    public static ImageWriteOptions Default { get; } = new();
}

/// <summary>
/// Reads and writes images as <see cref="ImageData"/> (planar CHW float32 in [0, 1]), choosing the codec by file extension.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>extension</term><description>handling</description></listheader>
/// <item><term>.png .bmp .jpg .jpeg</term><description>StbImageSharp / StbImageWriteSharp. Gray and gray+alpha read
/// as 1 channel, RGB and RGBA as 3, palette images as RGB; an alpha channel is dropped when every pixel is opaque and
/// refused otherwise (<see cref="WithoutAlpha"/>). 16-bit PNGs keep 16 bits (value / 65535),
/// everything else is 8-bit (value / 255). Written 8-bit; JPEG at quality 95. StbImageWriteSharp writes BMP and JPEG
/// with three colour channels only, so a 1-channel image saved as .bmp or .jpg reads back as 3 equal channels;
/// PNG and TIFF keep 1 channel.</description></item>
/// <item><term>.tif .tiff</term><description>BitMiracle LibTiff.NET: the first image of the file, strips (not tiles),
/// unsigned 8- or 16-bit samples, gray (min-is-black or min-is-white) or RGB, with or without an extra alpha
/// sample (dropped when opaque, refused otherwise), contiguous or separate planes, any compression LibTiff decodes (none, PackBits, LZW, Deflate, ...).
/// Written 8-bit, PackBits by default.</description></item>
/// <item><term>.npy</term><description>An array of shape [1, C, H, W] or [C, H, W] (see <see cref="Npy.ReadSamples"/>):
/// float values are kept as they are, with no rounding or clamping; uint8 and uint16 are scaled to [0, 1].</description></item>
/// </list>
/// <para>Reads check a file's structure and claimed size before decoding: segments, chunks, strips and directory
/// entries must lie inside the file, and a header may not claim a larger image than a file of its length can hold
/// (see <see cref="DecodeLimits"/>), so a damaged header is an <see cref="InputFileException"/>, never an allocation
/// of the claimed size. A BMP may store its rows bottom-up (positive height) or top-down (negative height).</para>
/// <para>Writes quantize like the official SwinIR test script: clamp to [0, 1], multiply by 255, round half to even
/// (NumPy's <c>round</c>), see <see cref="ToByte"/>. Every write goes to a temporary file in the destination folder
/// that is then renamed over the destination.</para>
/// </remarks>
public static class ImageIO
{
    /// <summary>The file extensions <see cref="Read"/> and <see cref="Write"/> understand (lower case, with the dot).</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".png", ".bmp", ".jpg", ".jpeg", ".tif", ".tiff", ".npy"];

    /// <summary>Whether <paramref name="path"/> has an extension this class can read and write.</summary>
    public static bool IsSupported(string path) => SupportedExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Reads an image file.</summary>
    /// <exception cref="InputFileException">The file is missing, empty, corrupt, of an unsupported extension or an
    /// unsupported kind of image; the message names the file and the problem.</exception>
    public static ImageData Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (!SupportedExtensions.Contains(extension))
            throw new InputFileException(path, UnsupportedExtensionMessage(extension));
        if (!File.Exists(path))
            throw InputFileException.NotAFile(path);

        if (extension == ".npy")
            return ReadNpyImage(path);

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(path, $"cannot read file: {e.Message}", e);
        }
        if (bytes.Length == 0)
            throw new InputFileException(path, "empty file (0 bytes)");

        return extension is ".tif" or ".tiff"
            ? TiffCodec.Decode(bytes, path)
            : StbCodec.Decode(bytes, path, extension);
    }

    /// <summary>Writes an image file (1- or 3-channel image; see the class remarks for what each format keeps).</summary>
    /// <exception cref="ArgumentException">The extension is not supported, or the image has neither 1 nor 3 channels.</exception>
    /// <exception cref="IOException">The destination cannot be written.</exception>
    public static void Write(string path, ImageData image, ImageWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(image);
        options ??= ImageWriteOptions.Default;
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (!SupportedExtensions.Contains(extension))
            throw new ArgumentException($"{path}: {UnsupportedExtensionMessage(extension)}", nameof(path));
        if (extension == ".npy")
        {
            Npy.Write(path, image.ToNpy());
            return;
        }
        if (image.Channels is not (1 or 3))
            throw new ArgumentException($"{path}: cannot write a {image.Channels}-channel image; expected 1 (gray) or 3 (RGB)", nameof(image));
        if (options.JpegQuality is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(options), options.JpegQuality, "JPEG quality must be 1..100");

        byte[] interleaved = ToInterleavedBytes(image);
        AtomicFile.Write(path, stream =>
        {
            if (extension is ".tif" or ".tiff")
                TiffCodec.Encode(interleaved, image.Channels, image.Height, image.Width, options.TiffPackBits, path, stream);
            else
                StbCodec.Encode(interleaved, image.Channels, image.Height, image.Width, extension, options.JpegQuality, stream);
        });
    }

    /// <summary>
    /// Quantizes a sample to 8 bits like the official SwinIR test: clamp to [0, 1], times 255 in float32, rounded
    /// half to even. NaN becomes 0.
    /// </summary>
    public static byte ToByte(float value)
    {
        if (float.IsNaN(value))
            return 0;
        return (byte)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f, MidpointRounding.ToEven);
    }

    /// <summary>Interleaved (HWC) 8-bit samples of an image, quantized with <see cref="ToByte"/>.</summary>
    public static byte[] ToInterleavedBytes(ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int c = image.Channels, plane = image.PlaneSize;
        var bytes = new byte[image.Pixels.Length];
        for (int ch = 0; ch < c; ch++)
        {
            int src = ch * plane;
            for (int i = 0; i < plane; i++)
                bytes[i * c + ch] = ToByte(image.Pixels[src + i]);
        }
        return bytes;
    }

    /// <summary>An image from interleaved (HWC) 8-bit samples, each divided by 255.</summary>
    internal static ImageData FromInterleaved(ReadOnlySpan<byte> samples, int channels, int height, int width)
    {
        var pixels = new float[channels * height * width];
        int plane = height * width;
        for (int i = 0; i < plane; i++)
            for (int ch = 0; ch < channels; ch++)
                pixels[ch * plane + i] = samples[i * channels + ch] / 255f;
        return new ImageData(channels, height, width, pixels);
    }

    /// <summary>An image from interleaved (HWC) 16-bit samples, each divided by 65535.</summary>
    internal static ImageData FromInterleaved(ReadOnlySpan<ushort> samples, int channels, int height, int width)
    {
        var pixels = new float[channels * height * width];
        int plane = height * width;
        for (int i = 0; i < plane; i++)
            for (int ch = 0; ch < channels; ch++)
                pixels[ch * plane + i] = samples[i * channels + ch] / 65535f;
        return new ImageData(channels, height, width, pixels);
    }

    /// <summary>
    /// The image without its last plane, an alpha channel: dropped when every pixel is opaque (nothing is lost), refused
    /// otherwise, since SwinIR restores gray or RGB and the colour under a transparent pixel is undefined.
    /// </summary>
    /// <exception cref="InputFileException">A pixel is not fully opaque; the message counts them.</exception>
    internal static ImageData WithoutAlpha(ImageData image, string path)
    {
        int plane = image.PlaneSize, colour = image.Channels - 1;
        var alpha = image.Pixels.AsSpan(colour * plane, plane);
        int translucent = 0;
        foreach (float a in alpha)
            if (a < 1f) translucent++;
        if (translucent > 0)
            throw new InputFileException(path, $"has an alpha channel with {translucent} of {plane} pixels not opaque: SwinIR restores " +
                                               $"{(colour == 1 ? "gray" : "RGB")} only; flatten the image onto a background or save it without alpha");
        return new ImageData(colour, image.Height, image.Width, image.Pixels[..(colour * plane)]);
    }

    private static ImageData ReadNpyImage(string path)
    {
        NpyArray array = Npy.ReadSamples(path);
        try
        {
            return ImageData.FromNpy(array);
        }
        catch (ArgumentException e)
        {
            throw new InputFileException(path, e.Message.Split(" (Parameter")[0], e);
        }
    }

    private static string UnsupportedExtensionMessage(string extension) =>
        (extension.Length == 0 ? "no file extension" : $"unsupported image extension '{extension}'")
        + $" (supported: {string.Join(", ", SupportedExtensions)})";
}
