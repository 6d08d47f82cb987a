using System.Buffers.Binary;
using System.Text;
using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

public sealed class SafetensorsReaderTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Writes the 8-byte header length, the JSON header (padded with spaces to 8 bytes) and the data buffer.</summary>
    private string Write(string fileName, string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        int padded = (header.Length + 7) / 8 * 8;
        using var stream = new MemoryStream();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(header);
        stream.Write(Enumerable.Repeat((byte)' ', padded - header.Length).ToArray());
        stream.Write(data);
        string path = _temp.File(fileName);
        File.WriteAllBytes(path, stream.ToArray());
        return path;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void ReadsValuesDtypesAndShapesInHeaderOrder()
    {
        byte[] data = Concat(TestBytes.Floats(1f, -2f, 3.5f, 4f, 5f, 6f), TestBytes.Longs(-1, 7), TestBytes.Halves(0.5f));
        string path = Write("model.safetensors", """
            {"__metadata__": {"format": "pt"},
             "conv.weight": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
             "index": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]},
             "scale": {"dtype": "F16", "shape": [], "data_offsets": [40, 42]}}
            """, data);

        var sd = Checkpoint.Load(path);

        Assert.Null(sd.WrapKey);
        Assert.Equal(["conv.weight", "index", "scale"], sd.Keys);
        Assert.Equal([2L, 3], sd["conv.weight"].Shape);
        Assert.Equal([1f, -2f, 3.5f, 4f, 5f, 6f], sd["conv.weight"].ToArray<float>());
        Assert.Equal(TensorDType.Int64, sd["index"].DType);
        Assert.Equal([-1L, 7], sd["index"].ToArray<long>());
        Assert.Equal([0.5f], sd["scale"].ToSingleArray());
    }

    [Fact]
    public void IsDetectedByHeaderWithoutTheExtension()
    {
        string path = Write("weights.bin", """{"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}""",
            [0x80, 0x3f, 0x00, 0xc0]);  // bfloat16 1.0 and -2.0

        var sd = Checkpoint.Load(path);

        Assert.Equal(TensorDType.BFloat16, sd["w"].DType);
        Assert.Equal([1f, -2f], sd["w"].ToSingleArray());
    }

    [Theory]
    [InlineData("[0, 40]", "outside")]   // past the end of the 24-byte buffer
    [InlineData("[8, 4]", "outside")]    // begin after end
    [InlineData("[0, 20]", "needs 24")]  // wrong size for F32 [2,3]
    public void BadDataOffsets_AreRejected(string offsets, string expected)
    {
        string path = Write("bad.safetensors",
            $$$"""{"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": {{{offsets}}}}}""", TestBytes.Floats(1, 2, 3, 4, 5, 6));

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("'w'", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void HeaderLengthPastEndOfFile_IsRejected()
    {
        string path = _temp.File("short.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        bytes[8] = (byte)'{';
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("header length 1000 runs past the end", ex.Message);
    }

    [Fact]
    public void UnknownDtype_IsRejected()
    {
        string path = Write("fp8.safetensors", """{"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}""", [0]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("unknown dtype 'F8_E4M3'", ex.Message);
    }

    [Fact]
    public void InvalidJson_IsRejected()
    {
        string path = Write("json.safetensors", """{"w": {"dtype": """, []);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("not valid JSON", ex.Message);
    }
}
