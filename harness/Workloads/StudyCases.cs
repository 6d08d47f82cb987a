using SwinBench.Datasets;

namespace SwinBench.Workloads;

/// <summary>
/// The study's cases (docs/study.md): for each study task, the median input size of each of its benchmark sets that
/// the manifest lists (size class <c>median</c>), plus the largest input over those sets (size class <c>largest</c>,
/// its dataset the set it comes from; most pixels, then the greater height, then the set the task lists first).
/// Inputs follow <see cref="TaskKind.InputSize(DatasetImage)"/>: the LR size (HR / scale after the modcrop) for
/// super-resolution, the full size for denoising. The report interpolates each set's total time over these sizes.
/// </summary>
public static class StudyCases
{
    /// <summary>The five study tasks, in the order of the study's tables.</summary>
    public static IReadOnlyList<BenchTask> Tasks { get; } =
        new[] { "classical-x2", "classical-x4", "lightweight-x2", "lightweight-x4", "color-dn15" }.Select(BenchTask.Get).ToList();

    /// <summary>
    /// The cases of <paramref name="tasks"/> (default <see cref="Tasks"/>), grouped by task in the given order and,
    /// within a task, ordered by input size (pixels, then height), a set's median before the largest at the same size,
    /// then by dataset name (ordinal). Sets of a task that the manifest lacks are skipped; a task with none has no
    /// cases. The largest input is left out when it is a median case already (same set and size), so every case's
    /// text (<see cref="BenchCase.ToString"/>) is unique.
    /// </summary>
    /// <exception cref="ArgumentException">A task is given twice.</exception>
    public static IReadOnlyList<BenchCase> For(DatasetManifest m, IEnumerable<BenchTask>? tasks = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        var list = tasks?.ToList() ?? [.. Tasks];
        var twice = list.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ArgumentException($"study task '{twice.Key}' is given twice", nameof(tasks));
        return list.SelectMany(t => ForTask(m, t)).ToList();
    }

    private static IEnumerable<BenchCase> ForTask(DatasetManifest m, BenchTask task)
    {
        var stats = task.DatasetsIn(m).Select(ds => DatasetStatistics.For(m, ds, task.Kind)).ToList();
        if (stats.Count == 0)
            return [];
        var cases = stats
            .Select(s => new BenchCase(task, s.Dataset, "median", s.MedianImage.Name, s.MedianInput.Height, s.MedianInput.Width))
            .ToList();
        var largest = stats
            .OrderByDescending(s => s.LargestInput.Pixels)
            .ThenByDescending(s => s.LargestInput.Height)
            .First();
        var big = new BenchCase(task, largest.Dataset, "largest", largest.LargestImage.Name, largest.LargestInput.Height, largest.LargestInput.Width);
        if (!cases.Any(c => c.Dataset == big.Dataset && c.H == big.H && c.W == big.W))
            cases.Add(big);
        return cases
            .OrderBy(c => (long)c.H * c.W)
            .ThenBy(c => c.H)
            .ThenBy(c => c.SizeClass == "largest")
            .ThenBy(c => c.Dataset, StringComparer.Ordinal);
    }
}
