namespace SwinBench.Datasets;

/// <summary>
/// Finds the repository root (the folder holding <c>SwinBench.sln</c>) and the shared folder of test data
/// (<c>datasets/</c>, <c>fixtures/</c>) that lives beside checkouts rather than in the repository.
/// </summary>
public static class RepoPaths
{
    /// <summary>Environment variable that, when set, names the shared folder directly.</summary>
    public const string SharedEnvironmentVariable = "SWINBENCH_SHARED";

    private const string SolutionFile = "SwinBench.sln";

    /// <summary>
    /// The nearest folder holding <c>SwinBench.sln</c>, walking up from <paramref name="start"/>
    /// (default <see cref="AppContext.BaseDirectory"/>), or null when there is none.
    /// </summary>
    public static string? FindRepoRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return dir.FullName;
        return null;
    }

    /// <summary>
    /// The shared folder: <c>$SWINBENCH_SHARED</c> when set; otherwise <c>&lt;repo&gt;/../shared</c>, or failing that
    /// the first <c>shared</c> folder beside a further ancestor of the repository (so a git worktree such as
    /// <c>/work/wt/x</c> finds <c>/work/shared</c>), or failing that <c>&lt;repo&gt;/shared</c>. Null when none exists.
    /// </summary>
    public static string? FindSharedDir(string? start = null)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(SharedEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;

        string? repo = FindRepoRoot(start);
        if (repo is null)
            return null;
        for (var dir = Directory.GetParent(repo); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(candidate))
                return candidate;
        }
        string inside = Path.Combine(repo, "shared");
        return Directory.Exists(inside) ? inside : null;
    }
}
