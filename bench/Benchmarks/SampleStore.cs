namespace SwinBench.Benchmarks;

/// <summary>
/// The timed samples of a run (ms per operation) per (question, variant, case), by round number, as
/// <see cref="SweepRunner"/> records them after each round; the rows (<see cref="RowBuilder.Measured"/>) read them. A
/// variant that failed in any round has no samples. One store per <see cref="SweepRun"/>.
/// </summary>
public sealed class SampleStore
{
    private readonly Dictionary<MeasurementKey, SortedDictionary<int, IReadOnlyList<double>>> _rounds = [];
    private readonly HashSet<MeasurementKey> _failed = [];

    /// <summary>
    /// Records round <paramref name="round"/> (0-based) of <paramref name="key"/>: its samples, or null/empty when the
    /// round failed (the variant then has none). Recording a round again replaces it.
    /// </summary>
    public void AddRound(MeasurementKey key, int round, IReadOnlyList<double>? samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        if (samples is not { Count: > 0 })
        {
            _failed.Add(key);
            return;
        }
        if (!_rounds.TryGetValue(key, out var rounds)) _rounds[key] = rounds = [];
        rounds[round] = samples.ToArray();
    }

    /// <summary>The recorded rounds of <paramref name="key"/> in round order (empty when none), or null when one failed.</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Rounds(MeasurementKey key)
    {
        if (_failed.Contains(key)) return null;
        return _rounds.TryGetValue(key, out var rounds) ? rounds.Values.ToList() : [];
    }
}
