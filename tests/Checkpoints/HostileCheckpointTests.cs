using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using SwinBench.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace SwinBench.Tests.Checkpoints;

/// <summary>
/// Checkpoints built to cost memory or to confuse the reader: expanded views far larger than their storage, 64-bit
/// sizes and offsets, persistent ids of other kinds. Each must give a one-line <see cref="CheckpointException"/> that
/// names the problem, or load correctly, without allocating in proportion to what the file merely claims.
/// </summary>
public sealed class HostileCheckpointTests : IDisposable
{
    private const long AllocationBound = 64L << 20;

    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>fc.weight [2,3] and fc.bias [2].</summary>
    private sealed class LinearNet : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _fc = nn.Linear(3, 2);

        public LinearNet() : base(nameof(LinearNet)) => register_module("fc", _fc);

        public override Tensor forward(Tensor input) => _fc.forward(input);
    }

    private string WritePth(string fileName, byte[] pickle, Dictionary<string, byte[]> storages)
    {
        string path = _temp.File(fileName);
        TorchZipWriter.Write(path, pickle, storages);
        return path;
    }

    [Fact]
    public void ExpandedViewsOfATinyStorage_AreRefusedByShapeWithoutMaterializing()
    {
        // Two zero-stride views of a single float that claim 2 GB each (16384 x 32767 and 2^29 floats).
        byte[] pickle = PickleBuilder.StateDict(
            ("fc.weight", p => p.RebuildTensor("FloatStorage", "0", 1, 0, [16384, 32767], [0, 0])),
            ("fc.bias", p => p.RebuildTensor("FloatStorage", "0", 1, 0, [1L << 29], [0])));
        string path = WritePth("expanded.pth", pickle, new() { ["0"] = TestBytes.Floats(1f) });
        using var model = new LinearNet();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(model, Checkpoint.Load(path)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal($"checkpoint {path} does not match the model: 2 shape mismatches " +
                     "(fc.weight checkpoint [16384,32767] vs model [2,3], fc.bias checkpoint [536870912] vs model [2])", ex.Message);
        Assert.True(allocated < AllocationBound, $"loading allocated {allocated} bytes");
    }

    [Fact]
    public void ExpandedViewsThatFitTheModel_LoadTheBroadcastValues()
    {
        byte[] pickle = PickleBuilder.StateDict(
            ("fc.weight", p => p.RebuildTensor("FloatStorage", "0", 3, 0, [2, 3], [0, 1])),
            ("fc.bias", p => p.RebuildTensor("FloatStorage", "0", 3, 2, [2], [0])));
        string path = WritePth("broadcast.pth", pickle, new() { ["0"] = TestBytes.Floats(1.5f, -2f, 4f) });
        using var model = new LinearNet();

        var report = StateDictLoader.Load(model, Checkpoint.Load(path));

        Assert.Equal(2, report.LoadedCount);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(new[] { 1.5f, -2f, 4f, 1.5f, -2f, 4f }, parameters["fc.weight"].data<float>().ToArray());
        Assert.Equal(new[] { 4f, 4f }, parameters["fc.bias"].data<float>().ToArray());
    }

    [Fact]
    public void ExpandedViewTooLargeForOneArray_LoadsAsAViewAndFailsClearlyWhenRead()
    {
        byte[] pickle = PickleBuilder.StateDict(("huge", p => p.RebuildTensor("FloatStorage", "0", 1, 0, [1L << 20, 1L << 20], [0, 0])));
        string path = WritePth("huge.pth", pickle, new() { ["0"] = TestBytes.Floats(1f) });

        long before = GC.GetAllocatedBytesForCurrentThread();
        var sd = Checkpoint.Load(path);
        var ex = Assert.Throws<CheckpointException>(() => sd["huge"].Data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1L << 40, sd["huge"].ElementCount);
        Assert.Equal($"cannot load checkpoint '{path}': tensor 'huge' on storage data/0 with shape [1048576,1048576], stride [0,0], " +
                     "storage offset 0 has 1099511627776 elements, too many to load into one array", ex.Message);
        Assert.True(allocated < AllocationBound, $"loading allocated {allocated} bytes");
    }

    [Fact]
    public void PickleIntegersBeyond32Bits_AreDecodedAs64BitValues()
    {
        // LONG1 (as torch writes ints that do not fit BININT) and the text LONG opcode.
        byte[] pickle = new PickleBuilder().Proto(2).Mark()
            .Int(1L << 31).Int(-(1L << 31) - 1).Int(5_000_000_000).Int(long.MaxValue).Int(long.MinValue)
            .Op((byte)'L').Op("12000000000L\n"u8.ToArray())
            .Op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1)  // LONG1 of 9 bytes: 2^64, beyond 64 bits
            .Tuple().Stop().ToArray();
        var host = new TorchPickleHost("test.pth", _ => throw new InvalidOperationException("no storages here"));

        var result = Assert.IsType<PyTuple>(new Unpickler(pickle, host.Where, host).Load());

        Assert.Equal(new object[] { 1L << 31, -(1L << 31) - 1, 5_000_000_000L, long.MaxValue, long.MinValue, 12_000_000_000L },
            result.Items.Take(6).ToArray());
        Assert.Equal(BigInteger.One << 64, result[6]);
    }

    [Fact]
    public void StorageLargerThan2GB_IsComparedWithItsEntryIn64Bits()
    {
        byte[] pickle = PickleBuilder.StateDict(("w", p => p.RebuildTensor("FloatStorage", "0", 3_000_000_000, 0, [2], [1])));
        string path = WritePth("numel.pth", pickle, new() { ["0"] = TestBytes.Floats(1, 2) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Equal($"cannot load checkpoint '{path}': storage entry 'archive/data/0' holds 8 bytes but data.pkl declares " +
                     "3000000000 Float32 elements (12000000000 bytes)", ex.Message);
    }

    [Fact]
    public void StorageOffsetBeyond2GB_IsReportedAgainstTheStorageSize()
    {
        byte[] pickle = PickleBuilder.StateDict(("w", p => p.RebuildTensor("FloatStorage", "0", 4, 5_000_000_000, [2], [1])));
        string path = WritePth("offset.pth", pickle, new() { ["0"] = TestBytes.Floats(1, 2, 3, 4) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Equal($"cannot load checkpoint '{path}': storage data/0 is too small (4 elements) for a tensor with shape [2], " +
                     "stride [1], storage offset 5000000000 (needs 5000000002)", ex.Message);
    }

    [Fact]
    public void StorageOffsetBeyond64Bits_IsNamedAsSuch()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Unicode("w").Global("torch._utils", "_rebuild_tensor_v2").Mark();
        p.Mark().Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(2).Tuple().BinPersId();
        p.Op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1).IntTuple([2]).IntTuple([1]).False().NewOrderedDict().Tuple().Reduce();
        byte[] pickle = p.SetItem().Stop().ToArray();
        string path = WritePth("offset64.pth", pickle, new() { ["0"] = TestBytes.Floats(1, 2) });

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Equal($"_rebuild_tensor_v2 storage offset is 18446744073709551616, expected a 64-bit int in data.pkl of {path}", ex.Message);
    }

    [Theory]
    [InlineData("tuple")]
    [InlineData("string")]
    public void UnsupportedPersistentId_IsNamed(string form)
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Unicode("w");
        if (form == "tuple") p.Unicode("xyz").Tuple1(); else p.Unicode("xyz");
        byte[] pickle = p.BinPersId().SetItem().Stop().ToArray();
        string path = WritePth("persid.pth", pickle, new());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        string id = form == "tuple" ? "('xyz',)" : "'xyz'";
        Assert.Equal($"unsupported persistent id {id} in data.pkl of {path} " +
                     "(expected ('storage', storage type, key, location, element count))", ex.Message);
    }

    [Fact]
    public void PersistentIdWithAnotherType_IsNamed()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Unicode("w");
        p.Mark().Unicode("storage").Global("collections", "OrderedDict").Unicode("0").Unicode("cpu").Int(2).Tuple().BinPersId();
        byte[] pickle = p.SetItem().Stop().ToArray();
        string path = WritePth("persid_type.pth", pickle, new());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Equal($"persistent id ('storage', collections.OrderedDict, '0', 'cpu', 2) names collections.OrderedDict, not a storage type " +
                     $"in data.pkl of {path} (expected ('storage', storage type, key, location, element count))", ex.Message);
    }

    [Theory]
    [InlineData("archive/data/0")]
    [InlineData("archive/data.pkl")]
    public void EntryClaimingFarMoreBytesThanItHolds_IsRefusedWithoutAllocatingTheClaim(string entryName)
    {
        byte[] pickle = PickleBuilder.StateDict(("w", p => p.RebuildTensor("FloatStorage", "0", 2, 0, [2], [1])));
        string path = WritePth("claims.pth", pickle, new() { ["0"] = TestBytes.Floats(1, 2) });
        byte[] bytes = File.ReadAllBytes(path);
        SetUncompressedSize(bytes, entryName, 0x7FFF_0000);
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains($"entry '{entryName}' ends after", ex.Message);
        Assert.Contains("of its declared 2147418112 bytes", ex.Message);
        Assert.True(allocated < AllocationBound, $"loading allocated {allocated} bytes");
    }

    /// <summary>Overwrites the uncompressed size in the central directory record of <paramref name="entryName"/>.</summary>
    private static void SetUncompressedSize(byte[] zip, string entryName, uint size)
    {
        byte[] name = Encoding.ASCII.GetBytes(entryName);
        for (int at = 0; at + 46 <= zip.Length; at++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) != 0x02014b50) continue;  // central file header
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
            if (!zip.AsSpan(at + 46, nameLength).SequenceEqual(name)) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at + 24), size);
            return;
        }
        throw new InvalidOperationException($"no central directory record for {entryName}");
    }
}
