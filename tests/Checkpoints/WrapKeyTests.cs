using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

/// <summary>Wrap-key auto-detection, explicit wrap keys and DataParallel prefix stripping.</summary>
public sealed class WrapKeyTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Writes a checkpoint whose top-level dict has the given entries. Each tensor entry is a state dict with one
    /// Float32 tensor <c>&lt;prefix&gt;w</c> of shape [2] reading storage elements [2*i, 2*i+1] (i = entry index).
    /// </summary>
    private string Write(string fileName, params (string Key, Action<PickleBuilder> Value)[] entries)
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark();
        foreach (var (key, value) in entries)
        {
            p.Unicode(key);
            value(p);
        }
        string path = _temp.File(fileName);
        TorchZipWriter.Write(path, p.SetItems().Stop().ToArray(),
            new Dictionary<string, byte[]> { ["0"] = TestBytes.Floats(0, 1, 2, 3, 4, 5, 6, 7) });
        return path;
    }

    private static Action<PickleBuilder> StateDictWith(string name, int slot) => p =>
        p.NewOrderedDict().Unicode(name).RebuildTensor("FloatStorage", "0", 8, 2 * slot, [2], [1]).SetItem();

    private static Action<PickleBuilder> Tensor(int slot) => p => p.RebuildTensor("FloatStorage", "0", 8, 2 * slot, [2], [1]);

    [Fact]
    public void BothParamsAndParamsEma_PrefersParamsEma_UnlessParamsIsRequested()
    {
        string path = Write("both.pth", ("params", StateDictWith("w", 0)), ("params_ema", StateDictWith("w", 1)));

        var auto = Checkpoint.Load(path);
        Assert.Equal("params_ema", auto.WrapKey);
        Assert.Equal([2f, 3f], auto["w"].ToArray<float>());

        var explicitParams = Checkpoint.Load(path, "params");
        Assert.Equal("params", explicitParams.WrapKey);
        Assert.Equal([0f, 1f], explicitParams["w"].ToArray<float>());
    }

    [Fact]
    public void StateDictKey_NextToNonTensorEntries_IsFound()
    {
        string path = Write("training.pth",
            ("epoch", p => p.Int(17)),
            ("arch", p => p.Unicode("swinir")),
            ("optimizer", p => p.EmptyDict().Int(0).EmptyDict().Unicode("lr").Op((byte)'G', 0x3f, 0x1a, 0x36, 0xe2, 0xeb, 0x1c, 0x43, 0x2d).SetItem().SetItem()),
            ("state_dict", StateDictWith("layer.weight", 3)));

        var sd = Checkpoint.Load(path);

        Assert.Equal("state_dict", sd.WrapKey);
        Assert.Equal(["layer.weight"], sd.Keys);
        Assert.Equal([6f, 7f], sd["layer.weight"].ToArray<float>());
    }

    [Fact]
    public void ExplicitWrapKeyAbsent_ListsPresentKeys()
    {
        string path = Write("params.pth", ("params", StateDictWith("w", 0)), ("iter", p => p.Int(5)));

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, "params_ema"));

        Assert.Contains("'params_ema' not found", ex.Message);
        Assert.Contains("top-level keys: 'params', 'iter'", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void ExplicitWrapKeyAbsent_InGoldenCheckpoint_ListsParams()
    {
        string path = GoldenFixtures.PathOf("tiny_classical_x4.pth");

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, "model"));

        Assert.Contains("'model' not found", ex.Message);
        Assert.Contains("'params'", ex.Message);
    }

    [Fact]
    public void DataParallelPrefix_IsStrippedWhenEveryKeyHasIt()
    {
        string path = Write("dp.pth", ("module.conv.weight", Tensor(0)), ("module.conv.bias", Tensor(1)));

        var sd = Checkpoint.Load(path);

        Assert.True(sd.ModulePrefixStripped);
        Assert.Equal(["conv.weight", "conv.bias"], sd.Keys);
        Assert.Equal([2f, 3f], sd["conv.bias"].ToArray<float>());
    }

    [Fact]
    public void DataParallelPrefix_IsKeptWhenOnlySomeKeysHaveIt()
    {
        string path = Write("partial.pth", ("module.conv.weight", Tensor(0)), ("head.bias", Tensor(1)));

        var sd = Checkpoint.Load(path);

        Assert.False(sd.ModulePrefixStripped);
        Assert.Equal(["module.conv.weight", "head.bias"], sd.Keys);
    }

    [Fact]
    public void NoWrapKeyAndNonTensorValues_IsAnErrorListingKeys()
    {
        string path = Write("odd.pth", ("w", Tensor(0)), ("note", p => p.Unicode("hi")));

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("no state dict found", ex.Message);
        Assert.Contains("'w', 'note'", ex.Message);
    }
}
