namespace SwinBench.Results;

/// <summary>A speedup with its interval and how it was computed, or the reason it is missing (<see cref="ResultMath.SpeedupOf"/>).</summary>
/// <param name="Value">The speedup (see <see cref="ResultMath.SpeedupOf"/>); NaN when missing.</param>
/// <param name="Low">Lower end of the 99.9% interval (NaN when the rows carry no spread).</param>
/// <param name="High">Upper end of the interval (+∞ when this row's spread reaches zero; NaN without spread).</param>
/// <param name="Note">Why the value is missing; empty when it is set.</param>
/// <param name="Method">
/// <see cref="ResultMath.PairedMethod"/> (paired over N rounds) or <see cref="ResultMath.MediansMethod"/>; empty for the
/// baseline's own row and a missing value.
/// </param>
public readonly record struct Speedup(double Value, double Low, double High, string Note, string Method = "")
{
    /// <summary>True when the interval is known and contains 1.0: the rows do not show a difference at that confidence.</summary>
    public bool IntervalIncludesOne => double.IsFinite(Low) && !double.IsNaN(High) && Low <= 1.0 && High >= 1.0;

    public static Speedup Missing(string note) => new(double.NaN, double.NaN, double.NaN, note);
}

/// <summary>
/// Derived quantities of result rows: the one definition of a speedup (<see cref="SpeedupOf"/>), used by the CSV, the
/// report and the charts. A speedup is <b>paired</b> when the baseline row and the row both carry per-round medians
/// (<see cref="ResultRow.RoundMediansMs"/>) of the same n ≥ 2 rounds: the median of the per-round ratios, with the
/// distribution-free interval of that median, so that rounds close in time cancel a noisy machine's slow phases.
/// Otherwise it is the ratio of the two medians, with an interval from the rows' 99.9% half-widths. <see cref="ResultRow.SpeedupMethod"/> says which (<c>paired over N rounds</c>, <c>ratio of medians</c>).
/// </summary>
public static class ResultMath
{
    /// <summary>
    /// Sets <see cref="ResultRow.Speedup"/>, <see cref="ResultRow.SpeedupLow"/>, <see cref="ResultRow.SpeedupHigh"/> and
    /// <see cref="ResultRow.SpeedupNote"/> of every row from <see cref="SpeedupOf"/> against the baseline of its group
    /// (<see cref="GroupKey"/>, <see cref="BaselineOf"/>).
    /// </summary>
    /// <remarks>
    /// Rows with a <see cref="ResultRow.Question"/>: the group is the run, question, task, device and input (across
    /// backends and precisions), and the baseline is the group's ok row marked <see cref="ResultRow.IsBaseline"/>: every
    /// backend's rows of a case get a speedup over the question's one baseline. Rows without a question (files written
    /// before the column existed) keep the legacy rule: the group also includes the backend, and the baseline is its ok
    /// step-0 row (the FP32 one when there are several).
    /// </remarks>
    /// <param name="rows">The rows, updated in place.</param>
    public static void FillSpeedups(IEnumerable<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var group in rows.GroupBy(GroupKey))
        {
            var baseline = BaselineOf(group);
            foreach (var row in group)
            {
                var s = SpeedupOf(baseline, row);
                row.Speedup = s.Value;
                row.SpeedupLow = s.Low;
                row.SpeedupHigh = s.High;
                row.SpeedupNote = s.Note;
                row.SpeedupMethod = s.Method;
            }
        }
    }

    /// <summary>The key of the group within which speedups are computed (see <see cref="FillSpeedups"/>).</summary>
    public static (string RunId, string Question, string Task, string Backend, string Device, string Dataset, string SizeClass, string Image, int H, int W)
        GroupKey(ResultRow r) =>
        (r.RunId, r.Question, r.Task, r.Question.Length == 0 ? r.Backend : "", r.Device, r.Dataset, r.SizeClass, r.Image, r.H, r.W);

    /// <summary>The baseline row of one group of <see cref="GroupKey"/>, or null when it has no usable one.</summary>
    public static ResultRow? BaselineOf(IEnumerable<ResultRow> group)
    {
        var usable = group.Where(r => r.IsOk && IsPositiveFinite(r.MedianMs)).ToList();
        var candidates = usable.Where(r => r.Question.Length > 0 ? r.IsBaseline : r.Step == 0).ToList();
        return candidates.FirstOrDefault(r => string.Equals(r.Precision, "fp32", StringComparison.OrdinalIgnoreCase))
               ?? candidates.FirstOrDefault();
    }

    /// <summary>The <see cref="ResultRow.SpeedupMethod"/> of a ratio of medians.</summary>
    public const string MediansMethod = "ratio of medians";

    /// <summary>The <see cref="ResultRow.SpeedupMethod"/> of a paired speedup over <paramref name="rounds"/> rounds: <c>paired over 10 rounds</c>.</summary>
    public static string PairedMethod(int rounds) => $"paired over {rounds} rounds";

    /// <summary>
    /// The speedup of <paramref name="row"/> over <paramref name="baseline"/>, in one of two ways.
    /// <list type="bullet">
    /// <item><b>Paired</b> (method <c>paired over N rounds</c>), when both rows carry per-round medians
    /// (<see cref="ResultRow.RoundMediansMs"/>) of the same number of rounds n ≥ 2, all positive and finite: with the
    /// round ratios r_i = b_i / x_i, s = the median of the r_i, and the distribution-free 99.9% interval of that median,
    /// [r_(k), r_(n+1−k)] of the sorted ratios with the largest k whose coverage 1 − 2·P(Bin(n, ½) ≤ k − 1) is at least
    /// 99.9% (<see cref="MedianIntervalRank"/>); none for n &lt; 11, which no rank reaches. Round i of both rows ran back
    /// to back, so the machine's slow and fast phases cancel in r_i; the median also keeps the rounds in which another
    /// tenant slowed one variant more than the other from moving the speedup.</item>
    /// <item><b>Ratio of medians</b> (method <c>ratio of medians</c>) otherwise (one round, different round counts,
    /// rows without rounds such as older files or peers): s = m_b / m_x of the two medians. Its interval combines the
    /// rows' spreads at their worst: with h the 99.9% confidence half-width of a row
    /// (<see cref="ResultRow.Ci999HalfwidthMs"/>), low = (m_b − h_b) / (m_x + h_x) and high = (m_b + h_b) / (m_x − h_x)
    /// (+∞ when m_x ≤ h_x, low at least 0); none when a row has no half-width.</item>
    /// </list>
    /// A speedup whose interval contains 1.0 is not shown to differ from the baseline. The baseline's own row is 1.0
    /// without an interval or method; a row that is not ok, has no median or has no baseline gets none, with the reason.
    /// </summary>
    public static Speedup SpeedupOf(ResultRow? baseline, ResultRow row)
    {
        if (!row.IsOk) return Speedup.Missing("not measured");
        if (!IsPositiveFinite(row.MedianMs)) return Speedup.Missing("no median latency");
        if (baseline is null)
            return Speedup.Missing(row.Question.Length > 0
                ? $"no ok baseline row of question {row.Question} for this case and device"
                : "no ok step-0 baseline row for this case, backend and device");
        if (ReferenceEquals(baseline, row)) return new Speedup(1.0, double.NaN, double.NaN, "");
        return PairedSpeedup(baseline.RoundMediansMs, row.RoundMediansMs) ?? RatioOfMedians(baseline, row);
    }

    /// <summary>
    /// The paired speedup of rounds <paramref name="row"/> over rounds <paramref name="baseline"/> (see
    /// <see cref="SpeedupOf"/>), or null when they cannot be paired: fewer than two rounds, different counts, or a value
    /// that is not positive and finite.
    /// </summary>
    public static Speedup? PairedSpeedup(IReadOnlyList<double> baseline, IReadOnlyList<double> row)
    {
        var n = row.Count;
        if (n < 2 || baseline.Count != n || !baseline.All(IsPositiveFinite) || !row.All(IsPositiveFinite)) return null;
        var ratios = baseline.Zip(row, (b, x) => b / x).Order().ToArray();
        var median = n % 2 == 1 ? ratios[n / 2] : Math.Sqrt(ratios[n / 2 - 1] * ratios[n / 2]);
        var k = MedianIntervalRank(n);
        return k == 0
            ? new Speedup(median, double.NaN, double.NaN, "", PairedMethod(n))
            : new Speedup(median, ratios[k - 1], ratios[n - k], "", PairedMethod(n));
    }

    /// <summary>
    /// The rank k (1-based) of the lower end of the distribution-free 99.9% interval of the median of n values, the
    /// upper end being rank n + 1 − k: the largest k with P(Bin(n, ½) ≤ k − 1) ≤ 0.0005; 0 when none (n &lt; 11).
    /// </summary>
    public static int MedianIntervalRank(int n)
    {
        var k = 0;
        var tail = 0.0; // P(Bin(n, 1/2) <= k - 1), summed term by term
        var term = Math.Pow(0.5, n); // P(Bin(n, 1/2) = k)
        while (k < n / 2 && tail + term <= 0.0005)
        {
            tail += term;
            term *= (double)(n - k) / (k + 1);
            k++;
        }
        return k;
    }

    private static Speedup RatioOfMedians(ResultRow baseline, ResultRow row)
    {
        var value = baseline.MedianMs / row.MedianMs;
        double hb = baseline.Ci999HalfwidthMs, hx = row.Ci999HalfwidthMs;
        if (!double.IsFinite(hb) || !double.IsFinite(hx) || hb < 0 || hx < 0) return new Speedup(value, double.NaN, double.NaN, "", MediansMethod);
        var low = Math.Max(0, baseline.MedianMs - hb) / (row.MedianMs + hx);
        var high = row.MedianMs - hx > 0 ? (baseline.MedianMs + hb) / (row.MedianMs - hx) : double.PositiveInfinity;
        return new Speedup(value, low, high, "", MediansMethod);
    }

    /// <summary>The speedup stored in a row (see <see cref="FillSpeedups"/>).</summary>
    public static Speedup StoredSpeedup(ResultRow r) => new(r.Speedup, r.SpeedupLow, r.SpeedupHigh, r.SpeedupNote, r.SpeedupMethod);

    private static bool IsPositiveFinite(double v) => double.IsFinite(v) && v > 0;
}
