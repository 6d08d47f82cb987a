namespace SwinBench.Results;

/// <summary>
/// Latency statistics of timed samples as results files hold them: mean, median, 5th/95th percentiles (linear
/// interpolation between order statistics), minimum, and the half-width of the 99.9% confidence interval of the mean
/// (Student t with n − 1 degrees of freedom times the standard error, as BenchmarkDotNet computes its CI).
/// </summary>
public sealed record LatencyStatistics(double MeanMs, double MedianMs, double P5Ms, double P95Ms, double MinMs, double Ci999HalfwidthMs, int Samples)
{
    /// <summary>The statistics of <paramref name="samplesMs"/> (at least one finite, non-negative value each).</summary>
    /// <exception cref="ArgumentException">No samples, or a sample that is negative or not finite (named by index).</exception>
    public static LatencyStatistics Of(IReadOnlyList<double> samplesMs)
    {
        ArgumentNullException.ThrowIfNull(samplesMs);
        if (samplesMs.Count == 0) throw new ArgumentException("latency statistics need at least one sample");
        for (var i = 0; i < samplesMs.Count; i++)
            if (!double.IsFinite(samplesMs[i]) || samplesMs[i] < 0)
                throw new ArgumentException($"latency sample {i} is {samplesMs[i]}; samples must be finite and >= 0 ms");
        var sorted = samplesMs.Order().ToArray();
        var n = sorted.Length;
        var mean = sorted.Average();
        var ci = n >= 2 ? StudentT.HalfWidth999(sorted, mean) : double.NaN;
        return new LatencyStatistics(mean, Percentile(sorted, 0.5), Percentile(sorted, 0.05), Percentile(sorted, 0.95), sorted[0], ci, n);
    }

    /// <summary>The <paramref name="q"/>-quantile of sorted values, interpolating linearly between order statistics.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /// <summary>Copies these statistics into the latency columns of <paramref name="row"/>.</summary>
    public ResultRow ApplyTo(ResultRow row) => row with
    {
        MeanMs = MeanMs, MedianMs = MedianMs, P5Ms = P5Ms, P95Ms = P95Ms, MinMs = MinMs,
        Ci999HalfwidthMs = Ci999HalfwidthMs, Samples = Samples,
    };
}

/// <summary>Student's t distribution: the quantile by bisection on the CDF (regularized incomplete beta).</summary>
internal static class StudentT
{
    /// <summary>
    /// The half-width of the two-sided 99.9% confidence interval of the mean of <paramref name="values"/> (n ≥ 2, mean
    /// <paramref name="mean"/>): t(0.9995, n − 1) · sd / √n, the study's one confidence level (latency rows and paired
    /// speedups).
    /// </summary>
    public static double HalfWidth999(IReadOnlyList<double> values, double mean)
    {
        var n = values.Count;
        var variance = values.Sum(x => (x - mean) * (x - mean)) / (n - 1);
        return Quantile(1 - 0.001 / 2, n - 1) * Math.Sqrt(variance / n);
    }

    /// <summary>The <paramref name="p"/>-quantile (0.5 &lt; p &lt; 1) with <paramref name="dof"/> degrees of freedom.</summary>
    public static double Quantile(double p, int dof)
    {
        double lo = 0, hi = 1;
        while (Cdf(hi, dof) < p) hi *= 2;
        for (var i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            var mid = (lo + hi) / 2;
            if (Cdf(mid, dof) < p) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>P(T ≤ t) for t ≥ 0: 1 − I_x(ν/2, 1/2) / 2 with x = ν / (ν + t²).</summary>
    public static double Cdf(double t, int dof) => 1 - 0.5 * IncompleteBeta(dof / (dof + t * t), dof / 2.0, 0.5);

    /// <summary>The regularized incomplete beta function I_x(a, b) (continued fraction, Lentz's method).</summary>
    private static double IncompleteBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        if (x > (a + 1) / (a + b + 2)) return 1 - front * ContinuedFraction(1 - x, b, a) / b;
        return front * ContinuedFraction(x, a, b) / a;
    }

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = Math.Abs(d) < tiny ? 1 / tiny : 1 / d;
        var f = d;
        for (var m = 1; m <= 300; m++)
        {
            for (var even = 0; even < 2; even++)
            {
                var num = even == 0
                    ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                    : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
                d = 1 + num * d;
                d = Math.Abs(d) < tiny ? 1 / tiny : 1 / d;
                c = 1 + num / c;
                c = Math.Abs(c) < tiny ? tiny : c;
                f *= c * d;
            }
            if (Math.Abs(c * d - 1) < 1e-15) break;
        }
        return f;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7).</summary>
    private static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        var sum = g[0];
        for (var i = 1; i < g.Length; i++) sum += g[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
