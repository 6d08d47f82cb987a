using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace SwinBench.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0).
/// </summary>
/// <remarks>
/// <para><see cref="Read"/> accepts C-ordered arrays of dtype <c>&lt;f4</c>, <c>&lt;f8</c>, <c>&lt;f2</c>, <c>|u1</c>
/// and <c>&lt;u2</c> and converts every element to <see cref="float"/>, keeping its value (a byte stays 0..255);
/// <see cref="ReadSamples"/>, the reader of model inputs, scales the integer dtypes to [0, 1] like 8- and 16-bit images.
/// Fortran-ordered arrays, big-endian, other integer and structured dtypes are rejected.</para>
/// <para>Writing always produces a version 1.0 file of dtype <c>&lt;f4</c>, whose header is padded with spaces so that
/// the data starts at a multiple of 64 bytes, exactly as <c>numpy.save</c> lays it out; the file is written to a
/// temporary file first and renamed over the destination.</para>
/// </remarks>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int HeaderAlignment = 64;

    /// <summary>The dtypes <see cref="Read"/> accepts, as written in a .npy header.</summary>
    public static IReadOnlyList<string> SupportedDtypes { get; } = ["<f4", "<f8", "<f2", "|u1", "<u2"];

    /// <summary>Reads a .npy file into a float32 array.</summary>
    /// <exception cref="InputFileException">The file is missing, empty, not a .npy file, has an unreadable header,
    /// an unsupported dtype or layout, or holds fewer or more data bytes than its shape needs.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw InputFileException.NotAFile(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Read(stream, path);
        }
        catch (IOException e)
        {
            throw new InputFileException(path, $"cannot read file: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputFileException(path, $"cannot read file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads a .npy file of image samples (a model input): floating-point arrays keep their values, <c>uint8</c> is
    /// divided by 255 and <c>uint16</c> by 65535, the [0, 1] scale of 8- and 16-bit images.
    /// </summary>
    /// <exception cref="InputFileException">As <see cref="Read"/>.</exception>
    public static NpyArray ReadSamples(string path)
    {
        var array = Read(path);
        float scale = array.Dtype switch { "uint8" => 255f, "uint16" => 65535f, _ => 1f };
        if (scale == 1f) return array;
        var data = array.Data;
        for (int i = 0; i < data.Length; i++) data[i] /= scale;
        return array;
    }

    /// <summary>Writes <paramref name="array"/> as a version 1.0 <c>&lt;f4</c> .npy file, atomically.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(array);
        byte[] header = BuildHeader(array.Shape);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            WriteLittleEndianFloats(stream, array.Data);
        });
    }

    private static NpyArray Read(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength == 0)
            throw new InputFileException(path, "empty file (0 bytes)");

        // Magic (6 bytes) and version (2 bytes).
        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
            throw new InputFileException(path, "not a NumPy .npy file (bad magic bytes)");
        if (got < prefix.Length)
            throw new InputFileException(path, $"truncated header: expected at least 10 bytes, found {fileLength}");

        byte major = prefix[6], minor = prefix[7];
        int lengthFieldSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new InputFileException(path, $"unsupported .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)"),
        };

        Span<byte> lengthField = stackalloc byte[4];
        if (stream.ReadAtLeast(lengthField[..lengthFieldSize], lengthFieldSize, throwOnEndOfStream: false) < lengthFieldSize)
            throw new InputFileException(path, $"truncated header: the header length field is incomplete ({fileLength} bytes in file)");
        long headerLength = lengthFieldSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);

        long headerAvailable = fileLength - stream.Position;
        if (headerLength > headerAvailable)
            throw new InputFileException(path, $"truncated header: expected {headerLength} bytes, found {headerAvailable}");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8.
        string headerText = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);

        NpyHeader header;
        try
        {
            header = NpyHeaderParser.Parse(headerText);
        }
        catch (FormatException e)
        {
            throw new InputFileException(path, $"cannot parse .npy header ({e.Message}): {Abbreviate(headerText)}", e);
        }

        if (header.FortranOrder)
            throw new InputFileException(path, "fortran_order is True; only C-ordered arrays are supported (save with numpy.ascontiguousarray)");

        (int itemSize, string dtype) = header.Descr switch
        {
            "<f4" => (4, "float32"),
            "<f8" => (8, "float64"),
            "<f2" => (2, "float16"),
            "|u1" or "<u1" or ">u1" or "=u1" => (1, "uint8"),
            "<u2" => (2, "uint16"),
            ['<' or '|' or '=', 'i' or 'u' or 'b', ..] => throw new InputFileException(path,
                $"unsupported dtype '{header.Descr}': integer samples need a known scale; save uint8 (0..255), uint16 (0..65535) or float32 in [0, 1]"),
            _ => throw new InputFileException(path, $"unsupported dtype '{header.Descr}' (supported: {string.Join(", ", SupportedDtypes)})"),
        };

        long count;
        try
        {
            count = NpyArray.ElementCount(header.Shape);
        }
        catch (ArgumentException e)
        {
            throw new InputFileException(path, $"unusable shape: {e.Message}", e);
        }

        long expected = count * itemSize;
        long available = fileLength - stream.Position;
        if (available < expected)
            throw new InputFileException(path, $"truncated data: expected {expected} bytes, found {available}");
        if (available > expected)
            throw new InputFileException(path, $"unexpected trailing bytes: expected {expected} bytes of data, found {available}");

        var raw = new byte[expected];
        stream.ReadExactly(raw);
        return new NpyArray(header.Shape, Decode(raw, header.Descr[1..], (int)count)) { Dtype = dtype };
    }

    private static float[] Decode(byte[] raw, string type, int count)
    {
        var data = new float[count];
        switch (type)
        {
            case "f4":
                if (BitConverter.IsLittleEndian)
                    Buffer.BlockCopy(raw, 0, data, 0, raw.Length);
                else
                    for (int i = 0; i < count; i++)
                        data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4));
                break;
            case "f8":
                for (int i = 0; i < count; i++)
                    data[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(i * 8));
                break;
            case "f2":
                for (int i = 0; i < count; i++)
                    data[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.AsSpan(i * 2));
                break;
            case "u1":
                for (int i = 0; i < count; i++)
                    data[i] = raw[i];
                break;
            case "u2":
                for (int i = 0; i < count; i++)
                    data[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2));
                break;
            default:
                throw new InvalidOperationException($"no decoder for dtype {type}");
        }
        return data;
    }

    /// <summary>Builds magic, version, length field and the padded Python-dict header of a v1.0 &lt;f4 file.</summary>
    private static byte[] BuildHeader(long[] shape)
    {
        string shapeText = shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";

        int preamble = Magic.Length + 2 + 2; // magic, version, uint16 header length
        int unpadded = preamble + dict.Length + 1; // + the terminating newline
        int padding = (HeaderAlignment - unpadded % HeaderAlignment) % HeaderAlignment;
        string headerText = dict + new string(' ', padding) + "\n";
        if (headerText.Length > ushort.MaxValue)
            throw new ArgumentException($"an array of {shape.Length} dimensions does not fit a version 1.0 .npy header", nameof(shape));

        var header = new byte[preamble + headerText.Length];
        Magic.CopyTo(header, 0);
        header[6] = 1; // major version
        header[7] = 0; // minor version
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)headerText.Length);
        Encoding.ASCII.GetBytes(headerText, header.AsSpan(preamble));
        return header;
    }

    private static void WriteLittleEndianFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        var buffer = new byte[4 * 4096];
        for (int start = 0; start < data.Length; start += 4096)
        {
            int n = Math.Min(4096, data.Length - start);
            for (int i = 0; i < n; i++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), data[start + i]);
            stream.Write(buffer, 0, 4 * n);
        }
    }

    private static string Abbreviate(string header)
    {
        string oneLine = header.Replace("\r", " ").Replace("\n", " ").Trim();
        return oneLine.Length <= 120 ? oneLine : oneLine[..117] + "...";
    }
}
