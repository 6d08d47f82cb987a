"""Latency statistics of peers/run_peers.py, the same definitions as the C# results files (LatencyStatistics):
median, mean, linear-interpolated p5/p95, min, max, sample standard deviation and the 99.9% confidence half-width of
the mean (Student's t). Only the standard library is needed."""

import math
import statistics


def _t_pdf(t, df):
    c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(c - (df + 1) / 2 * math.log1p(t * t / df))


def _t_cdf(t, df, steps=2000):
    """P(T <= t) for t >= 0 by Simpson's rule over [0, t]."""
    h = t / steps
    s = _t_pdf(0.0, df) + _t_pdf(t, df)
    for i in range(1, steps):
        s += (4 if i % 2 else 2) * _t_pdf(i * h, df)
    return 0.5 + s * h / 3


def t_quantile(p, df):
    """The p-quantile (p > 0.5) of Student's t with df degrees of freedom, by bisection on the CDF."""
    lo, hi = 0.0, 1.0
    while _t_cdf(hi, df) < p:
        hi *= 2
        if hi > 1e6:
            return math.inf
    for _ in range(60):
        mid = (lo + hi) / 2
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def percentile(sorted_values, q):
    """Linear-interpolated percentile (q in [0, 100]) of sorted values."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q / 100.0
    i = int(math.floor(pos))
    j = min(i + 1, len(sorted_values) - 1)
    return sorted_values[i] + (sorted_values[j] - sorted_values[i]) * (pos - i)


def summarize(times_ms):
    """median, mean, p5, p95, min, max, stdev and the 99.9% confidence half-width of the mean (Student's t)."""
    s = sorted(times_ms)
    n = len(s)
    mean = statistics.fmean(s)
    sd = statistics.stdev(s) if n > 1 else float("nan")
    ci = t_quantile(0.9995, n - 1) * sd / math.sqrt(n) if n > 1 else float("nan")
    return dict(median_ms=statistics.median(s), mean_ms=mean, p5_ms=percentile(s, 5), p95_ms=percentile(s, 95),
                min_ms=s[0], max_ms=s[-1], stdev_ms=sd, ci999_ms=ci, iterations=n)
