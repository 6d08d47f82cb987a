namespace SwinBench.IO;

/// <summary>
/// The largest image a file of a given length can legitimately hold, per format: a header that claims more is
/// corrupt, and is rejected before anything of the claimed size is allocated. The bounds follow from the best
/// compression each format allows (whole-file, so they hold for any valid file and stay loose for ordinary images).
/// </summary>
internal static class DecodeLimits
{
    /// <summary>Deflate (PNG, TIFF Deflate) turns one input byte into at most 1032 output bytes.</summary>
    public const long DeflateMaxRatio = 1032;

    /// <summary>
    /// Bytes of decoded TIFF strip data per file byte: above every codec LibTiff decodes for 8/16-bit images
    /// (none 1, PackBits 64, Deflate 1032, LZW below 4096 with 12-bit codes for strings of at most 4096 bytes).
    /// </summary>
    public const long TiffMaxRatio = 4096;

    /// <summary>
    /// Pixels of a JPEG per file byte: every 8x8 block of a full-resolution component costs at least one bit (its DC
    /// code), so a file of L bytes has at most 8L such blocks, 512L pixels.
    /// </summary>
    public const long JpegMaxPixelsPerByte = 512;

    /// <summary>Image samples (height x width x channels, as decoded) a file of <paramref name="fileLength"/> bytes can hold.</summary>
    public static long MaxSamples(string kind, long fileLength) => kind switch
    {
        // a 1-bit palette PNG: 8 pixels per deflated byte, each decoded to 3 samples
        "PNG" => 3 * 8 * DeflateMaxRatio * fileLength,
        "JPEG" => 3 * JpegMaxPixelsPerByte * fileLength,
        // uncompressed rows: at best 1 bit per pixel, decoded to RGB
        "BMP" => 3 * 8 * fileLength,
        "TIFF" => TiffMaxRatio * fileLength,
        // .npy: at least one byte per element
        _ => fileLength,
    };

    /// <summary>Throws when a header's claim of <paramref name="samples"/> samples exceeds what the file can hold.</summary>
    public static void Check(string path, string kind, long width, long height, long channels, long fileLength)
    {
        if ((double)width * height * channels > MaxSamples(kind, fileLength))
            throw new InputFileException(path,
                $"corrupt {kind} image: the header claims {width}x{height} pixels, more than a {fileLength}-byte {kind} file can hold");
    }
}
