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
        // stb trusts a header's sizes (it allocates the claimed image before reading the data, and decodes missing
        // data as filler), so the stream's structure and claimed size are checked here first.
        CheckStructure(bytes, path);

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

        // Gray and gray+alpha → 1 channel; RGB, RGBA and palette → RGB. An alpha channel is decoded too, and must be
        // opaque to be dropped (ImageIO.WithoutAlpha).
        bool gray = header.ColorComponents is ReadComponents.Grey or ReadComponents.GreyAlpha;
        bool alpha = header.ColorComponents is ReadComponents.GreyAlpha or ReadComponents.RedGreenBlueAlpha;
        ReadComponents wanted = (gray, alpha) switch
        {
            (true, false) => ReadComponents.Grey,
            (true, true) => ReadComponents.GreyAlpha,
            (false, false) => ReadComponents.RedGreenBlue,
            (false, true) => ReadComponents.RedGreenBlueAlpha,
        };
        int channels = (gray ? 1 : 3) + (alpha ? 1 : 0);
        DecodeLimits.Check(path, ContentKind(bytes) ?? kind, header.Width, height, channels, bytes.Length);

        try
        {
            var image = header.BitsPerChannel == 16
                ? Decode16(bytes, wanted, channels, path, kind)
                : Decode8(bytes, wanted, channels, path, kind);
            return alpha ? ImageIO.WithoutAlpha(image, path) : image;
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

    /// <summary>The format the bytes themselves announce (PNG, JPEG or BMP signature), or null.</summary>
    private static string? ContentKind(byte[] bytes) =>
        bytes.AsSpan().StartsWith(PngSignature) ? "PNG"
        : bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8 ? "JPEG"
        : IsBmp(bytes) ? "BMP"
        : null;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Checks what stb would take on trust: a JPEG's segments and end, a BMP's header and rows, a PNG's claimed
    /// size against its compressed data. stb decodes a truncated JPEG or BMP without complaint (the missing part comes
    /// out as filler); PNG truncation stb detects itself.
    /// </summary>
    private static void CheckStructure(byte[] bytes, string path)
    {
        switch (ContentKind(bytes))
        {
            case "JPEG":
                CheckJpegSegments(bytes, path);
                CheckJpegComplete(bytes, path);
                break;
            case "BMP":
                CheckBmpComplete(bytes, path);
                break;
            case "PNG":
                CheckPngSize(bytes, path);
                break;
        }
    }

    /// <summary>
    /// Walks a JPEG's marker segments up to the first scan: each must fit in the file, and a frame header (SOF) must
    /// come before the scan, with a size the file can hold.
    /// </summary>
    private static void CheckJpegSegments(byte[] bytes, string path)
    {
        const string corrupt = "corrupt or unreadable JPEG image";
        bool frame = false;
        int at = 2;
        while (true)
        {
            if (at >= bytes.Length || bytes[at] != 0xFF)
                throw new InputFileException(path, $"{corrupt}: no marker at offset {at}");
            while (at < bytes.Length && bytes[at] == 0xFF)
                at++; // fill bytes
            if (at >= bytes.Length)
                throw new InputFileException(path, $"{corrupt}: truncated (ends inside a marker)");
            byte marker = bytes[at++];
            if (marker is 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7))
                continue; // markers without a segment
            if (at + 2 > bytes.Length)
                throw new InputFileException(path, $"{corrupt}: truncated segment FF{marker:X2} at offset {at - 2}");
            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at));
            if (length < 2 || at + length > bytes.Length)
                throw new InputFileException(path, $"{corrupt}: segment FF{marker:X2} at offset {at - 2} has length {length}, beyond the end of the {bytes.Length}-byte file");
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                CheckJpegFrameSize(bytes, at, length, path);
                frame = true;
            }
            else if (marker == 0xDA)
            {
                if (!frame)
                    throw new InputFileException(path, $"{corrupt}: a scan before any frame header");
                return;
            }
            else if (marker == 0xD9)
                throw new InputFileException(path, $"{corrupt}: end-of-image marker before any scan");
            at += length;
        }
    }

    /// <summary>
    /// A frame header (SOF, its length field at <paramref name="at"/>) may not claim more 8x8 blocks than the file has
    /// bits: every block of every component costs at least one bit (its DC code) in the first scan that covers it.
    /// </summary>
    private static void CheckJpegFrameSize(byte[] bytes, int at, int length, string path)
    {
        int components = length >= 8 ? bytes[at + 7] : 0;
        if (components == 0 || length < 8 + 3 * components)
            throw new InputFileException(path, $"corrupt or unreadable JPEG image: frame header of length {length} for {components} components");
        long height = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 3));
        long width = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 5));
        int hMax = 1, vMax = 1;
        for (int c = 0; c < components; c++)
        {
            hMax = Math.Max(hMax, bytes[at + 9 + 3 * c] >> 4);
            vMax = Math.Max(vMax, bytes[at + 9 + 3 * c] & 15);
        }
        long blocks = 0;
        for (int c = 0; c < components; c++)
        {
            int h = Math.Max(1, bytes[at + 9 + 3 * c] >> 4), v = Math.Max(1, bytes[at + 9 + 3 * c] & 15);
            long columns = (width * h + hMax - 1) / hMax, rows = (height * v + vMax - 1) / vMax;
            blocks += (columns + 7) / 8 * ((rows + 7) / 8);
        }
        if (blocks > 8L * bytes.Length)
            throw new InputFileException(path,
                $"corrupt JPEG image: the header claims {width}x{height} pixels in {components} components, more than a {bytes.Length}-byte JPEG file can hold");
    }

    /// <summary>
    /// A PNG's chunks must each fit in the file (stb allocates a chunk's claimed length before reading it), and its
    /// image data, unfiltered (height rows of 1 + width x bits per pixel / 8 bytes), must fit what deflate can expand
    /// the file into (stb allocates the claimed image before it inflates the data).
    /// </summary>
    private static void CheckPngSize(byte[] bytes, string path)
    {
        for (long at = 8; at + 8 <= bytes.Length;)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)at));
            if (length > bytes.Length - at - 12)
                throw new InputFileException(path,
                    $"corrupt or unreadable PNG image: chunk '{ChunkType(bytes, at)}' at offset {at} claims {length} bytes, beyond the end of the {bytes.Length}-byte file");
            if (bytes.AsSpan((int)at + 4, 4).SequenceEqual("IEND"u8))
                break;
            at += 12 + length;
        }
        if (bytes.Length < 29 || !bytes.AsSpan(12, 4).SequenceEqual("IHDR"u8))
            return; // stb reports a missing header itself
        long width = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16));
        long height = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20));
        int bitDepth = bytes[24];
        int samplesPerPixel = bytes[25] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (samplesPerPixel == 0 || bitDepth is not (1 or 2 or 4 or 8 or 16))
            return; // stb rejects these itself
        double raw = height * (1 + Math.Ceiling(width * samplesPerPixel * bitDepth / 8.0));
        if (raw > DecodeLimits.DeflateMaxRatio * bytes.Length)
            throw new InputFileException(path,
                $"corrupt PNG image: the header claims {width}x{height} pixels, more than a {bytes.Length}-byte PNG file can hold");
    }

    /// <summary>A chunk's four-letter type, with anything unprintable shown as '?'.</summary>
    private static string ChunkType(byte[] bytes, long at) =>
        new(bytes.AsSpan((int)at + 4, 4).ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '?').ToArray());

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

    /// <summary>
    /// A BMP's header must be one stb reads (OS/2 12 bytes or Windows 40, 56, 108, 124), and an uncompressed BMP must
    /// hold the rows its header promises.
    /// </summary>
    private static void CheckBmpComplete(byte[] bytes, string path)
    {
        const string corrupt = "corrupt or unreadable BMP image";
        if (bytes.Length < 26)
            throw new InputFileException(path, $"{corrupt}: truncated header ({bytes.Length} bytes)");
        uint dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(10));
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(14));
        long width, height;
        int bitsPerPixel;
        uint compression = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18));
            height = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(24));
        }
        else if (headerSize is 40 or 56 or 108 or 124)
        {
            if (bytes.Length < 34)
                throw new InputFileException(path, $"{corrupt}: truncated header ({bytes.Length} bytes)");
            width = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(18));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(22)));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
            compression = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(30));
        }
        else
            throw new InputFileException(path, $"{corrupt}: unsupported header size {headerSize} (supported: 12, 40, 56, 108, 124)");
        if (width <= 0 || height <= 0)
            throw new InputFileException(path, $"corrupt BMP image: size {width}x{height}");
        DecodeLimits.Check(path, "BMP", width, height, 1, bytes.Length);
        if (compression is not (0 or 3) || bitsPerPixel == 0)
            return; // RLE or unusual: stb rejects these itself
        long rowBytes = (bitsPerPixel * width + 31) / 32 * 4;
        long needed = dataOffset + rowBytes * height;
        if (bytes.Length < needed)
            throw new InputFileException(path, $"{corrupt}: truncated data: expected {needed} bytes, found {bytes.Length}");
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
