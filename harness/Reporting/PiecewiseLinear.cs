namespace SwinBench.Reporting;

/// <summary>
/// A piecewise-linear function through measured points (x, y), for estimating a latency at an unmeasured input size:
/// linear between neighbouring points, the first and last segments' lines beyond the ends, and never below the
/// smallest measured y (an input is not estimated faster than the fastest measurement). Points at the same x are
/// averaged; with a single x the function is that point's y everywhere.
/// </summary>
public sealed class PiecewiseLinear
{
    private readonly double[] _x;
    private readonly double[] _y;

    /// <summary>The function through <paramref name="points"/> (finite x and y; at least one point).</summary>
    /// <exception cref="ArgumentException">No points, or a point that is not finite.</exception>
    public PiecewiseLinear(IEnumerable<(double X, double Y)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToList();
        if (list.Count == 0) throw new ArgumentException("a piecewise-linear function needs at least one point", nameof(points));
        if (list.Any(p => !double.IsFinite(p.X) || !double.IsFinite(p.Y)))
            throw new ArgumentException("every point of a piecewise-linear function must be finite", nameof(points));
        var merged = list.GroupBy(p => p.X).OrderBy(g => g.Key).Select(g => (X: g.Key, Y: g.Average(p => p.Y))).ToArray();
        _x = merged.Select(p => p.X).ToArray();
        _y = merged.Select(p => p.Y).ToArray();
        Floor = _y.Min();
    }

    /// <summary>How many distinct x the function was built from.</summary>
    public int Count => _x.Length;

    /// <summary>The smallest measured y: the function's lower bound.</summary>
    public double Floor { get; }

    /// <summary>The value at <paramref name="x"/>.</summary>
    public double At(double x)
    {
        if (_x.Length == 1) return _y[0];
        // the segment [i, i + 1] that holds x, or the end segment on the side where x lies outside
        var i = Array.BinarySearch(_x, x);
        if (i >= 0) return _y[i];
        i = Math.Clamp(~i - 1, 0, _x.Length - 2);
        var t = (x - _x[i]) / (_x[i + 1] - _x[i]);
        return Math.Max(Floor, _y[i] + t * (_y[i + 1] - _y[i]));
    }
}
