using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>Turns a question's variant, a case and what was measured into a <see cref="ResultRow"/>.</summary>
public static class RowBuilder
{
    /// <summary>
    /// The row of a variant that ran: latency statistics of the samples of all <paramref name="roundsMs"/> together, the
    /// median of each round (<see cref="ResultRow.RoundMediansMs"/>), fidelity and memory of <paramref name="m"/>; status
    /// <c>error: …</c> when there are no samples (the setup's error when it recorded one).
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
        if (rounds.Count > 0 && m?.Error is null)
            return LatencyStatistics.Of(rounds.SelectMany(r => r).ToList()).ApplyTo(row) with
            {
                RoundMediansMs = new RoundValues(rounds.Select(r => LatencyStatistics.Percentile(r.Order().ToList(), 0.5))),
            };
        return row with { Status = "error: " + (m?.Error ?? "benchmark failed (see the BenchmarkDotNet log in raw/bdn)") };
    }

    /// <summary>The row of a variant whose backend cannot run here: status <c>unavailable: &lt;reason&gt;</c>.</summary>
    public static ResultRow Unavailable(QuestionSpec question, Variant v, BenchCase c, string device, string reason) =>
        Describe(question, v, c, device) with { DeviceName = "n/a", Status = $"unavailable: {reason}".ReplaceLineEndings(" ") };

    /// <summary>
    /// The row of a peer measured outside BenchmarkDotNet (e.g. PyTorch, backend <c>pytorch</c>) for a question's case:
    /// variant <c>backend:options</c>, ordered after the question's own variants, latency statistics of
    /// <paramref name="samplesMs"/>, joining run <paramref name="runId"/>. Append it with
    /// <see cref="ResultsStore.AppendToQuestion"/> to get its speedup over the question's baseline.
    /// </summary>
    public static ResultRow Peer(QuestionSpec question, string backend, ModelOptions options, BenchCase c, string device,
        IReadOnlyList<double> samplesMs, string runId, string deviceName = "n/a", double fidelityPsnrDb = double.NaN)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backend);
        var row = Describe(question, new Variant(backend, options), c, device) with
        {
            RunId = runId,
            TimestampUtc = DateTime.UtcNow,
            Variant = $"{backend}:{options.Label}",
            Backend = backend,
            Step = question.Variants.Count,
            IsBaseline = false,
            DeviceName = deviceName,
            FidelityPsnrDb = fidelityPsnrDb,
        };
        return LatencyStatistics.Of(samplesMs).ApplyTo(row);
    }

    /// <summary>What a row says about the question, the variant and the input.</summary>
    public static ResultRow Describe(QuestionSpec question, Variant v, BenchCase c, string device) => new()
    {
        Question = question.Name,
        Task = c.Task.Name,
        Model = c.Task.ModelName,
        Variant = v.Label,
        Step = v.Order,
        IsBaseline = v.IsBaseline,
        Mask = v.Options.Mask.ToString().ToLowerInvariant(),
        LayerNorm = LayerNormLabel(v.Options.LayerNorm),
        Plugins = PluginsText(v.Options.Kernels),
        Backend = v.BackendToken,
        Device = device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? "cuda" : "cpu",
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
