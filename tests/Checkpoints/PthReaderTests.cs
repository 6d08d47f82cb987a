using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

public sealed class PthReaderTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly float[] Ramp24 = TestBytes.Ramp(24);

    [Fact]
    public void RoundTrip_ContiguousStridedOffsetBroadcastScalarAndEmptyTensors()
    {
        byte[] pickle = PickleBuilder.StateDict(
            ("conv.weight", p => p.RebuildTensor("FloatStorage", "0", 24, 0, [2, 3], [3, 1])),
            ("transposed", p => p.RebuildTensor("FloatStorage", "0", 24, 2, [3, 4], [1, 5])),
            ("stepped", p => p.RebuildTensor("LongStorage", "1", 6, 1, [3], [2])),
            ("half_scalar", p => p.RebuildTensor("HalfStorage", "2", 3, 2, [], [])),
            ("broadcast", p => p.RebuildTensor("FloatStorage", "0", 24, 7, [2, 3], [0, 1])),
            ("empty", p => p.RebuildTensor("FloatStorage", "0", 24, 0, [0, 3], [3, 1])));
        string path = _temp.File("handmade.pth");
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]>
        {
            ["0"] = TestBytes.Floats(Ramp24),
            ["1"] = TestBytes.Longs(10, 11, -5_000_000_000, 13, 14, 15),
            ["2"] = TestBytes.Halves(1.5f, -2.25f, 65504f),
        });

        var sd = Checkpoint.Load(path);

        Assert.Null(sd.WrapKey);
        Assert.Equal(path, sd.SourcePath);
        Assert.Equal(["conv.weight", "transposed", "stepped", "half_scalar", "broadcast", "empty"], sd.Keys);

        var conv = sd["conv.weight"];
        Assert.Equal(TensorDType.Float32, conv.DType);
        Assert.Equal([2L, 3], conv.Shape);
        Assert.Equal(Ramp24[..6], conv.ToArray<float>());

        var transposed = sd["transposed"];
        Assert.Equal([3L, 4], transposed.Shape);
        var expectedTransposed = new List<float>();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                expectedTransposed.Add(Ramp24[2 + i + 5 * j]);
        Assert.Equal(expectedTransposed, transposed.ToArray<float>());

        var stepped = sd["stepped"];
        Assert.Equal(TensorDType.Int64, stepped.DType);
        Assert.Equal([11L, 13, 15], stepped.ToArray<long>());

        var scalar = sd["half_scalar"];
        Assert.Equal(TensorDType.Float16, scalar.DType);
        Assert.Empty(scalar.Shape);
        Assert.Equal([65504f], scalar.ToSingleArray());

        Assert.Equal([Ramp24[7], Ramp24[8], Ramp24[9], Ramp24[7], Ramp24[8], Ramp24[9]], sd["broadcast"].ToArray<float>());

        Assert.Equal([0L, 3], sd["empty"].Shape);
        Assert.Empty(sd["empty"].Data);
    }

    [Fact]
    public void Protocol4_FrameMemoizeStackGlobalAndRebuildParameter_AreUnderstood()
    {
        // {'a': Parameter(tensor), 'b': Parameter(tensor)} as a plain dict, the way protocol 4 writes it.
        var p = new PickleBuilder().Proto(4).Op(0x95, 0, 0, 0, 0, 0, 0, 0, 0).EmptyDict().Memoize()  // memo 0
            .ShortUnicode("a").Memoize()                                                             // memo 1
            .StackGlobal("torch._utils", "_rebuild_parameter").Memoize()                             // memo 2
            .Mark().RebuildTensor("FloatStorage", "0", 4, 0, [4], [1]).Op(0x88).NewOrderedDict().Tuple().Reduce()
            .SetItem()
            .ShortUnicode("b").BinGet(2)
            .Mark().RebuildTensor("DoubleStorage", "1", 2, 1, [1], [1]).False().NewOrderedDict().Tuple().Reduce()
            .SetItem()
            .Stop();
        string path = _temp.File("proto4.pth");
        TorchZipWriter.Write(path, p.ToArray(), new Dictionary<string, byte[]>
        {
            ["0"] = TestBytes.Floats(1f, 2f, 3f, 4f),
            ["1"] = TestBytes.Doubles(0.25, -7.5),
        }, prefix: "my_model", byteOrder: null);

        var sd = Checkpoint.Load(path);

        Assert.Equal([1f, 2f, 3f, 4f], sd["a"].ToArray<float>());
        Assert.Equal(TensorDType.Float64, sd["b"].DType);
        Assert.Equal([-7.5], sd["b"].ToArray<double>());
    }

    [Fact]
    public void BigEndianByteOrder_IsConvertedToLittleEndian()
    {
        byte[] pickle = PickleBuilder.StateDict(("w", p => p.RebuildTensor("FloatStorage", "0", 3, 0, [3], [1])));
        string path = _temp.File("big.pth");
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = TestBytes.FloatsBigEndian(1.5f, -2f, 1e-3f) },
            byteOrder: "big");

        Assert.Equal([1.5f, -2f, 1e-3f], Checkpoint.Load(path)["w"].ToArray<float>());
    }

    [Fact]
    public void MissingStorageEntry_IsReportedWithItsName()
    {
        byte[] pickle = PickleBuilder.StateDict(
            ("a", p => p.RebuildTensor("FloatStorage", "0", 2, 0, [2], [1])),
            ("b", p => p.RebuildTensor("FloatStorage", "1", 2, 0, [2], [1])));
        string path = _temp.File("missing.pth");
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = TestBytes.Floats(1, 2) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("archive/data/1", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Theory]
    [InlineData(4, 0, new long[] { 5 }, new long[] { 1 })]        // more elements than the storage holds
    [InlineData(4, 1, new long[] { 2, 2 }, new long[] { 3, 1 })]  // strides reach index 5 of 4
    [InlineData(4, 4, new long[] { 1 }, new long[] { 1 })]        // offset at the end
    public void ViewOutsideStorage_IsRejected(long numel, long offset, long[] size, long[] stride)
    {
        byte[] pickle = PickleBuilder.StateDict(("w", p => p.RebuildTensor("FloatStorage", "0", numel, offset, size, stride)));
        string path = _temp.File("small.pth");
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = TestBytes.Floats(1, 2, 3, 4) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("too small", ex.Message);
        Assert.Contains("data/0", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void StorageEntryShorterThanDeclaredNumel_IsRejected()
    {
        byte[] pickle = PickleBuilder.StateDict(("w", p => p.RebuildTensor("FloatStorage", "0", 10, 0, [2], [1])));
        string path = _temp.File("short.pth");
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = TestBytes.Floats(1, 2) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("holds 8 bytes", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void UnknownOpcode_IsReportedWithHexCodeAndOffset()
    {
        string path = _temp.File("corrupt.pth");
        TorchZipWriter.Write(path, new PickleBuilder().Proto(2).Op(0xFF).Stop().ToArray(), new Dictionary<string, byte[]>());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("opcode 0xFF at offset 2", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void PickleCutShort_IsACheckpointException()
    {
        byte[] pickle = PickleBuilder.StateDict(("w", p => p.RebuildTensor("FloatStorage", "0", 2, 0, [2], [1])));
        string path = _temp.File("cut.pth");
        TorchZipWriter.Write(path, pickle[..(pickle.Length / 2)], new Dictionary<string, byte[]> { ["0"] = TestBytes.Floats(1, 2) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("data.pkl of " + path, ex.Message);
    }

    [Fact]
    public void StackUnderflow_IsACheckpointException()
    {
        string path = _temp.File("underflow.pth");
        TorchZipWriter.Write(path, new PickleBuilder().Proto(2).SetItem().Stop().ToArray(), new Dictionary<string, byte[]>());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("opcode 0x73 at offset 2", ex.Message);
        Assert.Contains("stack underflow", ex.Message);
    }

    [Theory]
    [InlineData("os", "system", false)]
    [InlineData("builtins", "eval", false)]
    [InlineData("__builtin__", "getattr", false)]
    [InlineData("posix", "system", true)]
    [InlineData("torch", "load", true)]
    public void ForbiddenGlobal_IsRejectedByNameAndNothingRuns(string module, string name, bool viaStackGlobal)
    {
        string marker = _temp.File("pwned");
        var p = new PickleBuilder().Proto(viaStackGlobal ? (byte)4 : (byte)2);
        if (viaStackGlobal) p.StackGlobal(module, name); else p.Global(module, name);
        byte[] pickle = p.Unicode($"touch {marker}").Tuple1().Reduce().Stop().ToArray();
        string path = _temp.File("evil.pth");
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]>());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Equal($"forbidden global '{module}.{name}' in data.pkl of {path}", ex.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void ForbiddenGlobal_AfterValidTensors_IsStillRejected()
    {
        byte[] pickle = PickleBuilder.StateDict(
            ("ok", p => p.RebuildTensor("FloatStorage", "0", 2, 0, [2], [1])),
            ("evil", p => p.Global("subprocess", "check_output").Mark().Unicode("id").Tuple().Reduce()));
        string path = _temp.File("mixed.pth");
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = TestBytes.Floats(1, 2) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("forbidden global 'subprocess.check_output'", ex.Message);
    }

    [Fact]
    public void ZipWithoutDataPkl_IsRejected()
    {
        string path = _temp.File("nopkl.pth");
        using (var zip = new System.IO.Compression.ZipArchive(File.Create(path), System.IO.Compression.ZipArchiveMode.Create))
            zip.CreateEntry("readme.txt");

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("data.pkl", ex.Message);
        Assert.Contains(path, ex.Message);
    }
}
