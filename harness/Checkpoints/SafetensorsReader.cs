using System.Buffers.Binary;
using System.Text.Json;

namespace SwinBench.Checkpoints;

/// <summary>
/// Reads <c>.safetensors</c> files: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (plus an optional <c>__metadata__</c> object, ignored),
/// then the byte buffer the offsets point into. Every offset is checked against the file length and the
/// size implied by dtype and shape.
/// </summary>
public static class SafetensorsReader
{
    private const string MetadataKey = "__metadata__";
    private const int HeaderLengthSize = 8;

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
        int dataStart = HeaderLengthSize + (int)headerLength;
        var data = new ReadOnlyMemory<byte>(file, dataStart, file.Length - dataStart);

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
            foreach (var property in header.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey) continue;
                tensors.Set(property.Name, ParseTensor(property.Name, property.Value, data.Span, path));
            }
            return tensors;
        }
    }

    private static CheckpointTensor ParseTensor(string name, JsonElement entry, ReadOnlySpan<byte> data, string path)
    {
        CheckpointException Bad(string problem) => CheckpointException.ForFile(path, $"safetensors tensor '{name}': {problem}");

        if (entry.ValueKind != JsonValueKind.Object) throw Bad("header entry is not an object");
        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("missing dtype");
        string dtypeName = dtypeElement.GetString()!;
        if (!TensorDTypeExtensions.TryFromSafetensors(dtypeName, out var dtype))
            throw Bad($"unknown dtype '{dtypeName}'");

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
            throw Bad($"data_offsets [{begin},{end}] span {end - begin} bytes but {dtypeName} {CheckpointTensor.FormatShape(shape)} needs {expectedBytes}");

        return new CheckpointTensor(name, dtype, shape, data.Slice((int)begin, (int)(end - begin)).ToArray());
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
