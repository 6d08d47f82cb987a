using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Onnx;
using static TorchSharp.torch;

namespace SwinBench.Tests.Onnx;

/// <summary>
/// A variant means the same on both CPU backends: the TorchSharp model with a kernel set (its plugins-cu CPU references)
/// against the ONNX graph of the same options run by ONNX Runtime with the op library, opened through
/// <see cref="SessionFactory"/>, on a tiny random model at an odd size (padding, shifted and unshifted blocks).
/// </summary>
public class OnnxKernelVariantTests(ITestOutputHelper output)
{
    private static readonly ModelSpec Tiny = new(new SwinIRConfig
    {
        Upscale = 2, InChans = 3, ImgSize = 16, WindowSize = 4, ImgRange = 1.0, Depths = [2, 2], EmbedDim = 24,
        NumHeads = [6, 4], MlpRatio = 2, Upsampler = "pixelshuffledirect", ResiConnection = "1conv",
    }, Seed: 11, Name: "tiny-kernels");

    public static TheoryData<MaskMode, string> KernelSets()
    {
        var data = new TheoryData<MaskMode, string>();
        foreach (var mask in new[] { MaskMode.PerBlock, MaskMode.Hoisted })
        {
            foreach (var row in ModelOptions.KernelTokens.Where(r => OnnxExportOptions.ExportableKernels.HasFlag(r.Flag)))
                data.Add(mask, row.Token);
            data.Add(mask, ModelOptions.TokenList(OnnxExportOptions.PerOpKernels).Replace(" ", ""));
            data.Add(mask, ModelOptions.TokenList(OnnxExportOptions.ExportableKernels).Replace(" ", ""));
            data.Add(mask, "channels_last");
            data.Add(mask, "all");
            data.Add(mask, "all,swin_block,channels_last");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KernelSets))]
    public void Ort_graph_equals_the_torchsharp_model_with_the_same_kernels(MaskMode mask, string kernels)
    {
        Assert.True(OrtOpLibrary.Find() is not null, "libswinbench_ort.so not found: run scripts/build-plugins.sh first");
        var options = new ModelOptions { Mask = mask, Kernels = ModelOptions.ParseKernels(kernels) };
        using var generator = new Generator(5); // its own generator: the default one is shared by tests running in parallel
        using var x = rand([2, 3, 11, 14], generator: generator);
        var input = x.data<float>().ToArray();
        var outputs = new List<(float[] Data, long[] Shape)>();
        foreach (var backend in new[] { Backend.TorchSharp, Backend.OnnxRuntime })
        {
            using var session = SessionFactory.Open(new Variant("v", options, backend), Tiny, "cpu");
            session.SetInput(input, x.shape);
            session.Run();
            outputs.Add(session.GetOutput());
        }
        Assert.Equal([2L, 3, 22, 28], outputs[0].Shape);
        Assert.Equal(outputs[0].Shape, outputs[1].Shape);
        var maxDiff = OrtCpu.MaxAbsDiff(outputs[1].Data, outputs[0].Data);
        output.WriteLine($"{options.Label}: ort vs torchsharp max|d| = {maxDiff:E3}");
        Assert.True(maxDiff <= 1e-4, $"{options.Label}: ort vs torchsharp max|d| = {maxDiff:E3} > 1e-4");
    }

    [Fact]
    public void Cuda_graph_on_onnx_runtime_is_refused_by_name_as_a_torchsharp_mode()
    {
        var options = new ModelOptions { Kernels = Kernels.SwinBlock | Kernels.CudaGraph };
        var e = Assert.Throws<BackendUnavailableException>(() => SessionFactory.Open(new Variant("v", options, Backend.OnnxRuntime), Tiny, "cpu"));
        Assert.Contains("'cuda_graph'", e.Message);
        Assert.Contains("mode of the TorchSharp swin_block handles", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Channels_last_is_the_cuda_eps_prefer_nhwc_and_refused_by_name_on_tensorrt()
    {
        var options = new ModelOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.ChannelsLast };
        using (var session = (OrtSession)SessionFactory.Open(new Variant("v", options, Backend.OnnxRuntime), Tiny, "cpu"))
        {
            Assert.True(session.Options.PreferNhwc);
            Assert.Null(session.Options.CustomOpLibrary); // a layout: no op library needed
        }
        var e = Assert.Throws<BackendUnavailableException>(() => SessionFactory.CheckAvailable(new Variant("v", options, Backend.TensorRt), "cuda"));
        Assert.StartsWith("tensorrt: layout 'channels_last' does not apply", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Aligned_rows_pads_the_graphs_convolutions_to_multiples_of_8_channels()
    {
        Assert.Equal([3L, 8, 16, 16, 184, 64], new long[] { 3, 8, 9, 16, 180, 64 }.Select(AlignedLinear.Align));
        var config = Tiny.Config with { EmbedDim = 20, NumHeads = [5, 4] }; // C = 20: padded to 24
        using var net = ModelFactory.CreateRandom(config, ModelOptions.Original, 3);
        var plain = OnnxGraphReport.Of(OnnxExporter.BuildModel(net, OnnxExportOptions.For(new ModelOptions { Kernels = OnnxExportOptions.PerOpKernels })));
        var aligned = OnnxGraphReport.Of(OnnxExporter.BuildModel(net, OnnxExportOptions.For(new ModelOptions { Kernels = Kernels.All })));
        Assert.Equal(plain.Count("Conv"), aligned.Count("Conv"));
        // each convolution pads an unaligned input (a Pad node) and slices an unaligned output (a Slice node)
        var shapes = net.named_parameters().Where(p => p.name.EndsWith(".weight") && p.parameter.dim() == 4).Select(p => (Out: p.parameter.shape[0], In: p.parameter.shape[1])).ToList();
        output.WriteLine(string.Join(" ", shapes));
        Assert.Equal(shapes.Count(s => AlignedLinear.Align(s.In) != s.In), aligned.Count("Pad") - plain.Count("Pad"));
        Assert.Equal(shapes.Count(s => AlignedLinear.Align(s.Out) != s.Out), aligned.Count("Slice") - plain.Count("Slice"));
    }
}
