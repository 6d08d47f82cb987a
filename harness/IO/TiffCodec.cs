using System.Buffers.Binary;
using BitMiracle.LibTiff.Classic;

namespace SwinBench.IO;

/// <summary>TIFF through BitMiracle LibTiff.NET: 8/16-bit gray or RGB strips in, 8-bit gray or RGB out.</summary>
internal static class TiffCodec
{
    static TiffCodec() => Tiff.SetErrorHandler(new CollectingErrorHandler());

    public static ImageData Decode(byte[] bytes, string path)
    {
        CheckFirstDirectory(bytes, path);
        CollectingErrorHandler.Clear();
        using var stream = new MemoryStream(bytes, writable: false);
        Tiff? tiff;
        try
        {
            tiff = Tiff.ClientOpen(path, "r", stream, new TiffStream());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Corrupt(path, e.Message, e);
        }
        if (tiff is null)
            throw Corrupt(path, CollectingErrorHandler.LastError ?? "not a TIFF stream");

        using (tiff)
        {
            try
            {
                return DecodeFirstImage(tiff, path, bytes.Length);
            }
            catch (InputFileException)
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw Corrupt(path, e.Message, e);
            }
        }
    }

    /// <summary>
    /// Checks the first image file directory before LibTiff reads it: the directory and the values of each of its
    /// entries must lie inside the file. LibTiff allocates an entry's values by their claimed count before it reads
    /// them, so a damaged count would otherwise cost an allocation of that size.
    /// </summary>
    private static void CheckFirstDirectory(byte[] bytes, string path)
    {
        if (bytes.Length < 8 || !(bytes[0] == bytes[1] && bytes[0] is (byte)'I' or (byte)'M'))
            return; // LibTiff names what is wrong with the header itself
        bool big = bytes[0] == (byte)'M';
        ulong U16(long at) => big ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan((int)at)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)at));
        ulong U32(long at) => big ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)at)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at));
        ulong U64(long at) => big ? BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)at)) : BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)at));

        ulong magic = U16(2);
        bool bigTiff = magic == 43;
        if (magic != 42 && !bigTiff)
            return;
        if (bigTiff && bytes.Length < 16)
            throw Corrupt(path, $"truncated BigTIFF header ({bytes.Length} bytes)");
        ulong directory = bigTiff ? U64(8) : U32(4);
        int countSize = bigTiff ? 8 : 2, entrySize = bigTiff ? 20 : 12, inline = bigTiff ? 8 : 4;
        ulong length = (ulong)bytes.Length;
        if (directory > length - (ulong)countSize)
            throw Corrupt(path, $"the first directory at offset {directory} lies beyond the end of the {bytes.Length}-byte file");
        ulong entries = bigTiff ? U64((long)directory) : U16((long)directory);
        if (entries > (length - directory - (ulong)countSize) / (ulong)entrySize)
            throw Corrupt(path, $"the first directory claims {entries} entries, beyond the end of the {bytes.Length}-byte file");
        for (ulong i = 0; i < entries; i++)
        {
            long entry = (long)(directory + (ulong)countSize + i * (ulong)entrySize);
            ulong tag = U16(entry), type = U16(entry + 2);
            ulong count = bigTiff ? U64(entry + 4) : U32(entry + 4);
            ulong typeSize = type switch
            {
                1 or 2 or 6 or 7 => 1,
                3 or 8 => 2,
                4 or 9 or 11 or 13 => 4,
                5 or 10 or 12 or 16 or 17 or 18 => 8,
                _ => 0, // an unknown type: LibTiff skips the entry
            };
            if (typeSize == 0 || count <= (ulong)inline / typeSize)
                continue; // the values fit in the entry itself
            ulong offset = bigTiff ? U64(entry + 12) : U32(entry + 8);
            if (count > length / typeSize || offset > length - count * typeSize)
                throw Corrupt(path, $"tag {tag} claims {count} values at offset {offset}, beyond the end of the {bytes.Length}-byte file");
        }
    }

    private static ImageData DecodeFirstImage(Tiff tiff, string path, long fileLength)
    {
        int width = RequiredInt(tiff, TiffTag.IMAGEWIDTH, path);
        int height = RequiredInt(tiff, TiffTag.IMAGELENGTH, path);
        int samplesPerPixel = tiff.GetFieldDefaulted(TiffTag.SAMPLESPERPIXEL)[0].ToInt();
        int bitsPerSample = tiff.GetFieldDefaulted(TiffTag.BITSPERSAMPLE)[0].ToInt();
        var sampleFormat = (SampleFormat)tiff.GetFieldDefaulted(TiffTag.SAMPLEFORMAT)[0].ToInt();
        var planar = (PlanarConfig)tiff.GetFieldDefaulted(TiffTag.PLANARCONFIG)[0].ToInt();
        FieldValue[]? photometricField = tiff.GetField(TiffTag.PHOTOMETRIC);
        var photometric = photometricField is null
            ? (samplesPerPixel >= 3 ? Photometric.RGB : Photometric.MINISBLACK)
            : (Photometric)photometricField[0].ToInt();

        if (width <= 0 || height <= 0)
            throw Corrupt(path, $"size {width}x{height}");
        if (tiff.IsTiled())
            throw Unsupported(path, "tiled TIFF (only strip-organized TIFFs are supported)");
        if (sampleFormat != SampleFormat.UINT)
            throw Unsupported(path, $"TIFF sample format {sampleFormat} (only unsigned integer samples are supported)");
        if (bitsPerSample is not (8 or 16))
            throw Unsupported(path, $"{bitsPerSample}-bit TIFF samples (supported: 8, 16)");

        int channels = photometric switch
        {
            Photometric.MINISBLACK or Photometric.MINISWHITE when samplesPerPixel is 1 or 2 => 1,
            Photometric.RGB when samplesPerPixel is 3 or 4 => 3,
            _ => throw Unsupported(path, $"TIFF photometric {photometric} with {samplesPerPixel} samples per pixel (supported: gray, RGB, optionally with alpha)"),
        };
        bool alpha = samplesPerPixel == channels + 1;
        int decoded = channels + (alpha ? 1 : 0);
        bool invert = photometric == Photometric.MINISWHITE;
        int bytesPerSample = bitsPerSample / 8;
        DecodeLimits.Check(path, "TIFF", width, height, (long)samplesPerPixel * bytesPerSample, fileLength);
        CheckStrips(tiff, path, fileLength);
        float maxValue = bitsPerSample == 8 ? 255f : 65535f;

        var pixels = new float[checked(decoded * height * width)];
        int plane = height * width;
        var row = new byte[Math.Max(tiff.ScanlineSize(), width * samplesPerPixel * bytesPerSample)];

        if (planar == PlanarConfig.CONTIG)
        {
            for (int y = 0; y < height; y++)
            {
                ReadRow(tiff, row, y, 0, path);
                for (int x = 0; x < width; x++)
                    for (int c = 0; c < decoded; c++)
                        pixels[c * plane + y * width + x] = Sample(row, x * samplesPerPixel + c, bytesPerSample, maxValue, invert && c < channels);
            }
        }
        else
        {
            for (int c = 0; c < decoded; c++)
                for (int y = 0; y < height; y++)
                {
                    ReadRow(tiff, row, y, (short)c, path);
                    for (int x = 0; x < width; x++)
                        pixels[c * plane + y * width + x] = Sample(row, x, bytesPerSample, maxValue, invert && c < channels);
                }
        }
        var image = new ImageData(decoded, height, width, pixels);
        return alpha ? ImageIO.WithoutAlpha(image, path) : image;
    }

    /// <summary>
    /// Every strip must lie inside the file: LibTiff allocates a strip's claimed byte count before it reads the strip.
    /// </summary>
    private static void CheckStrips(Tiff tiff, string path, long fileLength)
    {
        long[]? offsets = tiff.GetField(TiffTag.STRIPOFFSETS) is { Length: > 0 } field ? field[0].TolongArray() : null;
        int strips = tiff.NumberOfStrips();
        if (offsets is null || offsets.Length < strips)
            throw Corrupt(path, $"the image needs {strips} strips but the file lists {offsets?.Length ?? 0}");
        for (int strip = 0; strip < strips; strip++)
        {
            long size = tiff.RawStripSize(strip);
            long offset = offsets[strip];
            if (size < 0 || offset < 0 || size > fileLength - offset)
                throw Corrupt(path, $"strip {strip} claims {size} bytes at offset {offset}, beyond the end of the {fileLength}-byte file");
        }
    }

    /// <summary>A sample divided by the largest value (a division, like the PNG path, so 8-bit levels are exactly k / 255f).</summary>
    private static float Sample(byte[] row, int index, int bytesPerSample, float maxValue, bool invert)
    {
        // LibTiff returns samples in the machine's byte order.
        int raw = bytesPerSample == 1 ? row[index] : BitConverter.ToUInt16(row, 2 * index);
        float value = raw / maxValue;
        return invert ? 1f - value : value;
    }

    private static void ReadRow(Tiff tiff, byte[] row, int y, short plane, string path)
    {
        CollectingErrorHandler.Clear();
        if (!tiff.ReadScanline(row, y, plane))
            throw Corrupt(path, $"cannot decode row {y}: {CollectingErrorHandler.LastError ?? "unknown LibTiff error"}");
    }

    private static int RequiredInt(Tiff tiff, TiffTag tag, string path) =>
        tiff.GetField(tag) is { Length: > 0 } field ? field[0].ToInt() : throw Corrupt(path, $"missing {tag} tag");

    public static void Encode(byte[] interleaved, int channels, int height, int width, bool packBits, string path, Stream output)
    {
        CollectingErrorHandler.Clear();
        // LibTiff closes the stream it writes to, so encode into memory and copy the bytes out.
        var buffer = new MemoryStream();
        using (Tiff tiff = Tiff.ClientOpen(path, "w", buffer, new TiffStream())
                           ?? throw new IOException($"{path}: cannot start a TIFF: {CollectingErrorHandler.LastError}"))
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, width);
            tiff.SetField(TiffTag.IMAGELENGTH, height);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, channels);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
            tiff.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.UINT);
            tiff.SetField(TiffTag.ORIENTATION, Orientation.TOPLEFT);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.PHOTOMETRIC, channels == 1 ? Photometric.MINISBLACK : Photometric.RGB);
            tiff.SetField(TiffTag.COMPRESSION, packBits ? Compression.PACKBITS : Compression.NONE);
            tiff.SetField(TiffTag.ROWSPERSTRIP, tiff.DefaultStripSize(0));

            int stride = width * channels;
            var row = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                Buffer.BlockCopy(interleaved, y * stride, row, 0, stride);
                if (!tiff.WriteScanline(row, y))
                    throw new IOException($"{path}: cannot encode TIFF row {y}: {CollectingErrorHandler.LastError}");
            }
            if (!tiff.WriteDirectory())
                throw new IOException($"{path}: cannot finish the TIFF: {CollectingErrorHandler.LastError}");
        }
        output.Write(buffer.ToArray());
    }

    private static InputFileException Corrupt(string path, string detail, Exception? inner = null)
    {
        // LibTiff's messages often start with the stream name, which is the path already in the message.
        if (detail.StartsWith(path + ": ", StringComparison.Ordinal))
            detail = detail[(path.Length + 2)..];
        return new(path, $"corrupt or unreadable TIFF image: {detail}", inner);
    }

    private static InputFileException Unsupported(string path, string what) =>
        new(path, $"unsupported {what}");

    /// <summary>
    /// Keeps LibTiff's messages off the console: the last error of the current thread is kept for the exception
    /// message, warnings (e.g. unknown private tags) are dropped.
    /// </summary>
    private sealed class CollectingErrorHandler : TiffErrorHandler
    {
        [ThreadStatic] private static string? t_lastError;

        public static string? LastError => t_lastError;

        public static void Clear() => t_lastError = null;

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            t_lastError = args is { Length: > 0 } ? SafeFormat(format, args) : format;

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }

        private static string SafeFormat(string format, object[] args)
        {
            try { return string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args); }
            catch (FormatException) { return format; }
        }
    }
}
