using SwinBench.Backends;
using SwinBench.Model;
using static SwinBench.Tests.Backends.OnnxTestModel;
using static TorchSharp.torch;

namespace SwinBench.Tests.Backends;

/// <summary>
/// The ONNX Runtime backend on the CPU EP: tiny graphs written in the test, the swinbench custom ops against the
/// TorchSharp reference of what they fuse (exact in FP32), their shape inference, and the clear errors (no op library,
/// no CUDA). The custom-op tests need plugins-cu built: <c>bash scripts/build-plugins.sh</c>.
/// </summary>
public class OrtSessionTests
{
    private const string Domain = "swinbench";

    /// <summary>(B, H, W, C, window, shift): padded sizes of odd images, batch &gt; 1, C not a multiple of 32.</summary>
    public static TheoryData<int, int, int, int, int, int> WindowCases => new()
    {
        { 2, 14, 21, 45, 7, 3 },
        { 3, 16, 24, 60, 8, 4 },
        { 2, 10, 15, 33, 5, 2 },
        { 1, 8, 8, 1, 8, 0 },
    };

    private static string OpLibrary => OrtOpLibrary.Find() ?? throw new InvalidOperationException(
        $"the swinbench custom-op library is not built ({OrtOpLibrary.RelativePath}): run 'bash scripts/build-plugins.sh' before 'dotnet test'");

    private static OrtSession Session(byte[] model, bool ops = true) =>
        OrtSession.FromBytes(model, new OrtSessionOptions { CustomOpLibrary = ops ? OpLibrary : null, IntraOpThreads = 1 });

    private static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();

    private static Tensor Rand(long seed, params long[] shape)
    {
        using var g = new Generator((ulong)seed);
        return randn(shape, generator: g);
    }

    private static Tensor Roll(Tensor t, long shift) => t.roll([shift, shift], [1, 2]);

    private static void AssertExact(Tensor expected, (float[] Data, long[] Shape) actual)
    {
        Assert.Equal(expected.shape, actual.Shape);
        var e = Data(expected);
        for (var i = 0; i < e.Length; i++)
            if (BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(actual.Data[i]))
                Assert.Fail($"element {i}: expected {e[i]:R}, got {actual.Data[i]:R}");
    }

    /// <summary>A LayerNormFp32 graph over (B, L, c) x of <paramref name="xType"/> with float32 weight and bias, run on x.</summary>
    private static (float[] Data, long[] Shape) RunLayerNormFp32(int xType, Tensor x, Tensor weight, Tensor bias)
    {
        var c = x.shape[^1];
        var model = new OnnxTestModel()
            .Input("x", xType, "B", "L", c).Input("weight", Float, c).Input("bias", Float, c)
            .Node(Domain, "LayerNormFp32", ["x", "weight", "bias"], ["y"], ("epsilon", 1e-5f))
            .Output("y", xType)
            .ToBytes();
        using var s = Session(model);
        s.SetInput("x", Data(x), x.shape);
        s.SetInput("weight", Data(weight), weight.shape);
        s.SetInput("bias", Data(bias), bias.shape);
        s.Run();
        return s.GetOutput();
    }

    private static byte[] LnRollPartitionModel(int ws, int shift) => new OnnxTestModel()
        .Input("x", Float, "B", "L", "C").Input("weight", Float, "C").Input("bias", Float, "C").Input("image", Float, "B", 3, "H", "W")
        .Node(Domain, "LnRollPartition", ["x", "weight", "bias", "image"], ["windows"],
            ("window_size", (long)ws), ("shift_size", (long)shift), ("epsilon", 1e-5f))
        .Output("windows", Float)
        .ToBytes();

    // ---- the custom ops against TorchSharp ---------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(WindowCases))]
    public void ReverseRollAdd_equals_window_reverse_roll_and_residual_add(int b, int h, int w, int c, int ws, int shift)
    {
        var nW = h / ws * (w / ws);
        using var windows = Rand(2, b * nW, ws * ws, c);
        using var residual = Rand(3, b, h * w, c);
        using var expected = residual + Roll(WindowOps.Reverse(windows.view(-1, ws, ws, c), ws, h, w), shift).view(b, h * w, c);
        var model = new OnnxTestModel()
            .Input("windows", Float, "BW", "N", "C").Input("residual", Float, "B", "L", "C").Input("image", Float, "B", 3, "H", "W")
            .Node(Domain, "ReverseRollAdd", ["windows", "residual", "image"], ["y"], ("window_size", (long)ws), ("shift_size", (long)shift))
            .Output("y", Float)
            .ToBytes();
        using var s = Session(model);
        s.SetInput("windows", Data(windows), windows.shape);
        s.SetInput("residual", Data(residual), residual.shape);
        s.SetInput("image", new float[b * 3 * h * w], [b, 3, h, w]);
        s.Run();
        AssertExact(expected, s.GetOutput("y"));
    }

    [Theory]
    [InlineData(14, 21, 7, 3, Float)]
    [InlineData(16, 24, 8, 4, Float)]
    [InlineData(10, 15, 5, 2, Float16)]
    [InlineData(7, 7, 7, 3, Float16)]
    public void WindowMask_equals_the_official_shifted_window_mask(int h, int w, int ws, int shift, int imageType)
    {
        using var expected = WindowOps.ShiftedWindowMask(h, w, ws, shift);
        var model = new OnnxTestModel()
            .Input("image", imageType, 1, 3, "H", "W")
            .Node(Domain, "WindowMask", ["image"], ["mask"], ("window_size", (long)ws), ("shift_size", (long)shift))
            .Output("mask", Float)
            .ToBytes();
        using var s = Session(model);
        s.SetInput("image", new float[3 * h * w], [1, 3, h, w]);
        s.Run();
        var (mask, shape) = s.GetOutput();
        Assert.Equal(expected.shape, shape);
        Assert.Equal(Data(expected), mask); // by value: WindowOps writes 0 * -100 = -0 where the official code has 0
    }

    [Theory]
    [InlineData(12, 49, 60, 6)]
    [InlineData(3, 64, 180, 6)]
    [InlineData(5, 25, 45, 3)]
    public void QkvSplit_equals_reshape_permute_and_q_scaling(int bw, int n, int c, int heads)
    {
        var d = c / heads;
        var scale = 1f / MathF.Sqrt(d);
        using var qkv = Rand(4, bw, n, 3 * c);
        using var parts = qkv.reshape(bw, n, 3, heads, d).permute(2, 0, 3, 1, 4);
        var model = new OnnxTestModel()
            .Input("qkv", Float, "BW", n, 3 * c)
            .Node(Domain, "QkvSplit", ["qkv"], ["q", "k", "v"], ("num_heads", (long)heads), ("scale", scale))
            .Output("q", Float).Output("k", Float).Output("v", Float)
            .ToBytes();
        using var s = Session(model);
        s.SetInput("qkv", Data(qkv), qkv.shape);
        s.Run();
        using var q = parts[0] * scale;
        using var k = parts[1];
        using var v = parts[2];
        AssertExact(q, s.GetOutput("q"));
        AssertExact(k, s.GetOutput("k"));
        AssertExact(v, s.GetOutput("v"));
    }

    private static void AssertClose(Tensor expected, (float[] Data, long[] Shape) actual, float tolerance)
    {
        Assert.Equal(expected.shape, actual.Shape);
        var e = Data(expected);
        var max = 0f;
        for (var i = 0; i < e.Length; i++) max = Math.Max(max, Math.Abs(e[i] - actual.Data[i]));
        Assert.True(max <= tolerance, $"max|d| = {max:E3} > {tolerance:E1}");
    }

    [Theory]
    [MemberData(nameof(WindowCases))]
    public void LnRollPartition_equals_layer_norm_then_roll_and_window_partition(int b, int h, int w, int c, int ws, int shift)
    {
        using var x = Rand(5, b, h * w, c) * 3 + 1;
        using var weight = Rand(6, c);
        using var bias = Rand(7, c);
        using var normed = nn.functional.layer_norm(x, [c], weight, bias, 1e-5);
        using var expected = WindowOps.Partition(Roll(normed.view(b, h, w, c), -shift), ws).view(-1, ws * ws, c);
        using var s = Session(LnRollPartitionModel(ws, shift));
        s.SetInput("x", Data(x), x.shape);
        s.SetInput("weight", Data(weight), weight.shape);
        s.SetInput("bias", Data(bias), bias.shape);
        s.SetInput("image", new float[b * 3 * h * w], [b, 3, h, w]);
        s.Run();
        AssertClose(expected, s.GetOutput("windows"), 1e-5f);
    }

    /// <summary>WindowAttention with the mask as a third input ("mask"), left out (null), or an empty name ("").</summary>
    [Theory]
    [InlineData(2, 4, 16, 24, 3, "mask")]
    [InlineData(2, 4, 16, 24, 3, null)]
    [InlineData(2, 4, 16, 24, 3, "")]
    [InlineData(1, 6, 49, 60, 6, "mask")]
    public void WindowAttention_equals_softmax_of_scaled_scores_plus_bias_and_mask_times_v(int b, int nW, int n, int c, int heads, string? maskName)
    {
        var d = c / heads;
        var scale = 1f / MathF.Sqrt(d);
        using var qkv = Rand(8, b * nW, n, 3 * c);
        using var bias = Rand(9, heads, n, n);
        using var maskValues = Rand(10, nW, n, n).gt(0.5).to(ScalarType.Float32) * -100f;
        using var parts = qkv.reshape(b * nW, n, 3, heads, d).permute(2, 0, 3, 1, 4);
        using var scores = (parts[0] * scale).matmul(parts[1].transpose(-2, -1)) + bias.unsqueeze(0);
        using var masked = maskName == "mask" ? (scores.view(b, nW, heads, n, n) + maskValues.unsqueeze(1).unsqueeze(0)).view(b * nW, heads, n, n) : scores.alias();
        using var expected = nn.functional.softmax(masked, -1).matmul(parts[2]).transpose(1, 2).reshape(b * nW, n, c);
        string[] inputs = maskName is null ? ["qkv", "bias"] : ["qkv", "bias", maskName];
        var builder = new OnnxTestModel().Input("qkv", Float, "BW", n, 3 * c).Input("bias", Float, heads, n, n);
        if (maskName == "mask") builder.Input("mask", Float, nW, n, n);
        var model = builder
            .Node(Domain, "WindowAttention", inputs, ["y"], ("num_heads", (long)heads), ("scale", scale))
            .Output("y", Float)
            .ToBytes();
        using var s = Session(model);
        s.SetInput("qkv", Data(qkv), qkv.shape);
        s.SetInput("bias", Data(bias), bias.shape);
        if (maskName == "mask") s.SetInput("mask", Data(maskValues), maskValues.shape);
        s.Run();
        AssertClose(expected, s.GetOutput("y"), 1e-5f);
    }

    [Fact]
    public void LayerNormFp32_matches_layer_norm()
    {
        using var x = Rand(5, 2, 50, 45) * 2 + 1;
        using var weight = Rand(6, 45);
        using var bias = Rand(7, 45);
        using var expected = nn.functional.layer_norm(x, [45], weight, bias, 1e-5);
        var (y, shape) = RunLayerNormFp32(Float, x, weight, bias);
        Assert.Equal(x.shape, shape);
        var e = Data(expected);
        Assert.True(e.Zip(y).Max(p => MathF.Abs(p.First - p.Second)) <= 1e-5f);
    }

    // ---- FP16 --------------------------------------------------------------------------------------------------------

    [Fact]
    public void ReverseRollAdd_fp16_with_a_float_image_adds_once_in_fp16()
    {
        const int b = 2, h = 10, w = 15, c = 33, ws = 5, shift = 2;
        using var windows = Rand(9, b * 6, ws * ws, c).to(ScalarType.Float16);
        using var residual = Rand(10, b, h * w, c).to(ScalarType.Float16);
        using var rolled = Roll(WindowOps.Reverse(windows.view(-1, ws, ws, c), ws, h, w), shift).view(b, h * w, c);
        using var expected = (residual + rolled).to(ScalarType.Float32); // torch adds fp16 in float, rounds once
        var model = new OnnxTestModel()
            .Input("windows", Float16, "BW", "N", c).Input("residual", Float16, "B", "L", c).Input("image", Float, "B", 3, "H", "W")
            .Node(Domain, "ReverseRollAdd", ["windows", "residual", "image"], ["y"], ("window_size", (long)ws), ("shift_size", (long)shift))
            .Output("y", Float16)
            .ToBytes();
        using var s = Session(model);
        using var w32 = windows.to(ScalarType.Float32);
        using var r32 = residual.to(ScalarType.Float32);
        s.SetInput("windows", Data(w32), w32.shape);
        s.SetInput("residual", Data(r32), r32.shape);
        s.SetInput("image", new float[b * 3 * h * w], [b, 3, h, w]);
        s.Run();
        AssertExact(expected, s.GetOutput());
    }

    [Fact]
    public void LayerNormFp32_fp16_with_fp32_weights_stays_within_fp16_rounding()
    {
        using var x = (Rand(11, 3, 64, 60) * 2 + 1).to(ScalarType.Float16).to(ScalarType.Float32);
        using var weight = Rand(12, 60);
        using var bias = Rand(13, 60);
        using var expected = nn.functional.layer_norm(x, [60], weight, bias, 1e-5);
        var y = RunLayerNormFp32(Float16, x, weight, bias).Data;
        var e = Data(expected);
        for (var i = 0; i < e.Length; i++)
            Assert.True(MathF.Abs(e[i] - y[i]) <= MathF.Abs(e[i]) * MathF.Pow(2, -10) + 1e-4f, $"element {i}: {e[i]} vs {y[i]}");
    }

    // ---- shape inference: dynamic H/W without Shape/Gather chains -----------------------------------------------------

    [Fact]
    public void Shape_inference_gives_symbolic_output_shapes_from_the_input_dims()
    {
        using var roll = Session(LnRollPartitionModel(7, 3));
        var windows = roll.OutputMetadata["windows"];
        Assert.Equal([-1, 49, -1], windows.Dimensions);
        Assert.Equal(["B*(H/7)*(W/7)", "", "C"], windows.SymbolicDimensions);

        var qkvModel = new OnnxTestModel()
            .Input("qkv", Float, "BW", 64, 540)
            .Node(Domain, "QkvSplit", ["qkv"], ["q", "k", "v"], ("num_heads", 6L), ("scale", 0.18f))
            .Output("q", Float).Output("k", Float).Output("v", Float)
            .ToBytes();
        using var qkv = Session(qkvModel);
        foreach (var name in new[] { "q", "k", "v" })
        {
            Assert.Equal([-1, 6, 64, 30], qkv.OutputMetadata[name].Dimensions);
            Assert.Equal("BW", qkv.OutputMetadata[name].SymbolicDimensions[0]);
        }

        var maskModel = new OnnxTestModel()
            .Input("image", Float, 1, 3, 16, 24)
            .Node(Domain, "WindowMask", ["image"], ["mask"], ("window_size", 8L), ("shift_size", 4L))
            .Output("mask", Float)
            .ToBytes();
        using var mask = Session(maskModel);
        Assert.Equal([6, 64, 64], mask.OutputMetadata["mask"].Dimensions);
    }

    // ---- errors ------------------------------------------------------------------------------------------------------

    [Fact]
    public void A_custom_op_graph_without_the_op_library_names_the_op_and_how_to_build_it()
    {
        var e = Assert.Throws<BackendUnavailableException>(() => Session(LnRollPartitionModel(7, 3), ops: false));
        Assert.Contains("swinbench::LnRollPartition", e.Message);
        Assert.Contains("domain 'swinbench'", e.Message);
        Assert.Contains("scripts/build-plugins.sh", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_op_library_file_is_a_clear_error()
    {
        var e = Assert.Throws<BackendUnavailableException>(() => OrtSession.FromBytes(LnRollPartitionModel(7, 3),
            new OrtSessionOptions { CustomOpLibrary = "/nonexistent/libswinbench_ort.so" }));
        Assert.Contains("/nonexistent/libswinbench_ort.so", e.Message);
        Assert.Contains("scripts/build-plugins.sh", e.Message);
    }

    [Fact]
    public void A_kernel_error_names_the_op_and_the_problem()
    {
        using var s = Session(LnRollPartitionModel(7, 3));
        s.SetInput("x", new float[15 * 21 * 4], [1, 15 * 21, 4]);
        s.SetInput("weight", new float[4], [4]);
        s.SetInput("bias", new float[4], [4]);
        s.SetInput("image", new float[3 * 15 * 21], [1, 3, 15, 21]);
        var e = Assert.Throws<ArgumentException>(s.Run);
        Assert.Contains("swinbench::LnRollPartition", e.Message);
        Assert.Contains("multiples of window_size 7", e.Message);
    }

    [Fact]
    public void A_missing_attribute_fails_at_load_naming_it()
    {
        var model = new OnnxTestModel()
            .Input("x", Float, 1, 49, 4).Input("weight", Float, 4).Input("bias", Float, 4).Input("image", Float, 1, 3, 7, 7)
            .Node(Domain, "LnRollPartition", ["x", "weight", "bias", "image"], ["windows"], ("shift_size", 3L))
            .Output("windows", Float)
            .ToBytes();
        var e = Assert.Throws<InvalidDataException>(() => Session(model));
        Assert.Contains("'window_size'", e.Message);
    }

    [Fact]
    public void Ort_cuda_on_a_machine_without_cuda_is_backend_unavailable()
    {
        if (OrtAvailability.CudaUnavailableReason() is null) return; // a CUDA machine: nothing to show here
        var e = Assert.Throws<BackendUnavailableException>(() =>
            OrtSession.FromBytes(DoublingModel(), new OrtSessionOptions { Provider = OrtProvider.Cuda }));
        Assert.StartsWith("ONNX Runtime CUDA EP unavailable: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(OrtAvailability.Probe(), l => l.StartsWith("ort-cuda: unavailable: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Probe_reports_the_cpu_provider_and_its_version()
    {
        var lines = OrtAvailability.Probe();
        Assert.Equal("ort-cpu: available 1.31.0", lines[0]);
        Assert.StartsWith("ort-cuda: ", lines[1]);
        Assert.Equal("1.31.0", OrtAvailability.Version);
    }

    // ---- the plain backend -------------------------------------------------------------------------------------------

    private static byte[] DoublingModel(int type = Float) => new OnnxTestModel()
        .Input("input", type, "N", 3, "H", "W")
        .Node("", "Add", ["input", "input"], ["output"])
        .Output("output", type)
        .ToBytes();

    [Fact]
    public void A_plain_model_runs_through_the_inference_session_interface()
    {
        using IInferenceSession s = OrtSession.FromBytes(DoublingModel(), new OrtSessionOptions { IntraOpThreads = 1 });
        Assert.Equal(("ort", "cpu"), (s.Backend, s.Device));
        var input = Enumerable.Range(0, 2 * 3 * 5 * 7).Select(i => i * 0.25f).ToArray();
        s.SetInput(input, [2, 3, 5, 7]);
        s.Run();
        var (data, shape) = s.GetOutput();
        Assert.Equal([2L, 3, 5, 7], shape);
        Assert.Equal(input.Select(v => 2 * v), data);
    }

    [Fact]
    public void Fp16_io_converts_at_the_boundary_and_is_checked_against_the_model()
    {
        using (var s = OrtSession.FromBytes(DoublingModel(Float16), new OrtSessionOptions { Fp16Io = true, IntraOpThreads = 1 }))
        {
            s.SetInput([0.1f, 1.5f, -3f], [1, 3, 1, 1]);
            s.Run();
            Assert.Equal([(float)(Half)0.2f, 3f, -6f], s.GetOutput().Data);
        }
        var e = Assert.Throws<ArgumentException>(() => OrtSession.FromBytes(DoublingModel(), new OrtSessionOptions { Fp16Io = true }));
        Assert.Contains("Fp16Io", e.Message);
    }

    [Fact]
    public void Graph_scan_lists_custom_ops_only()
    {
        Assert.Equal([("swinbench", "LnRollPartition")], OnnxGraphScan.CustomOps(LnRollPartitionModel(7, 3)));
        Assert.Empty(OnnxGraphScan.CustomOps(DoublingModel()));
        Assert.Throws<InvalidDataException>(() => OnnxGraphScan.CustomOps(new byte[] { 0x3a, 0x10, 0x01 }));
    }
}
