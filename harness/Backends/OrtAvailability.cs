using Microsoft.ML.OnnxRuntime;

namespace SwinBench.Backends;

/// <summary>Whether ONNX Runtime, its CUDA EP and the swinbench op library can run here, as lines for <c>swinbench env</c>.</summary>
public static class OrtAvailability
{
    private static readonly Lazy<string?> CudaReason = new(ProbeCuda);
    private static readonly Lazy<string?> LoadedVersion = new(() =>
    {
        try
        {
            return OrtEnv.Instance().GetVersionString();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or OnnxRuntimeException)
        {
            return null;
        }
    });

    /// <summary>The version of the ONNX Runtime native library this process loads ("1.31.0"), or null when it cannot load.</summary>
    public static string? Version => LoadedVersion.Value;

    /// <summary>"ort-cpu: available 1.31.0", "ort-cuda: unavailable: …", "ort-ops: &lt;path&gt;" or how to build it.</summary>
    public static IReadOnlyList<string> Probe()
    {
        string version;
        try
        {
            version = OrtEnv.Instance().GetVersionString();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or OnnxRuntimeException)
        {
            return [$"ort-cpu: unavailable: {LoadFailure(e)}", "ort-cuda: unavailable: ONNX Runtime did not load"];
        }
        return
        [
            $"ort-cpu: available {version}",
            CudaUnavailableReason() is { } why ? $"ort-cuda: unavailable: {why}" : $"ort-cuda: available ({CudaInfo.DeviceCount()} device(s))",
            OrtOpLibrary.Find() is { } library ? $"ort-ops: {library}" : $"ort-ops: not built ({OrtOpLibrary.BuildHint})",
        ];
    }

    /// <summary>The native library ONNX Runtime's .NET binding loads.</summary>
    public const string NativeLibrary = "libonnxruntime.so";

    /// <summary>How to get the native library, for the line of <c>swinbench env</c>.</summary>
    public const string InstallHint =
        "it ships in the Microsoft.ML.OnnxRuntime(.Gpu) NuGet package's runtimes/<rid>/native folder: run 'dotnet build' so it is copied " +
        "next to swinbench.dll, or put the folder holding it on LD_LIBRARY_PATH";

    /// <summary>
    /// One line saying why ONNX Runtime did not load: the library name and how to get it when the native library is
    /// missing (the raw .NET message lists every probed path), else ONNX Runtime's own reason.
    /// </summary>
    public static string LoadFailure(Exception e)
    {
        var inner = e;
        while (inner is TypeInitializationException { InnerException: { } next }) inner = next;
        return inner is DllNotFoundException
            ? $"{NativeLibrary} could not be loaded for {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}; {InstallHint}"
            : OrtErrors.Clean(inner.Message);
    }

    /// <summary>Why the CUDA EP cannot run here (ONNX Runtime's own reason), or null when it can. Probed once per process.</summary>
    public static string? CudaUnavailableReason() => CudaReason.Value;

    private static string? ProbeCuda()
    {
        try
        {
            using var so = new SessionOptions();
            OrtSession.AppendCuda(so, new OrtSessionOptions { Provider = OrtProvider.Cuda });
        }
        catch (BackendUnavailableException e)
        {
            const string prefix = "ONNX Runtime CUDA EP unavailable: ";
            return e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            return OrtErrors.Clean(e.Message);
        }
        var devices = CudaInfo.DeviceCount();
        return devices > 0 ? null : "the CUDA provider loaded but no CUDA device is visible";
    }
}
