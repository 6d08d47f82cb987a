namespace SwinBench;

/// <summary>
/// Where the repository, its test fixtures and the optional shared data beside it are. The repo root is the nearest
/// folder holding SwinBench.sln above the running assembly (or the working directory). The golden fixtures live in
/// the repository (<c>tests/fixtures/golden</c>); a shared folder (<c>$SWINBENCH_SHARED</c> when set, otherwise the
/// first <c>shared</c> folder beside the repository or one of its ancestors, so a git worktree finds it too) may hold
/// dataset images and may override the fixtures with its own <c>fixtures/golden</c>.
/// </summary>
public static class RepoPaths
{
    /// <summary>Environment variable that names the shared folder directly.</summary>
    public const string SharedEnvironmentVariable = "SWINBENCH_SHARED";

    /// <summary>The golden fixtures folder, relative to the repo root.</summary>
    public const string RepoGoldenDir = "tests/fixtures/golden";

    private const string SolutionFile = "SwinBench.sln";

    public static string? RepoRoot => FindRepoRoot() ?? FindRepoRoot(Directory.GetCurrentDirectory());

    /// <summary>The shared folder, or null when there is none.</summary>
    public static string? SharedDir => FindSharedDir() ?? FindSharedDir(Directory.GetCurrentDirectory());

    /// <summary>
    /// The golden fixtures folder: <c>$SWINBENCH_SHARED/fixtures/golden</c> when that variable is set and the folder
    /// exists, otherwise the repository's <c>tests/fixtures/golden</c>; null when neither exists.
    /// </summary>
    public static string? GoldenDir =>
        FindGoldenDir(RepoRoot, Environment.GetEnvironmentVariable(SharedEnvironmentVariable));

    /// <summary>The optional folder of benchmark images (<c>&lt;shared&gt;/datasets</c>), or null.</summary>
    public static string? DatasetsDir => Existing(SharedDir, "datasets");

    /// <summary>The nearest folder holding SwinBench.sln at or above <paramref name="start"/> (default: the assembly folder).</summary>
    public static string? FindRepoRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary>The shared folder as found from <paramref name="start"/> (see the class summary), or null.</summary>
    public static string? FindSharedDir(string? start = null) =>
        FindSharedDir(start, Environment.GetEnvironmentVariable(SharedEnvironmentVariable));

    /// <summary>
    /// The shared folder for a given value of <c>$SWINBENCH_SHARED</c> (<paramref name="fromEnvironment"/>: when set,
    /// that folder if it exists, else null, never a fallback), else the first <c>shared</c> folder beside the repo
    /// found from <paramref name="start"/> or beside one of its ancestors, else <c>&lt;repo&gt;/shared</c>; or null.
    /// </summary>
    public static string? FindSharedDir(string? start, string? fromEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        var repo = FindRepoRoot(start);
        if (repo is null) return null;
        for (var dir = Directory.GetParent(repo); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(candidate)) return candidate;
        }
        var inside = Path.Combine(repo, "shared");
        return Directory.Exists(inside) ? inside : null;
    }

    /// <summary>
    /// The golden fixtures folder for a repo root and a value of <c>$SWINBENCH_SHARED</c>: the shared folder's
    /// <c>fixtures/golden</c> when the variable is set and that folder exists, otherwise <c>&lt;repo&gt;/tests/fixtures/golden</c>
    /// when it exists; null otherwise.
    /// </summary>
    public static string? FindGoldenDir(string? repoRoot, string? fromEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(fromEnvironment)
            && Existing(Path.GetFullPath(fromEnvironment), "fixtures", "golden") is { } overridden)
            return overridden;
        return Existing(repoRoot, RepoGoldenDir.Split('/'));
    }

    /// <summary>
    /// A file given by <paramref name="environmentVariable"/> (when set: that path if the file exists, else null, never a
    /// fallback) or built at <paramref name="relativePath"/> of this checkout; null when there is none.
    /// </summary>
    public static string? FindBuiltFile(string environmentVariable, string relativePath)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return File.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        var root = RepoRoot;
        var built = root is null ? null : Path.Combine(root, relativePath);
        return built is not null && File.Exists(built) ? built : null;
    }

    private static string? Existing(string? baseDir, params string[] parts)
    {
        if (baseDir is null) return null;
        var p = Path.Combine([baseDir, .. parts]);
        return Directory.Exists(p) ? p : null;
    }
}
