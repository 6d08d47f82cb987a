using SwinBench.Datasets;

namespace SwinBench.Tests;

/// <summary>Locations of the repository and of the shared test data (datasets, golden fixtures).</summary>
internal static class TestData
{
    /// <summary>The folder holding SwinBench.sln.</summary>
    public static string RepoRoot => RepoPaths.FindRepoRoot()
        ?? throw new InvalidOperationException($"SwinBench.sln not found above {AppContext.BaseDirectory}");

    /// <summary>The shared folder (<c>&lt;repo&gt;/../shared</c> or <c>$SWINBENCH_SHARED</c>); tests that need it fail without it.</summary>
    public static string SharedDir => RepoPaths.FindSharedDir()
        ?? throw new InvalidOperationException(
            Environment.GetEnvironmentVariable(RepoPaths.SharedEnvironmentVariable) is { Length: > 0 } set
                ? $"{RepoPaths.SharedEnvironmentVariable}={set} does not exist"
                : $"shared test data not found beside {RepoRoot}; set {RepoPaths.SharedEnvironmentVariable} to the shared folder");

    /// <summary>The shared datasets folder.</summary>
    public static string DatasetsDir => Path.Combine(SharedDir, "datasets");

    /// <summary>The golden fixtures folder.</summary>
    public static string GoldenDir => Path.Combine(SharedDir, "fixtures", "golden");

    /// <summary>A file of the shared datasets folder, e.g. <c>Dataset("Set5", "baby.png")</c>.</summary>
    public static string Dataset(params string[] parts) => Path.Combine([DatasetsDir, .. parts]);
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "swinbench-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
