using System.Text.Json;

namespace SwinBench.Tests.Checkpoints;

/// <summary>
/// The golden fixtures (tests/fixtures/golden) for the checkpoint tests (a view of <see cref="Golden"/>).
/// </summary>
internal static class GoldenFixtures
{
    /// <summary>The golden fixture directory, or null when it cannot be found.</summary>
    public static string? DirectoryOrNull => RepoPaths.GoldenDir;

    /// <summary>The golden fixture directory; fails the calling test with a clear message when it is missing.</summary>
    public static string Directory => Golden.Dir;

    public static string PathOf(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>The models of index.json, as far as the checkpoint tests need them.</summary>
    public static IReadOnlyList<GoldenModel> Models() =>
        Golden.Models.Select(m => new GoldenModel(m.Name, m.WrapKey, m.Config.EmbedDim, m.Config.InChans, m.Config.WindowSize,
            m.Config.ImgSize, m.Config.Depths)).ToList();
}

/// <summary>One model of the golden index.</summary>
internal sealed record GoldenModel(string Name, string? WrapKey, long EmbedDim, long InChans, long WindowSize, long ImgSize, int[] Depths)
{
    public string CheckpointPath => GoldenFixtures.PathOf(Name + ".pth");
}
