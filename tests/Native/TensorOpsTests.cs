using SwinBench.Model;
using SwinBench.Native;
using static TorchSharp.torch;

namespace SwinBench.Tests.Native;

/// <summary>
/// Each plugin op against the TorchSharp code it replaces, on odd sizes: padded maps of odd window counts (3×5, 3×7),
/// C not a multiple of 32, batch 2, window 7 and 8, shifted and not. FP32 within 1e-5; FP16 within one FP16 step of a
/// float32 reference computed from the same FP16 inputs.
/// </summary>
public class TensorOpsTests
{
    /// <summary>(B, H, W, C, heads, ws, shift): H×W are the padded sizes of e.g. 19×37 (window 8) or 20×33 (window 7).</summary>
    public static TheoryData<int, int, int, int, int, int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, int, int, bool>();
        foreach (var half in new[] { false, true })
        {
            data.Add(2, 24, 40, 36, 6, 8, 4, half); // 3×5 windows of 8, d = 6
            data.Add(2, 21, 35, 60, 5, 7, 3, half); // 3×5 windows of 7, d = 12
            data.Add(2, 24, 56, 36, 4, 8, 0, half); // 3×7 windows, unshifted, d = 9
        }
        return data;
    }

    public TensorOpsTests() => PluginFixture.Require();

    private static ScalarType Type(bool half) => half ? ScalarType.Float16 : ScalarType.Float32;

    /// <summary>Random values of the test dtype, and the same values widened to float32 for the reference.</summary>
    private static (Tensor Value, Tensor Wide) Random(bool half, double lo, double hi, params long[] shape)
    {
        var f = rand(shape) * (hi - lo) + lo;
        var v = f.to(Type(half));
        return (v, v.to(ScalarType.Float32));
    }

    private static void AssertClose(Tensor actual, Tensor reference, bool half, string what)
    {
        if (half) Close.Fp16(actual, reference, what);
        else Close.Fp32(actual, reference, 1e-5, what);
    }

    private static Tensor RollPartitionReference(Tensor x, int h, int w, int ws, int shift)
    {
        var (b, c) = (x.shape[0], x.shape[2]);
        var y = x.view(b, h, w, c);
        if (shift > 0) y = y.roll([-shift, -shift], [1, 2]);
        return WindowOps.Partition(y, ws).view(-1, ws * ws, c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Window_mask_equals_the_official_construction(int b, int h, int w, int c, int heads, int ws, int shift, bool half)
    {
        _ = (b, c, heads);
        if (shift == 0) return; // unshifted blocks have no mask
        using var scope = NewDisposeScope();
        var mask = TensorOps.WindowMask(h, w, ws, shift, Type(half), CPU);
        Assert.Equal(Type(half), mask.dtype);
        var expected = WindowOps.ShiftedWindowMask(h, w, ws, shift);
        Assert.Equal(expected.shape, mask.shape);
        Assert.Equal(0.0, Close.MaxAbs(mask, expected)); // 0 and -100 are exact in both dtypes
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ln_roll_partition_equals_layer_norm_roll_and_partition(int b, int h, int w, int c, int heads, int ws, int shift, bool half)
    {
        _ = heads;
        using var scope = NewDisposeScope();
        manual_seed(2);
        var (x, xf) = Random(half, -1, 4, b, h * w, c);
        var (weight, wf) = Random(half, 0.5, 1.5, c);
        var (bias, bf) = Random(half, -0.5, 0.5, c);
        var windows = TensorOps.LnRollPartition(x, weight, bias, SwinLayerNorm.Eps, h, w, ws, shift);
        var normed = nn.functional.layer_norm(xf, [c], wf, bf, SwinLayerNorm.Eps);
        AssertClose(windows, RollPartitionReference(normed, h, w, ws, shift), half, "ln_roll_partition");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reverse_roll_add_equals_reverse_roll_and_residual_add(int b, int h, int w, int c, int heads, int ws, int shift, bool half)
    {
        _ = heads;
        using var scope = NewDisposeScope();
        manual_seed(3);
        var nW = h / ws * (w / ws);
        var (windows, winf) = Random(half, -2, 2, b * nW, ws * ws, c);
        var (residual, resf) = Random(half, -2, 2, b, h * w, c);
        var y = TensorOps.ReverseRollAdd(windows, residual, h, w, ws, shift);
        var back = WindowOps.Reverse(winf.view(-1, ws, ws, c), ws, h, w);
        if (shift > 0) back = back.roll([shift, shift], [1, 2]);
        var expected = resf + back.view(b, h * w, c);
        AssertClose(y, expected, half, "reverse_roll_add");
        if (!half) Assert.Equal(0.0, Close.MaxAbs(y, expected)); // one float add per element, as torch does
        Assert.Equal(0.0, Close.MaxAbs(residual, resf)); // the residual is not written
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Qkv_split_equals_reshape_permute_and_scaled_q(int b, int h, int w, int c, int heads, int ws, int shift, bool half)
    {
        _ = shift;
        using var scope = NewDisposeScope();
        manual_seed(4);
        var bw = b * (h / ws) * (w / ws);
        var n = ws * ws;
        var scale = Math.Pow(c / heads, -0.5);
        var (qkv, qkvf) = Random(half, -2, 2, bw, n, 3 * c);
        var (q, k, v) = TensorOps.QkvSplit(qkv, heads, scale);
        var parts = qkvf.reshape(bw, n, 3, heads, c / heads).permute(2, 0, 3, 1, 4);
        AssertClose(q, parts[0] * scale, half, "q");
        Assert.Equal(0.0, Close.MaxAbs(k, parts[1]));
        Assert.Equal(0.0, Close.MaxAbs(v, parts[2]));
        if (!half) Close.Fp32(q, parts[0] * scale, 0, "q, the same float multiply");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_norm_fp32_equals_layer_norm(int b, int h, int w, int c, int heads, int ws, int shift, bool half)
    {
        _ = (heads, ws, shift);
        using var scope = NewDisposeScope();
        manual_seed(5);
        var (x, xf) = Random(half, -1, 4, b, h * w, c);
        var (weight, wf) = Random(half, 0.5, 1.5, c);
        var (bias, bf) = Random(half, -0.5, 0.5, c);
        var y = TensorOps.LayerNormFp32(x, weight, bias, SwinLayerNorm.Eps);
        AssertClose(y, nn.functional.layer_norm(xf, [c], wf, bf, SwinLayerNorm.Eps), half, "layer_norm_fp32");
        // float32 parameters with FP16 activations (a model whose norms stay FP32)
        var mixed = TensorOps.LayerNormFp32(x, wf, bf, SwinLayerNorm.Eps);
        AssertClose(mixed, nn.functional.layer_norm(xf, [c], wf, bf, SwinLayerNorm.Eps), half, "layer_norm_fp32, f32 params");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Window_attention_equals_the_official_attention(int b, int h, int w, int c, int heads, int ws, int shift, bool half)
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var nW = h / ws * (w / ws);
        var (bw, n, d) = ((long)b * nW, (long)ws * ws, (long)c / heads);
        var scale = Math.Pow(d, -0.5);
        var (qkv, qkvf) = Random(half, -2, 2, bw, n, 3 * c);
        var table = randn((2 * ws - 1) * (2 * ws - 1), heads) * 0.5;
        var index = tensor(WindowOps.RelativePositionIndex(ws));
        var bias = table.index_select(0, index).view(n, n, -1).permute(2, 0, 1).contiguous();
        var mask = shift > 0 ? WindowOps.ShiftedWindowMask(h, w, ws, shift) : null;

        var y = TensorOps.WindowAttention(qkv, heads, scale, bias, mask);

        // the official WindowAttention between qkv and proj, in float32
        var parts = qkvf.reshape(bw, n, 3, heads, d).permute(2, 0, 3, 1, 4);
        var scores = (parts[0] * scale).matmul(parts[1].transpose(-2, -1)) + bias.unsqueeze(0);
        if (mask is not null) scores = (scores.view(b, nW, heads, n, n) + mask.unsqueeze(1).unsqueeze(0)).view(-1, heads, n, n);
        var expected = nn.functional.softmax(scores, -1).matmul(parts[2]).transpose(1, 2).reshape(bw, n, c);
        AssertClose(y, expected, half, "window_attention");
    }
}
