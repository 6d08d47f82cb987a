namespace SwinBench.Benchmarks;

/// <summary>
/// The timed samples of a run (ms per operation) per (question, variant, case), round by round, as
/// <see cref="SweepRunner"/> records them after each round; the rows (<see cref="RowBuilder.Measured"/>) and the summary
/// columns (<see cref="RowColumn"/>) read them. A variant that failed in any round has no samples. One store per
/// <see cref="BenchRun"/>.
/// </summary>
public sealed class SampleStore
{
    private readonly Dictionary<MeasurementKey, List<(object? Source, IReadOnlyList<double> Samples)>> _rounds = [];
    private readonly HashSet<MeasurementKey> _failed = [];

    /// <summary>
    /// Records one round of <paramref name="key"/>: its samples, or null/empty when the round failed (the variant then has
    /// none). <paramref name="source"/> names the round (the BenchmarkDotNet summary it came from) for <see cref="Rounds"/>.
    /// </summary>
    public void AddRound(MeasurementKey key, IReadOnlyList<double>? samples, object? source = null)
    {
        if (samples is not { Count: > 0 })
        {
            _failed.Add(key);
            return;
        }
        if (!_rounds.TryGetValue(key, out var list)) _rounds[key] = list = [];
        list.Add((source, samples.ToArray()));
    }

    /// <summary>
    /// The recorded rounds of <paramref name="key"/> in order (empty when none), or null when one failed. With
    /// <paramref name="before"/>, only the rounds recorded before the one from that source (all when it recorded none).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double>>? Rounds(MeasurementKey key, object? before = null)
    {
        if (_failed.Contains(key)) return null;
        if (!_rounds.TryGetValue(key, out var list)) return [];
        var end = before is null ? -1 : list.FindIndex(r => ReferenceEquals(r.Source, before));
        return (end < 0 ? list : list.Take(end)).Select(r => r.Samples).ToList();
    }
}
