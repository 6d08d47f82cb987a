using System.Globalization;
using System.Text.Json;

namespace SwinBench.Peers;

/// <summary>
/// One (case, mode) row of peers/run_peers.py: what ran, its outcome, the latency statistics over the timed iterations
/// (milliseconds), the compile time and count, the fidelity of FP16 modes against the FP32 eager output, memory, the golden
/// check's largest difference, and the Python side's versions. Values that were not measured are NaN (null in the JSON).
/// </summary>
public sealed record PeerMeasurement
{
    public string Case { get; init; } = "";
    public string Task { get; init; } = "";
    public int H { get; init; }
    public int W { get; init; }
    public string Mode { get; init; } = "";
    public string Precision { get; init; } = "";
    public string Mask { get; init; } = "";
    public string? CompileMode { get; init; }
    public string Device { get; init; } = "";
    public string DeviceName { get; init; } = "n/a";
    public string Weights { get; init; } = "";

    /// <summary>
    /// <c>ok</c>, <c>unavailable: pytorch: &lt;reason&gt;</c>, <c>failed: out of memory at HxW (tried to allocate X)</c>
    /// (<see cref="Results.FailureStatus"/>) or <c>failed: &lt;reason&gt;</c>.
    /// </summary>
    public string Status { get; init; } = "";

    public double MedianMs { get; init; } = double.NaN;
    public double MeanMs { get; init; } = double.NaN;
    public double P5Ms { get; init; } = double.NaN;
    public double P95Ms { get; init; } = double.NaN;
    public double MinMs { get; init; } = double.NaN;
    public double MaxMs { get; init; } = double.NaN;
    public double StdevMs { get; init; } = double.NaN;

    /// <summary>Half-width of the 99.9% confidence interval of the mean (Student's t over the iterations).</summary>
    public double Ci999Ms { get; init; } = double.NaN;

    public int Iterations { get; init; }
    public int Warmup { get; init; }

    /// <summary>The timed iterations in milliseconds, in order (empty when not measured).</summary>
    public IReadOnlyList<double> SamplesMs { get; init; } = [];

    /// <summary>Seconds of the first call of a compiled mode (tracing, compiling, autotuning); NaN for eager modes.</summary>
    public double CompileSeconds { get; init; } = double.NaN;

    /// <summary>
    /// Graphs torch.compile compiled while this row ran (dynamo's unique_graphs counter); null for eager modes or where
    /// torch has no such counter. For a dynamic mode, 0 after its first case means the compile was reused.
    /// </summary>
    public int? Compiles { get; init; }

    /// <summary>For a dynamic mode, the graphs compiled for this model so far in the Python process; otherwise null.</summary>
    public int? CompilesTotal { get; init; }

    public double FidelityPsnrDb { get; init; } = double.NaN;
    public double FidelityMaxAbs { get; init; } = double.NaN;

    /// <summary>CUDA memory in use after warm-up (total − free), as the C# rows measure it.</summary>
    public double PeakMemoryMB { get; init; } = double.NaN;

    /// <summary>PyTorch's allocator peak over the mode.</summary>
    public double MaxAllocatedMB { get; init; } = double.NaN;

    /// <summary><c>ok</c>, <c>not run: &lt;why&gt;</c>, <c>error: …</c> or what failed (max|Δ| over the tolerance).</summary>
    public string GoldenStatus { get; init; } = "";
    public double GoldenMaxAbsDiff { get; init; } = double.NaN;

    public string Torch { get; init; } = "n/a";
    public string Cuda { get; init; } = "n/a";
    public string Python { get; init; } = "n/a";
    public string Triton { get; init; } = "n/a";

    public bool IsOk => Status == "ok";

    /// <summary>
    /// Reads one JSON line of run_peers.py. Throws <see cref="FormatException"/> naming the problem (not JSON, not an
    /// object, a field of the wrong type, a missing case/mode/status).
    /// </summary>
    public static PeerMeasurement Parse(string line)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(line); }
        catch (JsonException e) { throw new FormatException($"peer row is not valid JSON ({e.Message}): {Excerpt(line)}"); }
        using (doc)
        {
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object) throw new FormatException($"peer row is not a JSON object: {Excerpt(line)}");
            var m = new PeerMeasurement
            {
                Case = Str(o, "case"), Task = Str(o, "task"), H = Int(o, "h"), W = Int(o, "w"), Mode = Str(o, "mode"),
                Precision = Str(o, "precision"), Mask = Str(o, "mask"), CompileMode = OptStr(o, "compile_mode"),
                Device = Str(o, "device"), DeviceName = OptStr(o, "device_name") ?? "n/a", Weights = Str(o, "weights"),
                Status = Str(o, "status"),
                MedianMs = Num(o, "median_ms"), MeanMs = Num(o, "mean_ms"), P5Ms = Num(o, "p5_ms"), P95Ms = Num(o, "p95_ms"),
                MinMs = Num(o, "min_ms"), MaxMs = Num(o, "max_ms"), StdevMs = Num(o, "stdev_ms"), Ci999Ms = Num(o, "ci999_ms"),
                Iterations = Int(o, "iterations"), Warmup = Int(o, "warmup"), SamplesMs = Samples(o, "samples_ms"),
                CompileSeconds = Num(o, "compile_s"), Compiles = OptInt(o, "compiles"), CompilesTotal = OptInt(o, "compiles_total"),
                FidelityPsnrDb = Num(o, "fidelity_psnr_db"), FidelityMaxAbs = Num(o, "fidelity_max_abs"),
                PeakMemoryMB = Num(o, "peak_memory_mb"), MaxAllocatedMB = Num(o, "max_allocated_mb"),
                GoldenStatus = Str(o, "golden_status"), GoldenMaxAbsDiff = Num(o, "golden_max_abs_diff"),
                Torch = OptStr(o, "torch") ?? "n/a", Cuda = OptStr(o, "cuda") ?? "n/a", Python = OptStr(o, "python") ?? "n/a",
                Triton = OptStr(o, "triton") ?? "n/a",
            };
            foreach (var (name, value) in new[] { ("case", m.Case), ("mode", m.Mode), ("status", m.Status) })
                if (value.Length == 0) throw new FormatException($"peer row has no '{name}': {Excerpt(line)}");
            return m;
        }
    }

    private static string Str(JsonElement o, string name) => OptStr(o, name) ?? "";

    private static string? OptStr(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"peer row field '{name}' must be a string, got {v.ValueKind}");
    }

    private static double Num(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return double.NaN;
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when v.GetString() is "inf" => double.PositiveInfinity,
            JsonValueKind.String when v.GetString() is "-inf" => double.NegativeInfinity,
            _ => throw new FormatException($"peer row field '{name}' must be a number, null, \"inf\" or \"-inf\", got {v}"),
        };
    }

    private static double[] Samples(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
            throw new FormatException($"peer row field '{name}' must be an array of numbers, got {Excerpt(v.GetRawText())}");
        var samples = v.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var bad = Array.FindIndex(samples, x => !double.IsFinite(x) || x < 0);
        return bad < 0 ? samples : throw new FormatException($"peer row field '{name}': sample {bad} is {samples[bad]}; samples must be finite and >= 0 ms");
    }

    private static int Int(JsonElement o, string name) => OptInt(o, name) ?? 0;

    private static int? OptInt(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
            ? i
            : throw new FormatException($"peer row field '{name}' must be an integer, got {v}");
    }

    private static string Excerpt(string line) => line.Length <= 200 ? line : line[..200] + "...";

    public override string ToString() =>
        IsOk ? $"{Case} {Mode}: median {MedianMs.ToString("F3", CultureInfo.InvariantCulture)} ms" : $"{Case} {Mode}: {Status}";
}
