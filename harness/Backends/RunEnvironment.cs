using SwinBench.Results;
using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary>The environment of a run: host facts plus the TorchSharp, libtorch and CUDA versions this process uses.</summary>
public static class RunEnvironment
{
    public static EnvironmentInfo Capture() => EnvironmentInfo.Capture(e => e with
    {
        Libtorch = __version__,
        TorchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "n/a",
        Cuda = cuda.is_available() ? CudaInfo.RuntimeVersion() : "n/a (CPU)",
    });
}
