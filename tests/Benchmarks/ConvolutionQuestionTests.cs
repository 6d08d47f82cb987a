using SwinBench.Backends;
using SwinBench.Benchmarks;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Benchmarks;

/// <summary>
/// The convolution question as data: its variant table, which variants the CPU cannot run and why, the CUDA EP settings
/// each ONNX Runtime variant hands its session, the seeded data and its channel padding, and the one-node graph.
/// </summary>
public class ConvolutionQuestionTests
{
    private static ConvolutionVariant Row(string name) => ConvolutionBenchmarks.Table.Single(v => v.Name == name);

    [Fact]
    public void Both_precisions_ask_the_same_variants_with_torchsharp_nchw_as_the_baseline_named_by_row()
    {
        foreach (var (spec, precision) in new[] { (ConvolutionBenchmarks.Fp16, Precision.Fp16), (ConvolutionBenchmarks.Fp32, Precision.Fp32) })
        {
            Assert.Equal(("convolution", VariantColumn.Name), (spec.Name, spec.RowVariant));
            Assert.Equal(ConvolutionBenchmarks.Table.Select(v => v.Name), spec.Variants.Select(spec.RowNameOf));
            Assert.Equal(("torchsharp nchw", Backend.TorchSharp), (spec.Baseline.Name, spec.Baseline.Backend));
            Assert.All(spec.Variants, v => Assert.Equal(precision, v.Precision));
            // channels-last is the layout flag (the rows' plugins column), never a native kernel
            Assert.All(spec.Variants, v => Assert.Equal(Row(v.Name).ChannelsLast ? Kernels.ChannelsLast : Kernels.None, v.Options.Kernels));
        }
    }

    [Fact]
    public void On_the_cpu_every_variant_with_a_cuda_ep_setting_is_unavailable_naming_it_and_the_rest_run()
    {
        var unavailable = ConvolutionBenchmarks.Table.Where(v => v.UnavailableReason("cpu") is not null).Select(v => v.Name);
        Assert.Equal(["ort prefer_nhwc", "ort heuristic", "ort default-search", "ort max_workspace=0", "ort fuse_conv_bias", "ort fuse_conv_bias+prefer_nhwc"],
            unavailable);
        Assert.Equal("ort: cudnn_conv_algo_search=HEURISTIC is a CUDA EP setting (run with --device cuda)", Row("ort heuristic").UnavailableReason("cpu"));
        Assert.Equal("ort: prefer_nhwc=1, fuse_conv_bias=1 are CUDA EP settings (run with --device cuda)",
            Row("ort fuse_conv_bias+prefer_nhwc").UnavailableReason("cpu"));
        Assert.Null(Row("torchsharp channels_last").UnavailableReason("cpu")); // TorchSharp's layout is no CUDA EP setting
        Assert.All(ConvolutionBenchmarks.Table, v => Assert.Null(v.UnavailableReason("cuda:0")));
    }

    [Fact]
    public void Each_ort_variants_settings_reach_what_append_cuda_passes_and_ort_default_adds_nothing()
    {
        var spec = ConvolutionBenchmarks.Fp16;
        Dictionary<string, string> Settings(string name) =>
            Row(name).OrtOptions(spec.Variants.Single(v => v.Name == name), "cpu", 1).CudaProviderSettings([]);
        var plain = new OrtSessionOptions().CudaProviderSettings([]);
        Assert.Equal(plain, Settings("ort default"));
        Assert.Equal(plain, Settings("ort C aligned to 8"));
        Assert.Equal(plain.Append(new("prefer_nhwc", "1")), Settings("ort prefer_nhwc"));
        Assert.Equal("HEURISTIC", Settings("ort heuristic")["cudnn_conv_algo_search"]);
        Assert.Equal("DEFAULT", Settings("ort default-search")["cudnn_conv_algo_search"]);
        Assert.Equal("0", Settings("ort max_workspace=0")["cudnn_conv_use_max_workspace"]);
        Assert.Equal(plain.Append(new("fuse_conv_bias", "1")), Settings("ort fuse_conv_bias"));
        Assert.Equal(plain.Append(new("prefer_nhwc", "1")).Append(new("fuse_conv_bias", "1")), Settings("ort fuse_conv_bias+prefer_nhwc"));
        var options = Row("ort default").OrtOptions(spec.Variants.Single(v => v.Name == "ort default"), "cpu", 1);
        Assert.Equal((OrtProvider.Cpu, 1, true, (string?)null), (options.Provider, options.IntraOpThreads, options.Fp16Io, options.CustomOpLibrary));
    }

    [Fact]
    public void The_seeded_data_is_reproducible_and_bounded_and_padding_appends_zero_channels()
    {
        var data = ConvolutionData.Seeded(12, 3, 5);
        Assert.Equal(data.Input, ConvolutionData.Seeded(12, 3, 5).Input);
        Assert.NotEqual(data.Input, ConvolutionData.Seeded(12, 3, 5, seed: 1).Input);
        Assert.Equal((12 * 15, 12 * 12 * 9, 12), (data.Input.Length, data.Weight.Length, data.Bias.Length));
        Assert.All(data.Input, x => Assert.InRange(x, -1f, 1f));
        Assert.All(data.Weight, x => Assert.InRange(x, -0.17f, 0.17f)); // sqrt(3 / 108) = 0.1667
        Assert.Contains(data.Weight, x => Math.Abs(x) > 0.15f);

        var padded = data.PaddedTo((int)AlignedLinear.Align(12));
        Assert.Equal(16, padded.Channels);
        Assert.Equal(data.Input, padded.Input[..data.Input.Length]);
        Assert.All(padded.Input[data.Input.Length..], x => Assert.Equal(0f, x));
        for (var o = 0; o < 16; o++)
        for (var i = 0; i < 16; i++)
        for (var k = 0; k < 9; k++)
        {
            var expected = o < 12 && i < 12 ? data.Weight[(o * 12 + i) * 9 + k] : 0f;
            Assert.Equal(expected, padded.Weight[(o * 16 + i) * 9 + k]);
        }
        Assert.Equal([.. data.Bias, 0f, 0f, 0f, 0f], padded.Bias);
        Assert.Equal(Enumerable.Range(0, 12 * 15).Select(i => (float)i), data.OwnChannels([.. Enumerable.Range(0, 16 * 15).Select(i => (float)i)]));
        Assert.Same(data, data.PaddedTo(12));
        Assert.Throws<ArgumentException>(() => data.PaddedTo(8));
    }

    [Fact]
    public void The_graph_is_one_conv_node_with_its_weights_as_initializers_and_dynamic_n_h_w()
    {
        var data = ConvolutionData.Seeded(8, 4, 4);
        var model = ConvolutionGraph.Build(data.Weight, data.Bias, 8, 3, OnnxDataType.Float16);
        var node = Assert.Single(model.Graph.Nodes);
        Assert.Equal("Conv", node.OpType);
        Assert.Equal([3L, 3], node.Attribute("kernel_shape")!.AsInts);
        Assert.Equal([1L, 1, 1, 1], node.Attribute("pads")!.AsInts);
        Assert.Equal(["weight", "bias"], model.Graph.Initializers.Select(t => t.Name));
        Assert.All(model.Graph.Initializers, t => Assert.Equal(OnnxDataType.Float16, t.DataType));
        Assert.Equal([8L, 8, 3, 3], model.Graph.Initializers[0].Dims);
        Assert.Equal("N,8,H,W", string.Join(",", model.Graph.Inputs.Single().Shape));
        Assert.Equal(("output", "N,8,H,W"), (model.Graph.Outputs.Single().Name, string.Join(",", model.Graph.Outputs.Single().Shape)));
        Assert.Throws<ArgumentException>(() => ConvolutionGraph.Build(data.Weight, data.Bias, 7, 3, OnnxDataType.Float));
        Assert.Throws<ArgumentException>(() => ConvolutionGraph.Build(data.Weight, data.Bias[..7], 8, 3, OnnxDataType.Float));
    }
}
