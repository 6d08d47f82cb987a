using System.Collections.Concurrent;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>What a benchmark case measured besides time: fidelity against the FP32 original and device memory.</summary>
public sealed record CaseMeasurement(string Variant, int Step, ModelOptions Options, double FidelityPsnrDb, double FidelityMaxAbs,
    double? MemoryMB, string DeviceName, bool RealInput, string? Error = null, string Backend = "torchsharp", bool OrtCustomOps = false)
{
    /// <summary>The CSV variant label: the options' label, plus "+ortops" for graphs with the swinbench custom ops.</summary>
    public string Label => Options.Label + (OrtCustomOps ? "+ortops" : "");

    /// <summary>The CSV plugins column: the plugin tokens ("mask+lnroll"), "ortops" for custom-op graphs, or "none".</summary>
    public string PluginsText
    {
        get
        {
            var tokens = ModelOptions.KernelLabel(Options.Kernels).TrimStart('+');
            if (OrtCustomOps) tokens = tokens.Length == 0 ? "ortops" : tokens + "+ortops";
            return tokens.Length == 0 ? "none" : tokens;
        }
    }
}

/// <summary>
/// Side results of the running benchmarks, keyed by benchmark method and case, read by the custom columns and the CSV
/// writer (one process: SwinBench runs BenchmarkDotNet in-process).
/// </summary>
public static class Measurements
{
    private static readonly ConcurrentDictionary<string, CaseMeasurement> Store = new();

    public static string Key(string method, BenchCase c, Precision p) => $"{method}|{c}|{p}";

    public static void Set(string method, BenchCase c, Precision p, CaseMeasurement m) => Store[Key(method, c, p)] = m;

    public static CaseMeasurement? Get(string method, BenchCase c, Precision p) => Store.TryGetValue(Key(method, c, p), out var m) ? m : null;

    public static void Clear() => Store.Clear();
}
