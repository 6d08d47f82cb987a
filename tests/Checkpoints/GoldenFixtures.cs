using System.Text.Json;

namespace SwinBench.Tests.Checkpoints;

/// <summary>
/// Locates the shared golden fixtures (<c>fixtures/golden</c> in the shared directory) and reads their index.json.
/// The shared directory is <c>$SWINBENCH_SHARED</c> if set, otherwise the first <c>shared/</c> found at or above the
/// repository root (the directory holding SwinBench.sln), i.e. <c>&lt;root&gt;/shared</c>, <c>&lt;root&gt;/../shared</c>, ...
/// </summary>
internal static class GoldenFixtures
{
    private static readonly Lazy<string?> LazyDirectory = new(Locate);

    /// <summary>The golden fixture directory, or null when it cannot be found.</summary>
    public static string? DirectoryOrNull => LazyDirectory.Value;

    /// <summary>The golden fixture directory; fails the calling test with a clear message when it is missing.</summary>
    public static string Directory => LazyDirectory.Value
        ?? throw new InvalidOperationException(
            "golden fixtures not found: set SWINBENCH_SHARED to the shared directory (containing fixtures/golden/index.json)");

    public static string PathOf(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>The model entries of index.json (its non-object entries such as "_about" are skipped).</summary>
    public static IReadOnlyList<GoldenModel> Models()
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(PathOf("index.json")));
        var models = new List<GoldenModel>();
        foreach (var entry in index.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object || !entry.Value.TryGetProperty("config", out var config)) continue;
            var wrap = entry.Value.GetProperty("wrap_key");
            models.Add(new GoldenModel(
                entry.Name,
                wrap.ValueKind == JsonValueKind.Null ? null : wrap.GetString(),
                config.GetProperty("embed_dim").GetInt64(),
                config.GetProperty("in_chans").GetInt64(),
                config.GetProperty("window_size").GetInt64(),
                config.GetProperty("img_size").GetInt64(),
                config.GetProperty("depths").EnumerateArray().Select(d => d.GetInt32()).ToArray()));
        }
        return models;
    }

    private static string? Locate()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("SWINBENCH_SHARED");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            string candidate = Path.Combine(fromEnv, "fixtures", "golden");
            return File.Exists(Path.Combine(candidate, "index.json")) ? candidate : null;
        }

        string? root = FindRepoRoot();
        for (var dir = root is null ? null : new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "golden");
            if (File.Exists(Path.Combine(candidate, "index.json"))) return candidate;
        }
        return null;
    }

    /// <summary>The first directory at or above the test binaries that contains SwinBench.sln.</summary>
    public static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SwinBench.sln"))) return dir.FullName;
        return null;
    }
}

/// <summary>One model of the golden index.</summary>
internal sealed record GoldenModel(string Name, string? WrapKey, long EmbedDim, long InChans, long WindowSize, long ImgSize, int[] Depths)
{
    public string CheckpointPath => GoldenFixtures.PathOf(Name + ".pth");
}
