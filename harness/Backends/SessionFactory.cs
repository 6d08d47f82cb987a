using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Backends;

/// <summary>
/// The model a session runs: its architecture, the checkpoint to load (null: seeded random init, see
/// <see cref="ModelFactory.Create"/>), the key the state dict is wrapped under, and a name for ONNX metadata and caches.
/// </summary>
public sealed record ModelSpec(SwinIRConfig Config, string? Weights = null, string? WrapKey = null, long Seed = 0, string Name = "")
{
    /// <summary>The TorchSharp model with these options (the weights loaded, or the seeded init).</summary>
    public SwinIR Create(ModelOptions options) => ModelFactory.Create(Config, options, Weights, WrapKey, Seed).Model;

    /// <summary>The weights for logs: the checkpoint's file name, or the seeded random init.</summary>
    public string WeightsDescription => Weights is null
        ? $"random init (seed {Seed}); outputs are not meaningful restorations"
        : Path.GetFileName(Weights) + (WrapKey is null ? "" : $" (key '{WrapKey}')");
}

/// <summary>
/// Opens an <see cref="IInferenceSession"/> for a <see cref="Variant"/>: TorchSharp runs the port with the variant's
/// options; ONNX Runtime and TensorRT run the graph the emitter writes for those options
/// (<see cref="OnnxExportOptions.For"/>), every kernel flag as a <c>swinbench</c> op. The one place that turns a
/// variant into something that runs; benchmarks and CLI verbs call it.
/// </summary>
public static class SessionFactory
{
    /// <summary>
    /// Opens the variant on <paramref name="device"/> ("cpu", "cuda", "cuda:N"). TensorRT builds its engine for one
    /// input size (<paramref name="height"/> × <paramref name="width"/>, required there). ONNX Runtime on the CPU runs
    /// <paramref name="cpuThreads"/> intra-op threads (0: its default). Throws <see cref="BackendUnavailableException"/>
    /// where the backend or a kernel cannot run here, with <see cref="UnavailableReason"/>'s text.
    /// </summary>
    public static IInferenceSession Open(Variant variant, ModelSpec model, string device, int height = 0, int width = 0, int cpuThreads = 0)
    {
        CheckAvailable(variant, device);
        return variant.Backend switch
        {
            Backend.TorchSharp => new TorchSharpSession(model.Create(variant.Options), TorchDevices.Resolve(device)),
            Backend.OnnxRuntime => OpenOrt(variant.Options, model, device, cpuThreads),
            Backend.TensorRt => OpenTensorRt(variant.Options, model, device, height, width),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    /// <summary>
    /// Why <see cref="Open"/> could not run the variant on <paramref name="device"/> here, as one line that starts with
    /// the backend's token (<c>ort: CUDA EP unavailable: …</c>), or null when it can; builds nothing. The one rule of
    /// availability: verbs refuse with it (<see cref="CheckAvailable"/>, exit 3) and sweeps record it as an
    /// <c>unavailable: &lt;reason&gt;</c> row. What the variant itself rules out comes first (a kernel without an ONNX op,
    /// <c>channels_last</c> on TensorRT), then what this machine lacks: the device; TorchSharp: the plugin library for
    /// kernel flags, CUDA for <c>cuda_graph</c>; ONNX Runtime: its native library, the CUDA EP on a CUDA device, the op
    /// library when there are kernel flags; TensorRT: its libraries and a CUDA device.
    /// </summary>
    public static string? UnavailableReason(Variant variant, string device)
    {
        var backend = variant.BackendToken;
        var kernels = ModelOptions.NativeKernels(variant.Options.Kernels);
        switch (variant.Backend)
        {
            case Backend.TorchSharp:
                if (DeviceUnavailableReason(device) is { } noDevice) return $"{backend}: {noDevice}";
                if (kernels != Kernels.None && Native.PluginLibrary.Probe() is { Available: false } plugins)
                    return $"{backend}: kernels {ModelOptions.TokenList(kernels)}: {plugins.Reason}";
                return kernels.HasFlag(Kernels.CudaGraph) && !TorchDevices.IsCuda(device) ? $"{backend}: {ModelOptions.CudaGraphNeedsCuda(device)}" : null;
            case Backend.OnnxRuntime:
                if (NotExportable(variant.Options) is { } notExportable) return $"{backend}: {notExportable}";
                if (DeviceUnavailableReason(device) is { } noOrtDevice) return $"{backend}: {noOrtDevice}";
                if (OrtAvailability.Version is null) return $"{backend}: ONNX Runtime did not load";
                if (TorchDevices.IsCuda(device) && OrtAvailability.CudaUnavailableReason() is { } why) return $"{backend}: CUDA EP unavailable: {why}";
                return kernels != Kernels.None && OrtOpLibrary.Find() is null ? $"{backend}: {OrtOpLibrary.NotFound}" : null;
            case Backend.TensorRt:
                if (variant.Options.Kernels.HasFlag(Kernels.ChannelsLast))
                    return $"{backend}: layout 'channels_last' does not apply: TensorRT chooses its own tensor formats per layer; run without it";
                if (NotExportable(variant.Options) is { } e) return $"{backend}: {e}";
                if (DeviceUnavailableReason(device) is { } noTrtDevice) return $"{backend}: {noTrtDevice}";
                return TensorRtUnavailableReason(device) is { } reason ? $"{backend}: {reason}" : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(variant));
        }
    }

    /// <summary>Throws <see cref="BackendUnavailableException"/> with <see cref="UnavailableReason"/>'s text when the variant cannot run here.</summary>
    public static void CheckAvailable(Variant variant, string device)
    {
        if (UnavailableReason(variant, device) is { } why) throw new BackendUnavailableException(why);
    }

    /// <summary>
    /// Whether one session of <paramref name="backend"/> runs inputs of any height and width (TorchSharp, and ONNX
    /// Runtime on SwinBench's graphs with dynamic H and W), so a sweep may reuse it across sizes; TensorRT builds its
    /// engine for one size.
    /// </summary>
    public static bool TakesAnySize(Backend backend) => backend != Backend.TensorRt;

    /// <summary>Why <paramref name="device"/> cannot be used here (a CUDA device without CUDA, a device that does not exist), or null.</summary>
    private static string? DeviceUnavailableReason(string device)
    {
        try
        {
            TorchDevices.Resolve(device);
            return null;
        }
        catch (BackendUnavailableException e)
        {
            return e.Message;
        }
    }

    /// <summary>Why the exporter cannot write the options' graph (a kernel with no ONNX op), or null.</summary>
    private static string? NotExportable(ModelOptions options)
    {
        try
        {
            OnnxExportOptions.For(options, "").CheckExportable();
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The ONNX model SwinBench exports for these options (the weights of <paramref name="model"/>), built in memory on
    /// every call and never cached, so a session always runs the weights file as it is now. A kernel the exporter has no
    /// op for is a <see cref="BackendUnavailableException"/> naming the kernel.
    /// </summary>
    public static byte[] ExportOnnx(ModelOptions options, ModelSpec model, string backend = "ort")
    {
        if (NotExportable(options) is { } why) throw new BackendUnavailableException($"{backend}: {why}");
        using var net = model.Create(options with { Kernels = Kernels.None });
        return OnnxExporter.Export(net, OnnxExportOptions.For(options, model.Name));
    }

    private static IInferenceSession OpenOrt(ModelOptions options, ModelSpec model, string device, int cpuThreads) =>
        OrtSession.FromBytes(ExportOnnx(options, model), OrtOptions(options, device, cpuThreads));

    /// <summary>
    /// How ONNX Runtime runs a variant's options on <paramref name="device"/>: the CUDA EP on a CUDA device (its index),
    /// else the CPU EP with <paramref name="cpuThreads"/> intra-op threads (0: its default); the op library when there
    /// are kernel flags; <c>channels_last</c> as the CUDA EP's <c>prefer_nhwc</c>.
    /// </summary>
    public static OrtSessionOptions OrtOptions(ModelOptions options, string device, int cpuThreads)
    {
        var cuda = TorchDevices.IsCuda(device);
        return new OrtSessionOptions
        {
            Provider = cuda ? OrtProvider.Cuda : OrtProvider.Cpu,
            DeviceId = cuda ? Math.Max(0, (int)TorchDevices.Resolve(device).index) : 0,
            IntraOpThreads = cuda ? 0 : cpuThreads,
            CustomOpLibrary = ModelOptions.NativeKernels(options.Kernels) != Kernels.None ? OrtOpLibrary.Require() : null,
            PreferNhwc = options.Kernels.HasFlag(Kernels.ChannelsLast),
        };
    }

    /// <summary>Why TensorRT cannot run on this device here (no TensorRT, no library, or not a CUDA device), or null.</summary>
    public static string? TensorRtUnavailableReason(string device) =>
        TensorRtAvailability.UnavailableReason() ?? (TorchDevices.IsCuda(device) ? null : "TensorRT runs on CUDA devices only");

    private static IInferenceSession OpenTensorRt(ModelOptions options, ModelSpec model, string device, int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException("tensorrt: the engine's input height and width are required");
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "swinbench-trt")).FullName;
        var onnx = Path.Combine(dir, $"{model.Name}-{options.Label}.onnx".Replace('/', '_').Replace(' ', '_'));
        File.WriteAllBytes(onnx, ExportOnnx(options, model, "tensorrt"));
        return TensorRtSession.FromFile(onnx, new TensorRtOptions
        {
            MinHeight = height, OptHeight = height, MaxHeight = height,
            MinWidth = width, OptWidth = width, MaxWidth = width,
            TimingCache = Path.Combine(dir, "timing.cache"),
            DeviceId = Math.Max(0, (int)TorchDevices.Resolve(device).index),
        });
    }
}
