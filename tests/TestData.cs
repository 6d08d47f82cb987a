namespace SwinBench.Tests;

/// <summary>Locations of the repository and of its test fixtures; tests never need data outside the checkout.</summary>
internal static class TestData
{
    /// <summary>The folder holding SwinBench.sln.</summary>
    public static string RepoRoot => RepoPaths.FindRepoRoot()
        ?? throw new InvalidOperationException($"SwinBench.sln not found above {AppContext.BaseDirectory}");

    /// <summary>The golden fixtures folder (see <see cref="Golden.Dir"/>).</summary>
    public static string GoldenDir => Golden.Dir;
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
