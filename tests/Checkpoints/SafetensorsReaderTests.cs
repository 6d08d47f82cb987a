using System.Buffers.Binary;
using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

public sealed class SafetensorsReaderTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string fileName, string headerJson, byte[] data) =>
        SafetensorsFile.Write(_temp.File(fileName), headerJson, data);

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

    /// <summary>Three F32 tensors a [2], b [1], c [3] over a 24-byte buffer, with the given offsets.</summary>
    private string WriteThree(string a, string b, string c, int dataBytes = 24) => Write("three.safetensors", $$$"""
        {"a": {"dtype": "F32", "shape": [2], "data_offsets": {{{a}}}},
         "b": {"dtype": "F32", "shape": [1], "data_offsets": {{{b}}}},
         "c": {"dtype": "F32", "shape": [3], "data_offsets": {{{c}}}}}
        """, new byte[dataBytes]);

    [Fact]
    public void OffsetsInAnyHeaderOrder_ThatTileTheBuffer_Load()
    {
        byte[] data = TestBytes.Floats(1, 2, 3, 4, 5, 6);
        string path = Write("order.safetensors", """
            {"c": {"dtype": "F32", "shape": [3], "data_offsets": [12, 24]},
             "empty": {"dtype": "F32", "shape": [0], "data_offsets": [8, 8]},
             "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}
            """, data);

        var sd = Checkpoint.Load(path);

        Assert.Equal(["c", "empty", "a", "b"], sd.Keys);
        Assert.Equal([4f, 5f, 6f], sd["c"].ToArray<float>());
        Assert.Equal([1f, 2f], sd["a"].ToArray<float>());
        Assert.Equal([3f], sd["b"].ToArray<float>());
        Assert.Empty(sd["empty"].Data);
    }

    [Fact]
    public void OverlappingOffsets_AreRejectedNamingBothTensors()
    {
        // b's 4 bytes lie inside a's 8: the reference reader refuses this; read naively it gives b = a[1].
        string path = WriteThree("[0, 8]", "[4, 8]", "[8, 20]", dataBytes: 20);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Equal($"cannot load checkpoint '{path}': safetensors tensor 'b': data_offsets [4,8] overlap tensor 'a' at [0,8]", ex.Message);
    }

    [Fact]
    public void TwoTensorsOnTheSameBytes_AreRejected()
    {
        string path = Write("alias.safetensors", """
            {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "b": {"dtype": "I32", "shape": [2], "data_offsets": [0, 8]}}
            """, new byte[8]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("safetensors tensor 'b': data_offsets [0,8] overlap tensor 'a' at [0,8]", ex.Message);
    }

    [Fact]
    public void GapBetweenTensors_IsRejected()
    {
        string path = WriteThree("[0, 8]", "[12, 16]", "[16, 28]", dataBytes: 28);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Equal($"cannot load checkpoint '{path}': safetensors tensor 'b': data_offsets [12,16] leave a gap after tensor 'a' at [0,8]", ex.Message);
    }

    [Fact]
    public void FirstTensorNotAtZero_IsRejected()
    {
        string path = WriteThree("[4, 12]", "[12, 16]", "[16, 28]", dataBytes: 28);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("safetensors tensor 'a': data_offsets [4,12] leave bytes [0,4] of the data buffer unused", ex.Message);
    }

    [Fact]
    public void TrailingBytesAfterTheLastTensor_AreRejected()
    {
        string path = WriteThree("[0, 8]", "[8, 12]", "[12, 24]", dataBytes: 32);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("safetensors tensors end at byte 24 (tensor 'c') but the data buffer holds 32 bytes", ex.Message);
    }

    [Fact]
    public void NoTensorsButData_IsRejected()
    {
        string path = Write("none.safetensors", """{"__metadata__": {"format": "pt"}}""", new byte[4]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("safetensors header has no tensors but the data buffer holds 4 bytes", ex.Message);
    }

    [Fact]
    public void SizeNotDtypeTimesElementCount_IsRejectedEvenWhenTheRangesTile()
    {
        // [2] F16 needs 4 bytes; the ranges [0,8] and [8,12] tile the 12-byte buffer.
        string path = Write("size.safetensors", """
            {"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 8]},
             "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}
            """, new byte[12]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("safetensors tensor 'a': data_offsets [0,8] span 8 bytes but F16 [2] needs 4", ex.Message);
    }

    [Fact]
    public void DuplicateTensorName_IsRejected()
    {
        string path = Write("dup.safetensors", """
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
             "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
            """, new byte[8]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("safetensors tensor 'a' appears twice in the header", ex.Message);
    }
}
