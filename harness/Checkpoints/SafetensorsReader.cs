using System.Buffers.Binary;
using System.Text.Json;

namespace SwinBench.Checkpoints;

/// <summary>
/// Reads <c>.safetensors</c> files: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (plus an optional <c>__metadata__</c> object, ignored),
/// then the byte buffer the offsets point into. The header is validated as the format's reference reader does: each
/// tensor's byte range is dtype size × element count, and the ranges, taken in offset order, start at 0, follow each
/// other without gaps or overlaps and end exactly at the end of the buffer.
/// </summary>
public static class SafetensorsReader
{
    private const string MetadataKey = "__metadata__";
    private const int HeaderLengthSize = 8;
    private const int MaxHeaderLength = 100_000_000;  // the reference reader's limit

    /// <summary>Reads the tensors of the file at <paramref name="path"/>, in header order.</summary>
    /// <param name="path">A safetensors file.</param>
    /// <param name="wrapKey">Must be null for the usual flat file; a non-null key fails with the list of tensor names.</param>
    /// <exception cref="CheckpointException">Any problem with the file.</exception>
    public static StateDict Read(string path, string? wrapKey = null)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CheckpointException.ForFile(path, $"cannot read the file ({ex.Message})", ex);
        }
        PyDict tensors;
        try
        {
            tensors = ParseTensors(file, path);
        }
        catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
        {
            throw CheckpointException.ForFile(path, $"corrupt safetensors file ({ex.GetType().Name}: {ex.Message})", ex);
        }
        return WrapKeyResolver.Resolve(tensors, wrapKey, path);
    }

    /// <summary>True when the first bytes look like a safetensors header: a plausible length followed by '{'.</summary>
    internal static bool LooksLikeSafetensors(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < HeaderLengthSize + 1 || fileLength < HeaderLengthSize + 2) return false;
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return headerLength >= 2 && headerLength <= (ulong)(fileLength - HeaderLengthSize) && head[HeaderLengthSize] == (byte)'{';
    }

    private static PyDict ParseTensors(byte[] file, string path)
    {
        if (file.Length < HeaderLengthSize)
            throw CheckpointException.ForFile(path, $"file is {file.Length} bytes, too short for a safetensors header");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - HeaderLengthSize))
            throw CheckpointException.ForFile(path, $"safetensors header length {headerLength} runs past the end of the file ({file.Length} bytes)");
        if (headerLength > MaxHeaderLength)
            throw CheckpointException.ForFile(path, $"safetensors header length {headerLength} is over the {MaxHeaderLength}-byte limit");
        int dataStart = HeaderLengthSize + (int)headerLength;
        var data = new ReadOnlyMemory<byte>(file, dataStart, file.Length - dataStart);

        if (!System.Text.Unicode.Utf8.IsValid(file.AsSpan(HeaderLengthSize, (int)headerLength)))
            throw CheckpointException.ForFile(path, "safetensors header is not valid UTF-8");
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(new ReadOnlyMemory<byte>(file, HeaderLengthSize, (int)headerLength));
        }
        catch (JsonException ex)
        {
            throw CheckpointException.ForFile(path, $"safetensors header is not valid JSON ({ex.Message})", ex);
        }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw CheckpointException.ForFile(path, "safetensors header is not a JSON object");
            var tensors = new PyDict();
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (var property in header.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey) continue;
                if (tensors.TryGet(property.Name, out _))
                    throw CheckpointException.ForFile(path, $"safetensors tensor '{PyDescribe.Printable(property.Name)}' appears twice in the header");
                var (tensor, begin, end) = ParseTensor(property.Name, property.Value, data.Span, path);
                tensors.Set(property.Name, tensor);
                ranges.Add((begin, end, property.Name));
            }
            CheckRangesTileBuffer(ranges, data.Length, path);
            return tensors;
        }
    }

    /// <summary>
    /// Checks that the byte ranges, sorted by offset, start at 0, follow each other without gap or overlap and end at
    /// the end of the data buffer; otherwise names the offending tensor(s).
    /// </summary>
    private static void CheckRangesTileBuffer(List<(long Begin, long End, string Name)> ranges, long dataLength, string path)
    {
        static string Text(long begin, long end) => $"[{begin},{end}]";
        ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expectedBegin = 0;
        string? previous = null;
        long previousBegin = 0;
        foreach (var (begin, end, name) in ranges)
        {
            string tensor = $"safetensors tensor '{PyDescribe.Printable(name)}'";
            if (begin < expectedBegin)
                throw CheckpointException.ForFile(path,
                    $"{tensor}: data_offsets {Text(begin, end)} overlap tensor '{PyDescribe.Printable(previous!)}' at {Text(previousBegin, expectedBegin)}");
            if (begin > expectedBegin)
                throw CheckpointException.ForFile(path, previous is null
                    ? $"{tensor}: data_offsets {Text(begin, end)} leave bytes [0,{begin}] of the data buffer unused (the first tensor must start at 0)"
                    : $"{tensor}: data_offsets {Text(begin, end)} leave a gap after tensor '{PyDescribe.Printable(previous)}' at {Text(previousBegin, expectedBegin)}");
            previous = name;
            previousBegin = begin;
            expectedBegin = end;
        }
        if (expectedBegin != dataLength)
            throw CheckpointException.ForFile(path, previous is null
                ? $"safetensors header has no tensors but the data buffer holds {dataLength} bytes"
                : $"safetensors tensors end at byte {expectedBegin} (tensor '{PyDescribe.Printable(previous)}') but the data buffer holds {dataLength} bytes");
    }

    private static (CheckpointTensor Tensor, long Begin, long End) ParseTensor(string name, JsonElement entry, ReadOnlySpan<byte> data, string path)
    {
        CheckpointException Bad(string problem) => CheckpointException.ForFile(path, $"safetensors tensor '{PyDescribe.Printable(name)}': {problem}");

        if (entry.ValueKind != JsonValueKind.Object) throw Bad("header entry is not an object");
        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("missing dtype");
        string dtypeName = dtypeElement.GetString()!;
        if (!TensorDTypeExtensions.TryFromSafetensors(dtypeName, out var dtype))
            throw Bad($"unknown dtype '{PyDescribe.Printable(dtypeName)}'");

        long[] shape = ReadNonNegativeInts(entry, "shape", Bad);
        long[] offsets = ReadNonNegativeInts(entry, "data_offsets", Bad);
        if (offsets.Length != 2) throw Bad("data_offsets must have two entries");
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > data.Length)
            throw Bad($"data_offsets [{begin},{end}] lie outside the {data.Length}-byte data buffer");

        long expectedBytes;
        try { expectedBytes = checked(CheckpointTensor.CountElements(shape) * dtype.ElementSize()); }
        catch (OverflowException) { throw Bad($"shape {CheckpointTensor.FormatShape(shape)} is too large"); }
        if (end - begin != expectedBytes)
            throw Bad($"data_offsets [{begin},{end}] span {end - begin} bytes but {PyDescribe.Printable(dtypeName)} {CheckpointTensor.FormatShape(shape)} needs {expectedBytes}");

        return (new CheckpointTensor(name, dtype, shape, data.Slice((int)begin, (int)(end - begin)).ToArray()), begin, end);
    }

    private static long[] ReadNonNegativeInts(JsonElement entry, string property, Func<string, CheckpointException> bad)
    {
        if (!entry.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
            throw bad($"missing {property}");
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
                throw bad($"{property} must hold non-negative integers");
            values.Add(value);
        }
        return values.ToArray();
    }
}
