using SwinBench.Fixtures;
using SwinBench.IO;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Tests;

/// <summary>The golden fixtures (official SwinIR outputs) as xunit data; tests fail loudly when they are missing.</summary>
public static class Golden
{
    public static string Dir => RepoPaths.GoldenDir
        ?? throw new DirectoryNotFoundException(
            $"golden fixtures not found: expected {RepoPaths.RepoGoldenDir} in the repository (or $SWINBENCH_SHARED/fixtures/golden)");

    private static readonly Lazy<IReadOnlyList<GoldenModel>> _models = new(() => GoldenIndex.Load(Dir));

    public static IReadOnlyList<GoldenModel> Models => _models.Value;

    public static GoldenModel Model(string name) => Models.Single(m => m.Name == name);

    /// <summary>
    /// max |y − official| of the model built with <paramref name="options"/> from the fixture's checkpoint (never a random
    /// init) on the case's input, on the CPU; asserts the output shape.
    /// </summary>
    public static float MaxDiff(GoldenModel m, GoldenCase c, ModelOptions options)
    {
        using var x = ArrayFiles.ReadNchw(c.Input);
        using var expected = ArrayFiles.ReadNchw(c.Output);
        Assert.Equal(c.OutShape, expected.shape);
        var (net, weights) = ModelFactory.Create(m.Config, options, m.Checkpoint, m.WrapKey);
        Assert.False(weights.IsRandom);
        using (net)
        using (no_grad())
        {
            net.eval();
            using var y = net.forward(x);
            Assert.Equal(c.OutShape, y.shape);
            return (y - expected).abs().max().item<float>();
        }
    }

    /// <summary>(model name, case index) for every case.</summary>
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var m in Models)
            for (var i = 0; i < m.Cases.Count; i++) data.Add(m.Name, i);
        return data;
    }
}
