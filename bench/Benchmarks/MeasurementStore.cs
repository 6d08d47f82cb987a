using System.Collections.Concurrent;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>What a benchmark case measured besides time: fidelity against the FP32 original, memory, the device.</summary>
/// <param name="FidelityPsnrDb">PSNR against the FP32 original of the same device (+∞: identical; NaN: not measured).</param>
/// <param name="FidelityMaxAbs">Largest absolute difference against that reference.</param>
/// <param name="MemoryMB">Memory in MB, as <paramref name="MemoryScope"/> says (null: unknown).</param>
/// <param name="MemoryScope">What <paramref name="MemoryMB"/> measures (see <see cref="Results.ResultRow.MemoryScope"/>).</param>
/// <param name="DeviceName">The device's name.</param>
/// <param name="RealInput">The input was a dataset image (not synthesized).</param>
/// <param name="Error">Why setup failed, or null.</param>
public sealed record CaseMeasurement(double FidelityPsnrDb, double FidelityMaxAbs, double? MemoryMB, string MemoryScope,
    string DeviceName, bool RealInput, string? Error = null);

/// <summary>The key of one benchmark case of a run: which question, which variant, which input.</summary>
public readonly record struct MeasurementKey(string Question, Variant Variant, BenchCase Case);

/// <summary>
/// The side results of one run, keyed by (question, variant, case): written by a question's setup, read by the row
/// builder and the summary columns. One store per <see cref="BenchRun"/>.
/// </summary>
public sealed class MeasurementStore
{
    private readonly ConcurrentDictionary<MeasurementKey, CaseMeasurement> _store = new();

    public void Set(MeasurementKey key, CaseMeasurement m) => _store[key] = m;

    public CaseMeasurement? Get(MeasurementKey key) => _store.TryGetValue(key, out var m) ? m : null;

    public int Count => _store.Count;
}

/// <summary>
/// The run in progress: the sweep, its measurement and sample stores, and the sessions kept across rounds.
/// BenchmarkDotNet creates the question objects itself, so they find the run here; SwinBench runs BenchmarkDotNet
/// in-process, one run at a time.
/// </summary>
public sealed class BenchRun(Sweep sweep)
{
    public Sweep Sweep { get; } = sweep;

    public MeasurementStore Measurements { get; } = new();

    /// <summary>The timed samples, round by round.</summary>
    public SampleStore Samples { get; } = new();

    /// <summary>The sessions of the case in progress, kept across its rounds when the sweep has more than one.</summary>
    public SessionCache Sessions { get; } = new(sweep.Rounds > 1);

    private static BenchRun? _current;

    /// <summary>The run being executed (set by <see cref="SweepRunner"/>).</summary>
    public static BenchRun Current
    {
        get => _current ?? throw new InvalidOperationException("no SwinBench run in progress: benchmarks run through SweepRunner");
        set => _current = value;
    }

    /// <summary>The current run, or null outside one (the summary columns then show n/a).</summary>
    public static BenchRun? CurrentOrNull => _current;
}
