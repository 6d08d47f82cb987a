using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SwinBench.Tests.Checkpoints;

/// <summary>One header entry of a safetensors file: name, dtype string (e.g. <c>F32</c>), shape and byte range.</summary>
internal sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>Writes safetensors files for tests: 8-byte header length, JSON header padded with spaces, data buffer.</summary>
internal static class SafetensorsFile
{
    /// <summary>Bytes per element of the safetensors dtypes the reader knows.</summary>
    public static readonly IReadOnlyDictionary<string, int> ElementSizes = new Dictionary<string, int>
    {
        ["F64"] = 8, ["I64"] = 8, ["F32"] = 4, ["I32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I16"] = 2,
        ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    public static byte[] Bytes(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    public static string Write(string path, string headerJson, byte[] data)
    {
        File.WriteAllBytes(path, Bytes(headerJson, data));
        return path;
    }

    /// <summary>The JSON header for the entries, in the given order, with a <c>__metadata__</c> object first.</summary>
    public static string Header(IEnumerable<SafetensorsEntry> entries)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.DType);
                json.WriteStartArray("shape");
                foreach (long d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(e.Begin);
                json.WriteNumberValue(e.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
