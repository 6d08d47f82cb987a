using System.Runtime.InteropServices;

namespace SwinBench.Backends;

/// <summary>
/// Whether the TensorRT backend can run here: TensorRT 10's <c>libnvinfer.so.10</c> must load and the SwinBench engine
/// library <c>libswinbench_trt.so</c> (plugins-cu's TensorRT target) must exist. Never throws, so <c>swinbench env</c>
/// and sweeps report <c>tensorrt: unavailable: &lt;reason&gt;</c> and go on.
/// </summary>
public static class TensorRtAvailability
{
    public const string EnvironmentVariable = "SWINBENCH_TRT_LIB";
    public const string RelativePath = "plugins-cu/build/tensorrt/libswinbench_trt.so";
    public const string NvInfer = "libnvinfer.so.10";

    public const string BuildHint =
        "on a machine with CUDA and TensorRT 10: cmake -S plugins-cu -B plugins-cu/build -DTENSORRT_ROOT=/path/to/TensorRT-10.x " +
        "&& cmake --build plugins-cu/build (makes " + RelativePath + "), or set " + EnvironmentVariable;

    private static readonly Lazy<string?> Reason = new(ProbeReason);

    /// <summary>The engine library's path when the file exists, else null.</summary>
    public static string? FindLibrary() => RepoPaths.FindBuiltFile(EnvironmentVariable, RelativePath);

    /// <summary>Why TensorRT cannot run here, or null when it can. Probed once per process.</summary>
    public static string? UnavailableReason() => Reason.Value;

    /// <summary>"tensorrt: available 10.16.0 (&lt;library&gt;)" or "tensorrt: unavailable: &lt;reason&gt;".</summary>
    public static string Probe() =>
        UnavailableReason() is { } why ? $"tensorrt: unavailable: {why}" : $"tensorrt: available {TensorRtNative.Version()} ({FindLibrary()})";

    private static string? ProbeReason()
    {
        var reasons = new List<string>();
        if (!NativeLibrary.TryLoad(NvInfer, out var nvinfer))
            reasons.Add($"TensorRT 10 is not installed ({NvInfer} not found on the library path)");
        else
            NativeLibrary.Free(nvinfer);
        var library = FindLibrary();
        if (library is null)
            reasons.Add($"libswinbench_trt.so not built ({BuildHint})");
        if (reasons.Count > 0) return string.Join("; ", reasons);
        try
        {
            TensorRtNative.Load(library!);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            return $"{library} did not load: {e.Message}";
        }
    }
}
