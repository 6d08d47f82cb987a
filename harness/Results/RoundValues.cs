using System.Collections;

namespace SwinBench.Results;

/// <summary>
/// One value per measurement round of a row, in round order (e.g. the median latency of each round in ms): what
/// <see cref="ResultMath.SpeedupOf"/> pairs with the baseline's rounds. Written in a CSV cell as the values joined by
/// <c>;</c> (<c>2301.5;2290.25</c>, invariant culture, round-trip precision); empty when the row has none. Compares by
/// value.
/// </summary>
public readonly struct RoundValues : IReadOnlyList<double>, IEquatable<RoundValues>
{
    private readonly double[]? _values;

    public RoundValues(IEnumerable<double> values) => _values = values.ToArray();

    /// <summary>No rounds (rows of older files, peers measured outside the rounds).</summary>
    public static RoundValues Empty => default;

    public int Count => _values?.Length ?? 0;

    public double this[int index] => (_values ?? [])[index];

    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)(_values ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(RoundValues other) => this.SequenceEqual(other);

    public override bool Equals(object? obj) => obj is RoundValues other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var v in this) hash.Add(v);
        return hash.ToHashCode();
    }

    public static bool operator ==(RoundValues a, RoundValues b) => a.Equals(b);

    public static bool operator !=(RoundValues a, RoundValues b) => !a.Equals(b);

    /// <summary>The CSV text: the values joined by <c>;</c> as <see cref="ResultCsv.FormatDouble"/> writes them.</summary>
    public override string ToString() => string.Join(";", this.Select(ResultCsv.FormatDouble));

    /// <summary>Reads <see cref="ToString"/>'s text; empty or blank text is <see cref="Empty"/>.</summary>
    /// <exception cref="FormatException">A part that is not a number, nan, inf or -inf.</exception>
    public static RoundValues Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Empty;
        return new RoundValues(text.Split(';').Select(part =>
            ResultCsv.TryParseDouble(part.Trim(), out var v) ? v : throw new FormatException($"'{part}' in '{text}' is not a number, nan, inf or -inf")));
    }
}
