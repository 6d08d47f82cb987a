using System.IO.Compression;
using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

/// <summary>Loads the real SwinIR checkpoints written by torch.save in the golden fixtures (tests/fixtures/golden).</summary>
public sealed class GoldenCheckpointTests
{
    /// <summary>Model names from index.json; a missing fixture directory becomes one failing case instead of no cases.</summary>
    public static TheoryData<string> ModelNames()
    {
        var data = new TheoryData<string>();
        if (GoldenFixtures.DirectoryOrNull is null)
        {
            data.Add("<golden fixtures not found: expected tests/fixtures/golden in the repository>");
            return data;
        }
        foreach (var model in GoldenFixtures.Models()) data.Add(model.Name);
        return data;
    }

    private static GoldenModel Model(string name) =>
        GoldenFixtures.Models().SingleOrDefault(m => m.Name == name)
        ?? throw new InvalidOperationException($"model '{name}' is not in the golden index (fixtures: {GoldenFixtures.DirectoryOrNull ?? "not found"})");

    [Fact]
    public void IndexListsTheExpectedModels()
    {
        var names = GoldenFixtures.Models().Select(m => m.Name).ToList();
        Assert.Contains("tiny_classical_x4", names);
        Assert.Contains("tiny_color_dn", names);
        Assert.Contains("tiny_classical_x2_3conv", names);
        Assert.Contains("lightweight_x2_full", names);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void AutoDetectedWrapKey_MatchesIndex(string name)
    {
        var model = Model(name);
        var sd = Checkpoint.Load(model.CheckpointPath);

        Assert.Equal(model.WrapKey, sd.WrapKey);
        Assert.False(sd.ModulePrefixStripped);
        Assert.Equal(model.CheckpointPath, sd.SourcePath);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void TensorsHaveSwinIrShapesAndSaneValues(string name)
    {
        var model = Model(name);
        var sd = Checkpoint.Load(model.CheckpointPath);
        long window = model.WindowSize, tokens = window * window;

        Assert.Equal([model.EmbedDim, model.InChans, 3, 3], sd["conv_first.weight"].Shape);
        Assert.Equal([model.EmbedDim], sd["conv_first.bias"].Shape);

        // Shifted-window blocks carry the attention mask: [windows, tokens, tokens] with values 0 or -100.
        var mask = sd["layers.0.residual_group.blocks.1.attn_mask"];
        long windows = (model.ImgSize / window) * (model.ImgSize / window);
        Assert.Equal([windows, tokens, tokens], mask.Shape);
        float[] maskValues = mask.ToArray<float>();
        Assert.All(maskValues, v => Assert.True(v == 0f || v == -100f, $"mask value {v}"));
        Assert.Contains(-100f, maskValues);

        // relative_position_index is an int64 buffer of indices into the (2w-1)^2 bias table.
        var index = sd["layers.0.residual_group.blocks.1.attn.relative_position_index"];
        Assert.Equal(TensorDType.Int64, index.DType);
        Assert.Equal([tokens, tokens], index.Shape);
        long[] indices = index.ToArray<long>();
        for (long i = 0; i < tokens; i++)
            for (long j = 0; j < tokens; j++)
            {
                long rowOffset = i / window - j / window + window - 1, columnOffset = i % window - j % window + window - 1;
                Assert.Equal(rowOffset * (2 * window - 1) + columnOffset, indices[i * tokens + j]);
            }
        int blocks = model.Depths.Sum();
        Assert.Equal(blocks, sd.Keys.Count(k => k.EndsWith(".attn.relative_position_index", StringComparison.Ordinal)));

        foreach (var tensor in sd.Values.Where(t => !t.Name.EndsWith(".relative_position_index", StringComparison.Ordinal)))
        {
            Assert.True(tensor.DType == TensorDType.Float32, $"{tensor.Name} is {tensor.DType}");
            Assert.Equal(tensor.ElementCount * 4, tensor.Data.Length);
            Assert.All(tensor.ToArray<float>(), v => Assert.True(float.IsFinite(v), $"{tensor.Name} has {v}"));
        }
        Assert.Contains(sd["conv_first.weight"].ToArray<float>(), v => v != 0f);
    }

    [Fact]
    public void ContiguousTensor_EqualsItsRawStorageEntry()
    {
        string path = GoldenFixtures.PathOf("tiny_classical_x4.pth");
        byte[] raw;
        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.GetEntry("tiny_classical_x4/data/0")!;  // conv_first.weight's storage
            using var stream = entry.Open();
            raw = new byte[entry.Length];
            stream.ReadExactly(raw);
        }

        var conv = Checkpoint.Load(path)["conv_first.weight"];

        Assert.Equal(raw, conv.Data);
    }

    [Fact]
    public void FullSizeLightweightCheckpoint_HasEveryParameterOfItsConfig()
    {
        var model = Model("lightweight_x2_full");
        var sd = Checkpoint.Load(model.CheckpointPath);

        Assert.Equal("params", sd.WrapKey);
        Assert.Equal([model.EmbedDim, model.InChans, 3, 3], sd["conv_first.weight"].Shape);
        for (int layer = 0; layer < model.Depths.Length; layer++)
            for (int block = 0; block < model.Depths[layer]; block++)
                Assert.True(sd.ContainsKey($"layers.{layer}.residual_group.blocks.{block}.attn.qkv.weight"), $"layer {layer} block {block}");
        Assert.Equal([3L * model.EmbedDim, model.EmbedDim], sd["layers.0.residual_group.blocks.0.attn.qkv.weight"].Shape);
    }
}
