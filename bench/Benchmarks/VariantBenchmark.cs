using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using SwinBench.Backends;
using SwinBench.Datasets;
using SwinBench.Metrics;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// Base of the benchmark questions: every measured method times one forward pass (<see cref="IInferenceSession.Run"/>,
/// device synchronized) of one model variant on one case. Setup builds the variant, uploads the input, runs it once,
/// and records its fidelity against the FP32 original of the same backend and device and the device memory in use.
/// </summary>
[Config(typeof(SwinBenchConfig))]
public abstract class VariantBenchmark
{
    private static readonly ConcurrentDictionary<string, float[]> References = new();

    [ParamsSource(nameof(Cases))]
    public BenchCase Case { get; set; } = null!;

    public static IEnumerable<BenchCase> Cases => Sweep.Current.Cases;

    protected IInferenceSession Session { get; private set; } = null!;

    /// <summary>Which runtime a variant runs on: TorchSharp, or ONNX Runtime on the model exported by SwinBench's emitter.</summary>
    protected enum Runtime { TorchSharp, Ort, OrtCustomOps, TensorRtCustomOps }

    /// <summary>Why a TensorRT variant cannot run in this sweep (no TensorRT, no library, or a CPU sweep), or null.</summary>
    public static string? TensorRtUnavailableReason(string device) =>
        TensorRtAvailability.UnavailableReason() ??
        (device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? null : "TensorRT runs on CUDA devices only");

    protected void Setup(string method, int step, ModelOptions options, Precision paramPrecision, Runtime runtime = Runtime.TorchSharp)
    {
        var sweep = Sweep.Current;
        try
        {
            var input = CaseInputs.Make(Case, new ImageSource(sweep.DataRoot), sweep.Manifest);
            var reference = References.GetOrAdd($"{Case}|{sweep.Device}", _ => RunOnce(ModelOptions.Original, input));
            Session = runtime switch
            {
                Runtime.TorchSharp => Open(options),
                Runtime.TensorRtCustomOps => OpenTensorRt(options, input.Input.Height, input.Input.Width),
                _ => OpenOrt(options, runtime == Runtime.OrtCustomOps),
            };
            Session.SetInput(input.Input.Pixels, [1, input.Input.Channels, input.Input.Height, input.Input.Width]);
            Session.Run();
            var (output, _) = Session.GetOutput();
            TorchSharpSession.CollectGarbage();
            Measurements.Set(method, Case, paramPrecision, new CaseMeasurement(method, step, options,
                ImageMetrics.FidelityPsnr(output, reference), ImageMetrics.MaxAbsDiff(output, reference),
                Session.DeviceMemoryMB(), Session.DeviceName, input.IsReal, Backend: Session.Backend,
                OrtCustomOps: runtime == Runtime.OrtCustomOps));
        }
        catch (Exception e)
        {
            Measurements.Set(method, Case, paramPrecision, new CaseMeasurement(method, step, options, double.NaN, double.NaN, null,
                Session?.DeviceName ?? "n/a", false, e.Message.ReplaceLineEndings(" ")));
            throw;
        }
    }

    /// <summary>The case's preset model with these options: the sweep's official weights when given, else seed 0.</summary>
    private SwinIR CreateModel(ModelOptions options)
    {
        var preset = Case.Task.Preset;
        Sweep.Current.Weights.TryGetValue(preset.Name, out var weights);
        return ModelFactory.Create(preset.Config, options, weights, preset.WrapKey, seed: 0).Model;
    }

    private IInferenceSession Open(ModelOptions options) =>
        new TorchSharpSession(CreateModel(options), TorchDevices.Resolve(Sweep.Current.Device));

    /// <summary>
    /// ONNX Runtime on the graph SwinBench exports for these options (hoisted or per-block mask, fused LayerNorm, the
    /// precision; same seeded weights as the TorchSharp variants), on the sweep's device (CPU EP or CUDA EP); with
    /// <paramref name="customOps"/> every <c>swinbench</c> op replaces its subgraph (the op library of plugins-cu).
    /// </summary>
    private IInferenceSession OpenOrt(ModelOptions options, bool customOps)
    {
        var sweep = Sweep.Current;
        var onnx = ExportOnnx(options, customOps);
        var cuda = sweep.Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);
        var device = cuda ? TorchDevices.Resolve(sweep.Device) : TorchSharp.torch.CPU;
        return OrtSession.FromBytes(onnx, new OrtSessionOptions
        {
            Provider = cuda ? OrtProvider.Cuda : OrtProvider.Cpu,
            DeviceId = cuda ? Math.Max(0, (int)device.index) : 0,
            CustomOpLibrary = customOps ? OrtOpLibrary.Require() : null,
        });
    }

    private byte[] ExportOnnx(ModelOptions options, bool customOps)
    {
        using (var model = CreateModel(options with { Kernels = Kernels.None }))
            return Onnx.OnnxExporter.Export(model, new Onnx.OnnxExportOptions
            {
                Mask = options.Mask, Precision = options.Precision,
                CustomOps = customOps ? Onnx.SwinBenchOps.All : Onnx.SwinBenchOps.None,
            });
    }

    /// <summary>
    /// TensorRT on the custom-op graph (the swinbench ops as TensorRT plugins), one engine per case (profile = the case's
    /// input size), cached beside the exported .onnx under the temp folder. Unavailable: throws with the reason.
    /// </summary>
    private IInferenceSession OpenTensorRt(ModelOptions options, int height, int width)
    {
        var sweep = Sweep.Current;
        if (TensorRtUnavailableReason(sweep.Device) is { } why) throw new BackendUnavailableException($"TensorRT unavailable: {why}");
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "swinbench-trt")).FullName;
        var onnx = Path.Combine(dir, $"{Case.Task.Preset.Name}-{options.Label}-ops.onnx".Replace('/', '_').Replace(' ', '_'));
        File.WriteAllBytes(onnx, ExportOnnx(options, customOps: true));
        var device = TorchDevices.Resolve(sweep.Device);
        return TensorRtSession.FromFile(onnx, new TensorRtOptions
        {
            MinHeight = height, OptHeight = height, MaxHeight = height,
            MinWidth = width, OptWidth = width, MaxWidth = width,
            TimingCache = Path.Combine(dir, "timing.cache"),
            DeviceId = Math.Max(0, (int)device.index),
        });
    }

    private float[] RunOnce(ModelOptions options, CaseInput input)
    {
        using var s = Open(options);
        s.SetInput(input.Input.Pixels, [1, input.Input.Channels, input.Input.Height, input.Input.Width]);
        s.Run();
        return s.GetOutput().Data;
    }

    /// <summary>
    /// Outside the timed region: collect what the forward pass left for finalizers (TorchSharp objects whose native
    /// memory, device memory included, is released by their finalizers), so memory stays flat across iterations.
    /// </summary>
    [IterationCleanup]
    public void CollectGarbage() => TorchSharpSession.CollectGarbage();

    [GlobalCleanup]
    public void Cleanup()
    {
        Session?.Dispose();
        Session = null!;
        TorchSharpSession.CollectGarbage();
    }
}
