using System.Diagnostics;

namespace SwinBench.Benchmarks;

/// <summary>One progress line per finished round: <c>round 3/12  lightweight-x2 Set5 128x128  0:41 elapsed, ETA 2:44</c>.</summary>
public sealed class RoundProgress(int total, Action<string> log)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;

    public int Total { get; } = total;

    public void RoundDone(string what)
    {
        _done++;
        var elapsed = _clock.Elapsed;
        var eta = _done < Total ? elapsed / _done * (Total - _done) : TimeSpan.Zero;
        log($"round {_done}/{Total}  {what}  {Clock(elapsed)} elapsed, ETA {Clock(eta)}");
    }

    /// <summary><c>m:ss</c>, or <c>h:mm:ss</c> from an hour on.</summary>
    public static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{(int)t.TotalMinutes}:{t:ss}";
}
