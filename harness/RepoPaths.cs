namespace SwinBench;

/// <summary>
/// Where the repository and the shared data beside it are: the repo root is the folder holding SwinBench.sln
/// (found upwards from the running assembly or the working directory); shared data is <c>SWINBENCH_SHARED</c> or
/// <c>&lt;repo&gt;/../shared</c>.
/// </summary>
public static class RepoPaths
{
    public static string? RepoRoot { get; } = FindUp(AppContext.BaseDirectory) ?? FindUp(Directory.GetCurrentDirectory());

    /// <summary>The shared folder (fixtures, datasets), or null when there is none.</summary>
    public static string? SharedDir
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("SWINBENCH_SHARED");
            if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
            if (RepoRoot is null) return null;
            var dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    /// <summary>The golden fixtures folder (holding index.json), or null.</summary>
    public static string? GoldenDir => Existing(SharedDir, "fixtures", "golden");

    /// <summary>The default data root with the benchmark images, or null.</summary>
    public static string? DatasetsDir => Existing(SharedDir, "datasets");

    /// <summary>A path inside the repository (throws when the repository root is unknown).</summary>
    public static string InRepo(params string[] parts) =>
        Path.Combine([RepoRoot ?? throw new DirectoryNotFoundException("SwinBench.sln not found above " + AppContext.BaseDirectory), .. parts]);

    private static string? Existing(string? baseDir, params string[] parts)
    {
        if (baseDir is null) return null;
        var p = Path.Combine([baseDir, .. parts]);
        return Directory.Exists(p) ? p : null;
    }

    private static string? FindUp(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SwinBench.sln"))) return d.FullName;
        return null;
    }
}
