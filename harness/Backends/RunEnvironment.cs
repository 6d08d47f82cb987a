using System.Text.RegularExpressions;
using SwinBench.Results;
using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary>The environment of a run: host facts plus the TorchSharp, libtorch and CUDA versions this process uses.</summary>
public static partial class RunEnvironment
{
    public static EnvironmentInfo Capture()
    {
        var cudaAvailable = cuda.is_available(); // also loads libtorch, so the loaded library can be found below
        return EnvironmentInfo.Capture(e => e with
        {
            Libtorch = LoadedLibtorchVersion() + (CpuConvolutionNote() is { Length: > 0 } note ? $" (CPU convolutions: {note})" : ""),
            TorchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "n/a",
            Cuda = cudaAvailable ? CudaInfo.RuntimeVersion() : "n/a (CPU)",
            OnnxRuntime = OrtAvailability.Version is { } ort ? ort + OrtSessionOptions.DescribeCudaOverrides() : EnvironmentInfo.NotAvailable,
        });
    }

    /// <summary>
    /// "" when libtorch's CPU convolutions passed <see cref="CpuConvolutionCheck"/>, else what the check found
    /// (<c>onednn off: …</c>), which the environment's libtorch field carries: rows measured on such a machine say that
    /// TorchSharp's CPU times are those of libtorch's native convolutions, not oneDNN's.
    /// </summary>
    public static string CpuConvolutionNote()
    {
        try
        {
            return CpuConvolutionCheck.Status == "ok" ? "" : CpuConvolutionCheck.Status;
        }
        catch (BackendUnavailableException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The version of the libtorch actually loaded: read from the torch package next to a system libtorch (its
    /// version.py, e.g. "2.11.0+cu130"), else the version TorchSharp's bundled libtorch reports.
    /// </summary>
    public static string LoadedLibtorchVersion()
    {
        try
        {
            var lib = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                .FirstOrDefault(p => p is not null && p.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
            if (lib is not null)
            {
                var versionPy = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(lib)!)!, "version.py");
                if (File.Exists(versionPy) && VersionLine().Match(File.ReadAllText(versionPy)) is { Success: true } m)
                    return m.Groups[1].Value;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return __version__;
    }

    [GeneratedRegex(@"__version__\s*=\s*'([^']+)'")]
    private static partial Regex VersionLine();
}
