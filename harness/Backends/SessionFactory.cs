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
    /// input size (<paramref name="height"/> × <paramref name="width"/>, required there). Throws
    /// <see cref="BackendUnavailableException"/> where the backend or a kernel cannot run here, saying which and why.
    /// </summary>
    public static IInferenceSession Open(Variant variant, ModelSpec model, string device, int height = 0, int width = 0) =>
        variant.Backend switch
        {
            Backend.TorchSharp => new TorchSharpSession(model.Create(variant.Options), TorchDevices.Resolve(device)),
            Backend.OnnxRuntime => OpenOrt(variant.Options, model, device),
            Backend.TensorRt => OpenTensorRt(variant.Options, model, device, height, width),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

    /// <summary>
    /// Throws <see cref="BackendUnavailableException"/>, saying which and why, when <see cref="Open"/> could not run the
    /// variant here (the device, the backend, a kernel without a library or without an ONNX op), without building
    /// anything: verbs call it before they print or write.
    /// </summary>
    public static void CheckAvailable(Variant variant, string device)
    {
        var backend = variant.BackendToken;
        var kernels = ModelOptions.NativeKernels(variant.Options.Kernels);
        switch (variant.Backend)
        {
            case Backend.TorchSharp:
                TorchDevices.Resolve(device);
                if (kernels != Kernels.None)
                {
                    var status = Native.PluginLibrary.Probe();
                    if (!status.Available) throw new BackendUnavailableException($"{backend}: kernels {ModelOptions.TokenList(kernels)}: {status.Reason}");
                }
                if (kernels.HasFlag(Kernels.CudaGraph) && !IsCuda(device))
                    throw new BackendUnavailableException($"{backend}: {ModelOptions.CudaGraphNeedsCuda(device)}");
                break;
            case Backend.OnnxRuntime:
                if (OrtAvailability.Version is null) throw new BackendUnavailableException($"{backend}: ONNX Runtime did not load");
                if (IsCuda(device) && OrtAvailability.CudaUnavailableReason() is { } why) throw new BackendUnavailableException($"ort: CUDA EP unavailable: {why}");
                ExportOptions(variant.Options, "", backend);
                if (kernels != Kernels.None && OrtOpLibrary.Find() is null) OrtOpLibrary.Require();
                break;
            case Backend.TensorRt:
                RefuseChannelsLast(variant.Options);
                if (TensorRtUnavailableReason(device) is { } reason) throw new BackendUnavailableException($"{backend}: {reason}");
                ExportOptions(variant.Options, "", backend);
                break;
        }
    }

    private static OnnxExportOptions ExportOptions(ModelOptions options, string modelName, string backend)
    {
        var export = OnnxExportOptions.For(options, modelName);
        try
        {
            export.CheckExportable();
        }
        catch (ArgumentException e)
        {
            throw new BackendUnavailableException($"{backend}: {e.Message}");
        }
        return export;
    }

    /// <summary>
    /// The ONNX model SwinBench exports for these options (the weights of <paramref name="model"/>), built in memory on
    /// every call and never cached, so a session always runs the weights file as it is now. A kernel the exporter has no
    /// op for is a <see cref="BackendUnavailableException"/> naming the kernel.
    /// </summary>
    public static byte[] ExportOnnx(ModelOptions options, ModelSpec model, string backend = "ort")
    {
        var export = ExportOptions(options, model.Name, backend);
        using var net = model.Create(options with { Kernels = Kernels.None });
        return OnnxExporter.Export(net, export);
    }

    private static bool IsCuda(string device) => device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);

    private static IInferenceSession OpenOrt(ModelOptions options, ModelSpec model, string device)
    {
        var cuda = IsCuda(device);
        if (cuda && OrtAvailability.CudaUnavailableReason() is { } why) throw new BackendUnavailableException($"ort: CUDA EP unavailable: {why}");
        var onnx = ExportOnnx(options, model);
        var index = cuda ? Math.Max(0, (int)TorchDevices.Resolve(device).index) : 0;
        return OrtSession.FromBytes(onnx, new OrtSessionOptions
        {
            Provider = cuda ? OrtProvider.Cuda : OrtProvider.Cpu,
            DeviceId = index,
            CustomOpLibrary = ModelOptions.NativeKernels(options.Kernels) != Kernels.None ? OrtOpLibrary.Require() : null,
            PreferNhwc = options.Kernels.HasFlag(Kernels.ChannelsLast),
        });
    }

    /// <summary>Why TensorRT cannot run on this device here (no TensorRT, no library, or not a CUDA device), or null.</summary>
    public static string? TensorRtUnavailableReason(string device) =>
        TensorRtAvailability.UnavailableReason() ?? (IsCuda(device) ? null : "TensorRT runs on CUDA devices only");

    /// <summary>Refuses <see cref="Kernels.ChannelsLast"/> by name: TensorRT picks its own tensor formats.</summary>
    private static void RefuseChannelsLast(ModelOptions options)
    {
        if (options.Kernels.HasFlag(Kernels.ChannelsLast))
            throw new BackendUnavailableException(
                "tensorrt: layout 'channels_last' does not apply: TensorRT chooses its own tensor formats per layer; run without it");
    }

    private static IInferenceSession OpenTensorRt(ModelOptions options, ModelSpec model, string device, int height, int width)
    {
        RefuseChannelsLast(options);
        if (TensorRtUnavailableReason(device) is { } why) throw new BackendUnavailableException($"tensorrt: {why}");
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
