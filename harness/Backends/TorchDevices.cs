using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary>Device selection and the numeric settings SwinBench fixes for reproducible runs.</summary>
public static class TorchDevices
{
    /// <summary>
    /// Whether a device name ("cpu", "cuda", "cuda:N"; any case, surrounding blanks ignored) names a CUDA device: the one
    /// rule for telling a CUDA run from a CPU run by its device string.
    /// </summary>
    public static bool IsCuda(string device)
    {
        var n = device.Trim().ToLowerInvariant();
        return n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal);
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N"; a CUDA request without a usable CUDA libtorch is a clear error.</summary>
    public static Device Resolve(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n == "cpu") return CPU;
        if (IsCuda(n))
        {
            if (!cuda.is_available())
                throw new BackendUnavailableException(
                    "CUDA requested but libtorch reports no CUDA device: this build runs the bundled CPU libtorch " +
                    "(TorchSharp-cpu); on a GPU machine use the system-libtorch bundle (scripts/gpu-bundle.sh)");
            var index = n == "cuda" ? 0 : int.TryParse(n[5..], out var i) ? i
                : throw new ArgumentException($"bad device '{name}': use cpu, cuda or cuda:N");
            var count = cuda.device_count();
            if (index < 0 || index >= count)
                throw new BackendUnavailableException($"device {name} does not exist: {count} CUDA device(s) visible");
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"bad device '{name}': use cpu, cuda or cuda:N");
    }

    /// <summary>
    /// FP32 means FP32: TF32 matrix/convolution math off unless asked for; FP16 matrix products accumulate in FP32
    /// (cuBLAS reduced-precision reductions off), the accuracy setting for FP16 inference.
    /// </summary>
    public static void ConfigureNumerics(bool allowTf32 = false)
    {
        backends.cuda.matmul.allow_tf32 = allowTf32;
        backends.cudnn.allow_tf32 = allowTf32;
        backends.cuda.matmul.allow_fp16_reduced_precision_reduction = false;
    }

    /// <summary>Waits for queued device work (no-op on CPU), so host clocks time finished work.</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}

/// <summary>A backend or device that cannot run here; the message says why.</summary>
public sealed class BackendUnavailableException(string message) : Exception(message);
