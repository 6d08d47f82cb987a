using System.Reflection;
using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Peers;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>Turns a question's variants, a case and what was measured into <see cref="ResultRow"/>s: the one place rows are made.</summary>
public static class RowBuilder
{
    /// <summary>
    /// The rows of one planned case (without run id, timestamp and environment; speedups not yet filled): one per
    /// runnable variant from the run's samples and measurements, one per unavailable variant with its reason.
    /// </summary>
    public static List<ResultRow> Rows(PlannedCase planned, SweepRun run)
    {
        var rows = new List<ResultRow>();
        foreach (var v in planned.Runnable.Select(SweepRunner.VariantOf))
        {
            var key = new MeasurementKey(planned.Question.Name, v, planned.Case);
            rows.Add(Measured(planned.Question, v, planned.Case, run.Sweep.Device, run.Measurements.Get(key), run.Samples.Rounds(key)));
        }
        rows.AddRange(planned.Unavailable.Select(u => Unavailable(planned.Question, u.Variant, planned.Case, run.Sweep.Device, u.Reason)));
        return rows;
    }

    /// <summary>
    /// The row of a variant that ran: latency statistics of the samples of all <paramref name="roundsMs"/> together, the
    /// median of each round (<see cref="ResultRow.RoundMediansMs"/>), fidelity and memory of <paramref name="m"/>; the
    /// failure's status when the setup or a timed call failed (<see cref="FailureOf"/>), or <c>error: …</c> when there
    /// are no samples.
    /// </summary>
    public static ResultRow Measured(QuestionSpec question, Variant v, BenchCase c, string device, CaseMeasurement? m,
        IReadOnlyList<IReadOnlyList<double>>? roundsMs)
    {
        var row = Describe(question, v, c, device) with
        {
            DeviceName = m?.DeviceName ?? "n/a",
            FidelityPsnrDb = m?.FidelityPsnrDb ?? double.NaN,
            FidelityMaxAbs = m?.FidelityMaxAbs ?? double.NaN,
            PeakMemoryMB = m?.MemoryMB ?? double.NaN,
            MemoryScope = m?.MemoryScope ?? "",
        };
        var rounds = roundsMs?.Where(r => r.Count > 0).ToList() ?? [];
        if (rounds.Count > 0 && m is { Failure: null })
            return LatencyStatistics.Of(rounds.SelectMany(r => r).ToList()).ApplyTo(row) with
            {
                RoundMediansMs = new RoundValues(rounds.Select(r => LatencyStatistics.Percentile(r.Order().ToList(), 0.5))),
            };
        return row with { Status = m?.Failure ?? "error: benchmark failed (see raw/benchmarkdotnet.log)" };
    }

    /// <summary>The row of a variant whose backend cannot run here: status <c>unavailable: &lt;reason&gt;</c>.</summary>
    public static ResultRow Unavailable(QuestionSpec question, Variant v, BenchCase c, string device, string reason) =>
        Describe(question, v, c, device) with { DeviceName = "n/a", Status = $"unavailable: {reason}".ReplaceLineEndings(" ") };

    /// <summary>
    /// The status of a variant whose setup or timed call threw: <c>failed: out of memory at HxW (tried to allocate X)</c>
    /// (<see cref="FailureStatus.OutOfMemory"/>), <c>unavailable: &lt;backend&gt;: …</c> for a backend or kernel that cannot
    /// run here, else <c>error: &lt;message&gt;</c>; one line.
    /// </summary>
    public static string FailureOf(Exception e, Variant v, BenchCase c)
    {
        while (e is TargetInvocationException or AggregateException && e.InnerException is { } inner) e = inner;
        if (FailureStatus.OutOfMemory(e, c.H, c.W) is { } oom) return oom.ReplaceLineEndings(" ");
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        if (e is BackendUnavailableException)
            return "unavailable: " + (message.StartsWith(v.BackendToken + ":", StringComparison.Ordinal) ? message : $"{v.BackendToken}: {message}");
        return "error: " + message;
    }

    /// <summary>
    /// The row of a peer variant of <paramref name="question"/> from one measurement of the peer runner: the peer's row
    /// (<see cref="PeerRows.ToRow"/>) named and ordered as the question declares it.
    /// </summary>
    public static ResultRow FromPeer(QuestionSpec question, PeerVariant peer, PeerMeasurement m, PeerCase c, string runId, EnvironmentInfo env) =>
        PeerRows.ToRow(m, c, runId, env) with { Question = question.Name, Variant = peer.Name, Step = peer.Step, IsBaseline = peer.IsBaseline };

    /// <summary>What a row says about the question, the variant and the input.</summary>
    public static ResultRow Describe(QuestionSpec question, Variant v, BenchCase c, string device) => new()
    {
        Question = question.Name,
        Task = c.Task.Name,
        Model = c.Task.ModelName,
        Variant = question.RowNameOf(v),
        Step = v.Order,
        IsBaseline = v.IsBaseline,
        Mask = v.Options.Mask.ToString().ToLowerInvariant(),
        LayerNorm = LayerNormLabel(v.Options.LayerNorm),
        Plugins = PluginsText(v.Options.Kernels),
        Backend = v.BackendToken,
        Device = TorchDevices.IsCuda(device) ? "cuda" : "cpu",
        Precision = v.Precision.ToString().ToLowerInvariant(),
        Dataset = c.Dataset,
        SizeClass = c.SizeClass,
        Image = c.Image,
        Images = 1,
        H = c.H,
        W = c.W,
        Megapixels = c.Megapixels,
    };

    /// <summary>The CSV plugins column: the kernel tokens joined by <c>+</c> (<c>window_mask+qkv_split</c>), or <c>none</c>.</summary>
    public static string PluginsText(Kernels k)
    {
        var tokens = ModelOptions.KernelLabel(k).TrimStart('+');
        return tokens.Length == 0 ? "none" : tokens;
    }

    public static string LayerNormLabel(LayerNormMode mode) => mode switch
    {
        LayerNormMode.Fp32Accumulate => "fp32",
        _ => mode.ToString().ToLowerInvariant(),
    };
}
