using SwinBench.Model;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SwinBench.Tests.Model;

/// <summary>The zero-padded weight copies of the aligned_rows path, and the one alignment rule.</summary>
public class AlignedLinearTests
{
    [Fact]
    public void Padded_product_equals_the_layer_on_the_logical_columns_and_is_zero_in_the_padding()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var qkv = Linear(12, 36);       // C = 12 → rows of 16; q, k and v blocks of 12 → 16 each
        using var aligned = new AlignedLinear(qkv, groups: 3);
        var x = randn(5, 7, 12);
        var padded = functional.pad(x, [0, 4]);  // zero-padded rows (…, 16)
        var y = aligned.Forward(padded);
        Assert.Equal([5L, 7, 48], y.shape);
        var expected = qkv.forward(x).view(5, 7, 3, 12);
        var parts = y.view(5, 7, 3, 16);
        Assert.True(parts.narrow(3, 0, 12).allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(0f, parts.narrow(3, 12, 4).abs().max().item<float>());
    }

    [Fact]
    public void Copies_are_made_once_per_weight_and_remade_when_the_weight_changes_dtype()
    {
        using var scope = NewDisposeScope();
        using var fc = Linear(20, 40);
        using var aligned = new AlignedLinear(fc);
        var x = zeros(3, 24);
        for (var i = 0; i < 3; i++) aligned.Forward(x);
        Assert.Equal(1, aligned.Builds);
        fc.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, aligned.Forward(x.to(ScalarType.Float64)).dtype);
        Assert.Equal(2, aligned.Builds);
        aligned.Clear();
        aligned.Forward(x.to(ScalarType.Float64));
        Assert.Equal(3, aligned.Builds);
    }

    [Fact]
    public void Align_rounds_up_to_eight_from_eight_up()
    {
        Assert.Equal([1L, 3, 7, 8, 16, 16, 64, 184, 240], new long[] { 1, 3, 7, 8, 9, 16, 60 + 4, 180, 240 }.Select(AlignedLinear.Align));
    }
}
