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
    public static string? TensorRtUnavailableReason(string device) => SessionFactory.TensorRtUnavailableReason(device);

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

    /// <summary>The case's preset model: the sweep's official weights when given, else seed 0.</summary>
    private ModelSpec Model()
    {
        var preset = Case.Task.Preset;
        Sweep.Current.Weights.TryGetValue(preset.Name, out var weights);
        return new ModelSpec(preset.Config, weights, preset.WrapKey, Seed: 0, Name: preset.Name);
    }

    private IInferenceSession Open(ModelOptions options) =>
        SessionFactory.Open(new Variant("", options), Model(), Sweep.Current.Device);

    /// <summary>
    /// ONNX Runtime on the graph SwinBench exports for these options on the sweep's device (CPU EP or CUDA EP); with
    /// <paramref name="customOps"/> the kernels the exporter has ops for (the old "all five ops" set) run as
    /// <c>swinbench</c> ops (the op library of plugins-cu).
    /// </summary>
    private IInferenceSession OpenOrt(ModelOptions options, bool customOps) =>
        SessionFactory.Open(new Variant("", options with { Kernels = customOps ? OrtOpsKernels : Kernels.None }, Backend.OnnxRuntime), Model(), Sweep.Current.Device);

    /// <summary>The kernels of the custom-op ORT and TensorRT variants: the five ops the op library has.</summary>
    private const Kernels OrtOpsKernels = Kernels.WindowMask | Kernels.LnRollPartition | Kernels.ReverseRollAdd | Kernels.QkvSplit | Kernels.LayerNormFp32;

    /// <summary>TensorRT on the custom-op graph, one engine per case (profile = the case's input size).</summary>
    private IInferenceSession OpenTensorRt(ModelOptions options, int height, int width) =>
        SessionFactory.Open(new Variant("", options with { Kernels = OrtOpsKernels }, Backend.TensorRt), Model(), Sweep.Current.Device, height, width);

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
