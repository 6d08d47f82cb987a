using SwinBench.Backends;
using SwinBench.Metrics;
using SwinBench.Model;
using SwinBench.Onnx;
using static TorchSharp.torch;

namespace SwinBench.Benchmarks;

/// <summary>
/// How long does one SwinIR convolution (C → C, 3×3, padding 1, with bias; C the case's embed dim, the case's H×W,
/// batch 1) take in ONNX Runtime's CUDA EP across its convolution settings, against TorchSharp (cuDNN)? No model runs:
/// each variant of <see cref="Table"/> convolves the same seeded data (<see cref="ConvolutionData"/>); ONNX Runtime runs
/// a one-node graph (<see cref="ConvolutionGraph"/>) through <see cref="OrtSession"/>. Fidelity is against TorchSharp's
/// FP32 NCHW convolution of the same data on the same device. Variants that set CUDA EP settings are unavailable on
/// the CPU (<see cref="ConvolutionVariant.UnavailableReason"/>). <see cref="Fp16"/> is the GPU sweep's question,
/// <see cref="Fp32"/> the CPU sweep's.
/// </summary>
public class ConvolutionBenchmarks : Question
{
    private static Dictionary<string, string> Cuda(string key, string value) => new() { [key] = value };

    /// <summary>The variants, in order; the first (TorchSharp NCHW) is the baseline. <c>ort default</c> is what SwinBench's own sessions use.</summary>
    public static readonly IReadOnlyList<ConvolutionVariant> Table =
    [
        new("torchsharp nchw", Backend.TorchSharp),
        new("torchsharp channels_last", Backend.TorchSharp, ChannelsLast: true),
        new("ort default", Backend.OnnxRuntime),
        new("ort prefer_nhwc", Backend.OnnxRuntime, ChannelsLast: true),
        new("ort heuristic", Backend.OnnxRuntime, CudaSettings: Cuda("cudnn_conv_algo_search", "HEURISTIC")),
        new("ort default-search", Backend.OnnxRuntime, CudaSettings: Cuda("cudnn_conv_algo_search", "DEFAULT")),
        new("ort max_workspace=0", Backend.OnnxRuntime, CudaSettings: Cuda("cudnn_conv_use_max_workspace", "0")),
        new("ort fuse_conv_bias", Backend.OnnxRuntime, CudaSettings: Cuda("fuse_conv_bias", "1")),
        new("ort fuse_conv_bias+prefer_nhwc", Backend.OnnxRuntime, ChannelsLast: true, CudaSettings: Cuda("fuse_conv_bias", "1")),
        new("ort C aligned to 8", Backend.OnnxRuntime, AlignChannels: true),
    ];

    public static readonly QuestionSpec Fp16 = Define(Precision.Fp16);

    public static readonly QuestionSpec Fp32 = Define(Precision.Fp32);

    private static QuestionSpec Define(Precision precision) => new(typeof(ConvolutionBenchmarks), "convolution",
        "One SwinIR convolution (3x3, C->C, padding 1, with bias): ONNX Runtime's CUDA EP across its options vs TorchSharp (cuDNN)",
        Table.Select((v, i) => v.ToVariant(precision, isBaseline: i == 0))) { RowVariant = VariantColumn.Name };

    /// <summary>It opens no model session: nothing to keep.</summary>
    protected override bool KeepsSession => false;

    private Device _device = CPU;
    private TorchConvolution? _torch;
    private OrtSession? _ort;

    protected override void SetUp()
    {
        var conv = Table.Single(v => v.Name == Variant.Name);
        var device = Run.Sweep.Device;
        if (conv.UnavailableReason(device) is { } why) throw new BackendUnavailableException(why);
        var resetPeak = HostMemory.ResetPeak();
        _device = TorchDevices.Resolve(device);
        TorchDevices.ConfigureNumerics();
        if (!TorchDevices.IsCuda(device)) CpuConvolutionCheck.Ensure();
        try
        {
            Prepare(conv, device, resetPeak);
        }
        catch
        {
            TearDown();
            throw;
        }
    }

    /// <summary>Builds the variant's convolution, runs it once and records its fidelity and memory.</summary>
    private void Prepare(ConvolutionVariant conv, string device, bool resetPeak)
    {
        var data = ConvolutionData.Seeded(Case.Task.Preset.Config.EmbedDim, Case.H, Case.W);
        float[] reference;
        using (var fp32 = new TorchConvolution(data, _device, ScalarType.Float32, channelsLast: false)) reference = fp32.Output();

        float[] output;
        var fp16 = Variant.Precision == Precision.Fp16;
        if (conv.Backend == Backend.TorchSharp)
        {
            _torch = new TorchConvolution(data, _device, fp16 ? ScalarType.Float16 : ScalarType.Float32, conv.ChannelsLast);
            output = _torch.Output();
        }
        else
        {
            var graph = conv.AlignChannels ? data.PaddedTo((int)AlignedLinear.Align(data.Channels)) : data;
            var onnx = ConvolutionGraph.Serialize(graph.Weight, graph.Bias, graph.Channels, ConvolutionData.Kernel, fp16 ? OnnxDataType.Float16 : OnnxDataType.Float);
            _ort = OrtSession.FromBytes(onnx, conv.OrtOptions(Variant, device, Run.Sweep.CpuThreads ?? 0));
            _ort.SetInput(graph.Input, graph.InputShape);
            _ort.Run();
            output = data.OwnChannels(_ort.GetOutput().Data);
        }
        TorchSharpSession.CollectGarbage();
        Run.Measurements.Set(Key, CaseMeasurement.OnDevice(ImageMetrics.FidelityPsnr(output, reference), ImageMetrics.MaxAbsDiff(output, reference),
            _device, resetPeak));
    }

    /// <summary>One convolution, the device synchronized (<see cref="OrtSession.Run"/> waits for it).</summary>
    protected override void Measure()
    {
        if (_ort is not null)
        {
            _ort.Run();
            return;
        }
        using var y = _torch!.Forward();
        TorchDevices.Synchronize(_device);
    }

    protected override void TearDown()
    {
        _torch?.Dispose();
        _torch = null;
        _ort?.Dispose();
        _ort = null;
        TorchSharpSession.CollectGarbage();
    }
}
