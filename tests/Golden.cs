using SwinBench.Fixtures;

namespace SwinBench.Tests;

/// <summary>The golden fixtures (official SwinIR outputs) as xunit data; tests fail loudly when they are missing.</summary>
public static class Golden
{
    public static string Dir => RepoPaths.GoldenDir
        ?? throw new DirectoryNotFoundException("golden fixtures not found: expected ../shared/fixtures/golden beside the repo or SWINBENCH_SHARED");

    private static readonly Lazy<IReadOnlyList<GoldenModel>> _models = new(() => GoldenIndex.Load(Dir));

    public static IReadOnlyList<GoldenModel> Models => _models.Value;

    public static GoldenModel Model(string name) => Models.Single(m => m.Name == name);

    /// <summary>(model name, case index) for every case.</summary>
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var m in Models)
            for (var i = 0; i < m.Cases.Count; i++) data.Add(m.Name, i);
        return data;
    }
}
