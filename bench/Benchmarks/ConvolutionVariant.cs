using SwinBench.Backends;
using SwinBench.Model;

namespace SwinBench.Benchmarks;

/// <summary>
/// One variant of the convolution question (<see cref="ConvolutionBenchmarks"/>) as data: its name (the row's variant),
/// the backend, whether the convolution runs channels-last (TorchSharp: NHWC input and weight; ONNX Runtime: the CUDA
/// EP's <c>prefer_nhwc</c>), further CUDA EP settings by ONNX Runtime's names, and whether the graph's channels are
/// zero-padded to a multiple of 8 (<see cref="AlignedLinear.Align"/>).
/// </summary>
public sealed record ConvolutionVariant(string Name, Backend Backend, bool ChannelsLast = false,
    IReadOnlyDictionary<string, string>? CudaSettings = null, bool AlignChannels = false)
{
    /// <summary>The CUDA EP settings the variant sets, as <c>key=value</c>: <c>prefer_nhwc=1</c> when channels-last on ONNX Runtime, then <see cref="CudaSettings"/>.</summary>
    public IReadOnlyList<string> CudaEpSettings =>
        Backend != Backend.OnnxRuntime ? [] :
        [.. ChannelsLast ? ["prefer_nhwc=1"] : Array.Empty<string>(), .. (CudaSettings ?? new Dictionary<string, string>()).Select(s => $"{s.Key}={s.Value}")];

    /// <summary>
    /// Why the variant cannot run on <paramref name="device"/> beyond what <see cref="SessionFactory.UnavailableReason"/>
    /// says, or null: CUDA EP settings on a device that is not CUDA (the CPU EP would ignore them and measure
    /// <c>ort default</c> again).
    /// </summary>
    public string? UnavailableReason(string device)
    {
        var settings = CudaEpSettings;
        if (settings.Count == 0 || TorchDevices.IsCuda(device)) return null;
        return $"{Variant.TokenOf(Backend)}: {string.Join(", ", settings)} {(settings.Count == 1 ? "is a CUDA EP setting" : "are CUDA EP settings")} (run with --device cuda)";
    }

    /// <summary>The question's <see cref="Variant"/> of this row at precision <paramref name="precision"/>: channels-last as <see cref="Kernels.ChannelsLast"/>.</summary>
    public Variant ToVariant(Precision precision, bool isBaseline) =>
        new(Name, new ModelOptions { Precision = precision, Kernels = ChannelsLast ? Kernels.ChannelsLast : Kernels.None }, Backend) { IsBaseline = isBaseline };

    /// <summary>
    /// The ONNX Runtime session options of the variant on <paramref name="device"/>: the harness's mapping of its
    /// options (<see cref="SessionFactory.OrtOptions"/>: provider, threads, <c>prefer_nhwc</c>) with its CUDA EP settings.
    /// </summary>
    public OrtSessionOptions OrtOptions(Variant variant, string device, int cpuThreads) =>
        SessionFactory.OrtOptions(variant.Options, device, cpuThreads) with
        {
            CudaSettings = CudaSettings ?? new Dictionary<string, string>(),
            Fp16Io = variant.Precision == Precision.Fp16,
        };
}
