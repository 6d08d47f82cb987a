using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// Where a sweep run starts: a new run id, or (<c>run … --resume</c>) the latest run in the results folder, whose
/// finished cases are kept. A case is finished when every row it expects (each variant of its question, unavailable
/// ones included, and its peer variants) is there with a final status (<see cref="IsFinal"/>); the rows of an
/// unfinished case are removed and the case is measured again whole, so a case's rows always come from one process
/// on one machine. A run is continued only on the machine kind it was measured on (the GPU of a CUDA run, the CPU
/// of a CPU run).
/// </summary>
public sealed class ResumePoint
{
    private readonly IReadOnlyList<ResultRow> _rows;

    private ResumePoint(string runId, IReadOnlyList<ResultRow> rows) => (RunId, _rows) = (runId, rows);

    /// <summary>The id of the run the sweep writes.</summary>
    public string RunId { get; }

    /// <summary>A new run of <paramref name="sweep"/>: <c>&lt;sweep&gt;-&lt;UTC time&gt;</c>.</summary>
    public static ResumePoint Start(Sweep sweep) => new(NewRunId(sweep.Name), []);

    public static string NewRunId(string sweep) => $"{sweep}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";

    /// <summary>
    /// The latest run in <paramref name="store"/> (by row time), which must be a run of <paramref name="sweep"/> measured
    /// on this machine's GPU (CPU for a CPU sweep); otherwise an <see cref="ArgumentException"/> saying why, in one line.
    /// </summary>
    public static ResumePoint Of(ResultsStore store, Sweep sweep, EnvironmentInfo here)
    {
        var all = store.Read();
        if (all.Count == 0) throw new ArgumentException($"--resume: {store.CsvPath} has no rows to continue; run without --resume to start");
        var runId = all.MaxBy(r => r.TimestampUtc)!.RunId;
        if (!IsRunOf(runId, sweep.Name))
            throw new ArgumentException($"--resume: the latest run in {store.Directory} is {runId}, not a run of sweep {sweep.Name}");
        var rows = all.Where(r => r.RunId == runId).ToList();
        var cuda = Backends.TorchDevices.IsCuda(sweep.Device);
        var mine = cuda ? here.Gpu : here.Cpu;
        var theirs = rows.Select(r => cuda ? r.Gpu : r.Cpu).Distinct().ToList();
        if (theirs.Any(t => t != mine))
            throw new ArgumentException($"--resume: run {runId} was measured on {(cuda ? "GPU" : "CPU")} '{string.Join("', '", theirs)}' and this machine has '{mine}'; " +
                                        "continue it on that machine or start a new run in another folder");
        return new ResumePoint(runId, rows);
    }

    /// <summary>Whether <paramref name="runId"/> (<c>&lt;sweep&gt;-yyyyMMddTHHmmssZ</c>) is a run of <paramref name="sweep"/>.</summary>
    public static bool IsRunOf(string runId, string sweep) =>
        runId.Length == sweep.Length + 17 && runId.StartsWith(sweep + "-", StringComparison.Ordinal);

    /// <summary>ok, unavailable, or out of memory: a row that a resumed run keeps.</summary>
    public static bool IsFinal(string status) =>
        status == ResultRow.StatusOk || status.StartsWith("unavailable:", StringComparison.Ordinal)
        || status.StartsWith("failed: out of memory", StringComparison.Ordinal);

    /// <summary>Whether the run has every row <paramref name="planned"/> expects, each with a final status.</summary>
    public bool IsComplete(PlannedCase planned, Sweep sweep)
    {
        var present = _rows.Where(r => Same(r, planned)).Where(r => IsFinal(r.Status)).Select(r => r.Variant).ToHashSet(StringComparer.Ordinal);
        return ExpectedVariants(planned, sweep).All(present.Contains);
    }

    /// <summary>The variant column of every row a planned case writes: its variants (runnable or not) and its peer variants.</summary>
    public static IEnumerable<string> ExpectedVariants(PlannedCase planned, Sweep sweep)
    {
        var q = planned.Question;
        return planned.Runnable.Select(SweepRunner.VariantOf).Concat(planned.Unavailable.Select(u => u.Variant)).Select(q.RowNameOf)
            .Concat(PeerPhase.PeersOf(q, planned.Case, sweep).Select(p => p.Name));
    }

    /// <summary>Removes the rows of the run's unfinished cases among <paramref name="todo"/> from the file.</summary>
    public void ForgetIncomplete(ResultsStore store, IReadOnlyList<PlannedCase> todo)
    {
        if (_rows.Count == 0) return;
        var id = RunId;
        store.RemoveWhere(r => r.RunId == id && todo.Any(p => Same(r, p)));
    }

    private static bool Same(ResultRow r, PlannedCase p) => r.Question == p.Question.Name && SameCase(r, p.Case);

    private static bool SameCase(ResultRow r, BenchCase c) =>
        r.Task == c.Task.Name && r.Dataset == c.Dataset && r.SizeClass == c.SizeClass && r.Image == c.Image && r.H == c.H && r.W == c.W;
}
