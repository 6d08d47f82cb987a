namespace SwinBench.Results;

/// <summary>Derived quantities of result rows.</summary>
public static class ResultMath
{
    /// <summary>
    /// Sets <see cref="ResultRow.Speedup"/> of every row to baseline median / its median, where the baseline is the
    /// <c>ok</c> row with <see cref="ResultRow.Step"/> 0 of the row's group: the rows sharing RunId, Task, Backend,
    /// Device, Dataset, SizeClass, Image, H and W. Precision is not part of the group, so FP16 rows are compared with the
    /// FP32 original; when a group has several step-0 rows the FP32 one is the baseline (then the first in order).
    /// Rows without a usable baseline, rows that are not <c>ok</c>, and rows without a positive finite median get NaN.
    /// </summary>
    /// <param name="rows">The rows, updated in place.</param>
    public static void FillSpeedups(IEnumerable<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var group in rows.GroupBy(GroupKey))
        {
            var baseline = Baseline(group);
            foreach (var row in group)
                row.Speedup = baseline is not null && row.IsOk && IsPositiveFinite(row.MedianMs)
                    ? baseline.MedianMs / row.MedianMs
                    : double.NaN;
        }
    }

    /// <summary>The key of the group within which speedups are computed (see <see cref="FillSpeedups"/>).</summary>
    public static (string RunId, string Task, string Backend, string Device, string Dataset, string SizeClass, string Image, int H, int W)
        GroupKey(ResultRow r) => (r.RunId, r.Task, r.Backend, r.Device, r.Dataset, r.SizeClass, r.Image, r.H, r.W);

    private static ResultRow? Baseline(IEnumerable<ResultRow> group)
    {
        var candidates = group.Where(r => r.Step == 0 && r.IsOk && IsPositiveFinite(r.MedianMs)).ToList();
        return candidates.FirstOrDefault(r => string.Equals(r.Precision, "fp32", StringComparison.OrdinalIgnoreCase))
               ?? candidates.FirstOrDefault();
    }

    private static bool IsPositiveFinite(double v) => double.IsFinite(v) && v > 0;
}
