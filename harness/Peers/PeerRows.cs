using SwinBench.Results;

namespace SwinBench.Peers;

/// <summary>
/// Peer measurements as rows of results.csv, beside SwinBench's own variants: question <c>peers</c>, backend
/// <c>pytorch</c>, the mode name as the variant, the mode's step (0: eager FP32 per-block, the question's baseline), and
/// the PyTorch side's versions in the environment columns (libtorch: torch's version, CUDA: torch's CUDA).
/// </summary>
public static class PeerRows
{
    /// <summary>The backend column of peer rows.</summary>
    public const string Backend = "pytorch";

    /// <summary>The question column of peer rows.</summary>
    public const string Question = "peers";

    /// <summary>
    /// The row of one measurement: question <c>peers</c> with eager FP32 per-block as its baseline. The latency columns
    /// are <see cref="LatencyStatistics"/> of the script's samples (the one definition results files use), or the script's
    /// own summary for a row without samples. Statuses map to the CSV vocabulary (<see cref="Status(PeerMeasurement)"/>).
    /// </summary>
    public static ResultRow ToRow(PeerMeasurement m, PeerCase c, string runId, EnvironmentInfo env)
    {
        var mode = PeerMode.All.FirstOrDefault(x => x.Name == m.Mode);
        var device = Backends.TorchDevices.IsCuda(m.Device) ? "cuda" : "cpu";
        var peerEnv = env with
        {
            Libtorch = m.Torch == "n/a" ? env.Libtorch : $"{m.Torch} (pytorch)",
            Cuda = m.Cuda == "n/a" ? env.Cuda : m.Cuda,
            TorchSharp = EnvironmentInfo.NotAvailable,
            OnnxRuntime = EnvironmentInfo.NotAvailable,
        };
        var row = new ResultRow
        {
            RunId = runId,
            TimestampUtc = DateTime.UtcNow,
            Question = Question,
            Task = c.Case.Task.Name,
            Model = c.Case.Task.ModelName,
            Variant = m.Mode,
            Step = mode?.Step ?? -1,
            IsBaseline = mode?.Step == 0,
            Mask = m.Mask,
            LayerNorm = "fused",
            Plugins = "none",
            Backend = Backend,
            Device = device,
            DeviceName = device == "cpu" ? Backends.HostInfo.CpuModel : m.DeviceName, // the name SwinBench's own CPU rows carry
            Precision = m.Precision,
            Dataset = c.Case.Dataset,
            SizeClass = c.Case.SizeClass,
            Image = c.Case.Image,
            Images = 1,
            H = c.Case.H,
            W = c.Case.W,
            Megapixels = c.Case.Megapixels,
            MeanMs = m.MeanMs,
            MedianMs = m.MedianMs,
            P5Ms = m.P5Ms,
            P95Ms = m.P95Ms,
            MinMs = m.MinMs,
            Ci999HalfwidthMs = m.Ci999Ms,
            Samples = m.Iterations,
            FidelityPsnrDb = m.FidelityPsnrDb,
            FidelityMaxAbs = m.FidelityMaxAbs,
            PeakMemoryMB = m.PeakMemoryMB,
            MemoryScope = double.IsFinite(m.PeakMemoryMB) && device == "cuda" ? "device-in-use" : "",
            Status = Status(m),
        }.WithEnvironment(peerEnv);
        return m.SamplesMs.Count > 0 ? LatencyStatistics.Of(m.SamplesMs).ApplyTo(row) : row;
    }

    /// <summary>
    /// The CSV status of a peer row: <c>ok</c>, <c>unavailable: pytorch: …</c> and the script's out-of-memory status
    /// <c>failed: out of memory at HxW (…)</c> (<see cref="FailureStatus"/>) stay; any other <c>failed: X</c> becomes
    /// <c>error: pytorch: X</c>.
    /// </summary>
    public static string Status(PeerMeasurement m)
    {
        const string failed = "failed: ";
        var s = m.Status;
        return s.StartsWith(failed, StringComparison.Ordinal) && !FailureStatus.IsOutOfMemoryStatus(s) ? "error: pytorch: " + s[failed.Length..] : s;
    }
}
