using System.Collections.Concurrent;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>What a benchmark case measured besides time: fidelity against the FP32 original, memory, the device.</summary>
/// <param name="FidelityPsnrDb">PSNR against the FP32 original of the same device (+∞: identical; NaN: not measured).</param>
/// <param name="FidelityMaxAbs">Largest absolute difference against that reference.</param>
/// <param name="MemoryMB">Memory in MB, as <paramref name="MemoryScope"/> says (null: unknown).</param>
/// <param name="MemoryScope">What <paramref name="MemoryMB"/> measures (see <see cref="Results.ResultRow.MemoryScope"/>).</param>
/// <param name="DeviceName">The device's name.</param>
/// <param name="RealInput">The input was a dataset image (not synthesized).</param>
/// <param name="Failure">The row's status when the setup or a timed call failed (<c>error: …</c>, <c>failed: out of memory …</c>), or null.</param>
public sealed record CaseMeasurement(double FidelityPsnrDb, double FidelityMaxAbs, double? MemoryMB, string MemoryScope,
    string DeviceName, bool RealInput, string? Failure = null)
{
    /// <summary>
    /// What a case's memory figure measures: CUDA memory in use on a CUDA device, else the process's peak resident memory
    /// over the case (when <paramref name="peakReset"/>: reset before it) or over the whole process.
    /// </summary>
    public static string ScopeOf(bool cuda, bool peakReset) => cuda ? "device-in-use" : peakReset ? "case-peak-rss" : "process-peak-rss";

    /// <summary>
    /// The measurement of a question that opens no model session (it runs on <paramref name="device"/> directly, on a
    /// synthesized input): memory and the device's name read from the device (<see cref="ScopeOf"/>).
    /// </summary>
    public static CaseMeasurement OnDevice(double fidelityPsnrDb, double fidelityMaxAbs, TorchSharp.torch.Device device, bool peakReset)
    {
        var cuda = device.type == TorchSharp.DeviceType.CUDA;
        return new(fidelityPsnrDb, fidelityMaxAbs, cuda ? Backends.CudaInfo.MemoryInUseMB() : Backends.HostInfo.PeakWorkingSetMB,
            ScopeOf(cuda, peakReset), cuda ? Backends.CudaInfo.DeviceName((int)device.index) : Backends.HostInfo.CpuModel, false);
    }

    /// <summary>A measurement of nothing but a failure.</summary>
    public static CaseMeasurement Failed(string status, string deviceName = "n/a") =>
        new(double.NaN, double.NaN, null, "", deviceName, false, status);
}

/// <summary>The key of one benchmark case of a run: which question, which variant, which input.</summary>
public readonly record struct MeasurementKey(string Question, Variant Variant, BenchCase Case);

/// <summary>
/// The side results of one run, keyed by (question, variant, case): written by a question's setup (and by its timed
/// call when that fails), read by the row builder. One store per <see cref="SweepRun"/>.
/// </summary>
public sealed class MeasurementStore
{
    private readonly ConcurrentDictionary<MeasurementKey, CaseMeasurement> _store = new();

    public void Set(MeasurementKey key, CaseMeasurement m) => _store[key] = m;

    /// <summary>Marks the key failed with <paramref name="status"/>, keeping what its setup measured.</summary>
    public void Fail(MeasurementKey key, string status) =>
        _store.AddOrUpdate(key, _ => CaseMeasurement.Failed(status), (_, m) => m with { Failure = m.Failure ?? status });

    public CaseMeasurement? Get(MeasurementKey key) => _store.TryGetValue(key, out var m) ? m : null;

    public int Count => _store.Count;
}
