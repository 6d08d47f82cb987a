using System.Buffers.Binary;
using System.Runtime.InteropServices;
using StbImageSharp;
using StbImageWriteSharp;
using ReadComponents = StbImageSharp.ColorComponents;
using WriteComponents = StbImageWriteSharp.ColorComponents;

namespace SwinBench.IO;

/// <summary>PNG, BMP and JPEG through StbImageSharp (decode) and StbImageWriteSharp (encode).</summary>
internal static class StbCodec
{
    public static ImageData Decode(byte[] bytes, string path, string extension)
    {
        string kind = KindName(extension);
        ImageInfo? info;
        try
        {
            using var probe = new MemoryStream(bytes, writable: false);
            info = ImageInfo.FromStream(probe);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InputFileException(path, $"corrupt or unreadable {kind} image: {Reason(e)}", e);
        }
        if (info is not { } header)
            throw new InputFileException(path, $"corrupt or unreadable {kind} image: not a PNG, JPEG or BMP stream");
        // A BMP header's negative height marks a top-down bitmap (rows stored top to bottom); stb's info reports it
        // signed, while its decoder handles both orders.
        long height = IsBmp(bytes) ? Math.Abs((long)header.Height) : header.Height;
        if (header.Width <= 0 || height <= 0)
            throw new InputFileException(path, $"corrupt {kind} image: size {header.Width}x{header.Height}");

        CheckComplete(bytes, path);

        // Gray and gray+alpha → 1 channel; RGB, RGBA and palette → RGB. stb drops alpha when converting.
        bool gray = header.ColorComponents is ReadComponents.Grey or ReadComponents.GreyAlpha;
        ReadComponents wanted = gray ? ReadComponents.Grey : ReadComponents.RedGreenBlue;
        int channels = gray ? 1 : 3;

        try
        {
            return header.BitsPerChannel == 16
                ? Decode16(bytes, wanted, channels, path, kind)
                : Decode8(bytes, wanted, channels, path, kind);
        }
        catch (InputFileException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InputFileException(path, $"corrupt or unreadable {kind} image: {Reason(e)}", e);
        }
    }

    /// <summary>
    /// stb decodes a truncated JPEG or BMP without complaint (the missing part comes out as filler), so these two
    /// are checked for completeness before decoding; PNG and TIFF decoders detect truncation themselves.
    /// </summary>
    private static void CheckComplete(byte[] bytes, string path)
    {
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8)
            CheckJpegComplete(bytes, path);
        else if (IsBmp(bytes))
            CheckBmpComplete(bytes, path);
    }

    /// <summary>
    /// A JPEG must end its last scan with an end-of-image marker (FF D9). Inside entropy-coded data every FF byte is
    /// followed by 00 or a restart marker, so an FF D9 after the last start-of-scan (FF DA) can only be the real end;
    /// markers of an embedded EXIF thumbnail come before the main image's scans and do not count.
    /// </summary>
    private static void CheckJpegComplete(byte[] bytes, string path)
    {
        int lastScan = -1;
        for (int i = bytes.Length - 2; i >= 2; i--)
            if (bytes[i] == 0xFF && bytes[i + 1] == 0xDA)
            {
                lastScan = i;
                break;
            }
        if (lastScan < 0)
            throw new InputFileException(path, "corrupt or unreadable JPEG image: no image data (no start-of-scan marker)");
        for (int i = lastScan + 2; i < bytes.Length - 1; i++)
            if (bytes[i] == 0xFF && bytes[i + 1] == 0xD9)
                return;
        throw new InputFileException(path, $"corrupt or unreadable JPEG image: truncated (no end-of-image marker after the last scan, {bytes.Length} bytes)");
    }

    private static bool IsBmp(byte[] bytes) => bytes.Length >= 2 && bytes[0] == (byte)'B' && bytes[1] == (byte)'M';

    /// <summary>An uncompressed BMP must hold the rows its header promises.</summary>
    private static void CheckBmpComplete(byte[] bytes, string path)
    {
        if (bytes.Length < 34)
            throw new InputFileException(path, $"corrupt or unreadable BMP image: truncated header ({bytes.Length} bytes)");
        uint dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(10));
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(14));
        if (headerSize < 40)
            return; // old OS/2 header: let the decoder judge
        long width = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(18));
        long height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(22)));
        int bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(30));
        if (compression is not (0 or 3) || width <= 0 || bitsPerPixel == 0)
            return; // RLE or unusual: let the decoder judge
        long rowBytes = (bitsPerPixel * width + 31) / 32 * 4;
        long needed = dataOffset + rowBytes * height;
        if (bytes.Length < needed)
            throw new InputFileException(path, $"corrupt or unreadable BMP image: truncated data: expected {needed} bytes, found {bytes.Length}");
    }

    /// <summary>stb's failure reason, cleaned of the NUL padding its C-string buffer leaves.</summary>
    private static string Reason(Exception e)
    {
        string reason = e.Message.Replace("\0", "").Trim('\0', ' ', '\r', '\n');
        return reason.Length == 0 ? "decoding failed (truncated or damaged data)" : reason;
    }

    private static ImageData Decode8(byte[] bytes, ReadComponents wanted, int channels, string path, string kind)
    {
        ImageResult result = ImageResult.FromMemory(bytes, wanted);
        if (result?.Data is null || result.Width <= 0 || result.Height <= 0
            || result.Data.Length != (long)result.Width * result.Height * channels)
            throw new InputFileException(path, $"corrupt or unreadable {kind} image: the decoder returned no usable pixels");
        return ImageIO.FromInterleaved(result.Data, channels, result.Height, result.Width);
    }

    /// <summary>
    /// 16-bit PNG. StbImageSharp's <see cref="ImageResult"/> always converts to 8 bits, so this calls the port's
    /// public low-level 16-bit loader, whose buffer is allocated with <see cref="Marshal.AllocHGlobal(int)"/>.
    /// </summary>
    private static unsafe ImageData Decode16(byte[] bytes, ReadComponents wanted, int channels, string path, string kind)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var context = new StbImage.stbi__context(stream);
        int width, height, sourceComponents;
        ushort* samples = StbImage.stbi__load_and_postprocess_16bit(context, &width, &height, &sourceComponents, (int)wanted);
        if (samples == null)
            throw new InputFileException(path, $"corrupt or unreadable 16-bit {kind} image");
        try
        {
            if (width <= 0 || height <= 0)
                throw new InputFileException(path, $"corrupt 16-bit {kind} image: size {width}x{height}");
            var span = new ReadOnlySpan<ushort>(samples, checked(width * height * channels));
            return ImageIO.FromInterleaved(span, channels, height, width);
        }
        finally
        {
            Marshal.FreeHGlobal((IntPtr)samples);
        }
    }

    public static void Encode(byte[] interleaved, int channels, int height, int width, string extension, int jpegQuality, Stream output)
    {
        var components = channels == 1 ? WriteComponents.Grey : WriteComponents.RedGreenBlue;
        var writer = new ImageWriter();
        switch (extension)
        {
            case ".png":
                writer.WritePng(interleaved, width, height, components, output);
                break;
            case ".bmp":
                writer.WriteBmp(interleaved, width, height, components, output);
                break;
            case ".jpg" or ".jpeg":
                writer.WriteJpg(interleaved, width, height, components, output, jpegQuality);
                break;
            default:
                throw new ArgumentException($"no stb encoder for '{extension}'", nameof(extension));
        }
    }

    private static string KindName(string extension) => extension switch
    {
        ".png" => "PNG",
        ".bmp" => "BMP",
        _ => "JPEG",
    };
}
