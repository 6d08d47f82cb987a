using SwinBench.IO;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Tests.Model;

/// <summary>The TorchSharp port against outputs of the official SwinIR code, for every golden model and case.</summary>
public class GoldenModelTests
{
    public static TheoryData<string, int> Cases() => Golden.Cases();

    [Fact]
    public void Index_lists_every_kind_of_model()
    {
        var models = Golden.Models;
        Assert.True(models.Count >= 5, $"expected at least 5 golden models, found {models.Count}");
        Assert.Contains(models, m => m.Config.Upsampler == "pixelshuffle");
        Assert.Contains(models, m => m.Config.Upsampler == "pixelshuffledirect");
        Assert.Contains(models, m => m.Config.Upsampler == "");
        Assert.Contains(models, m => m.Config.ResiConnection == "3conv");
        Assert.Contains(models, m => m.WrapKey is null);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_official_output_in_both_mask_modes(string model, int caseIndex)
    {
        var m = Golden.Model(model);
        var c = m.Cases[caseIndex];
        foreach (var mask in new[] { MaskMode.PerBlock, MaskMode.Hoisted })
        {
            var maxDiff = Golden.MaxDiff(m, c, new ModelOptions { Mask = mask });
            Assert.True(maxDiff <= 1e-4, $"{model} {c.H}x{c.W} {mask}: max|d| = {maxDiff:E3} > 1e-4");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_official_output_with_channels_last_convolutions(string model, int caseIndex)
    {
        var m = Golden.Model(model);
        var c = m.Cases[caseIndex];
        var maxDiff = Golden.MaxDiff(m, c, new ModelOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.ChannelsLast });
        Assert.True(maxDiff <= 1e-4, $"{model} {c.H}x{c.W} channels_last: max|d| = {maxDiff:E3} > 1e-4");
    }

    [Fact]
    public void Channels_last_makes_the_image_stream_nhwc_and_the_tokens_views_of_it()
    {
        using var x = TorchSharp.torch.rand(1, 3, 5, 7);
        using var cl = SwinIR.ToChannelsLast(x);
        Assert.Equal(x.shape, cl.shape);
        Assert.Equal(new long[] { 3 * 5 * 7, 1, 7 * 3, 3 }, cl.stride());
        Assert.True(x.allclose(cl, rtol: 0, atol: 0));
        using var tokens = Tokens.FromImage(cl);
        Assert.True(tokens.is_contiguous());
    }

    [Fact]
    public void Hoisted_equals_per_block_and_builds_one_mask_per_size()
    {
        var m = Golden.Model("lightweight_x2_full");
        using var x = ArrayFiles.ReadNchw(m.Cases[0].Input);
        var (perBlock, _) = ModelFactory.Create(m.Config, new ModelOptions { Mask = MaskMode.PerBlock }, m.Checkpoint, m.WrapKey);
        var (hoisted, _) = ModelFactory.Create(m.Config, new ModelOptions { Mask = MaskMode.Hoisted }, m.Checkpoint, m.WrapKey);
        using (perBlock)
        using (hoisted)
        using (no_grad())
        {
            var shifted = perBlock.Blocks.Count(b => b.ShiftSize > 0);
            Assert.Equal(12, shifted); // 4 stages x 6 blocks, every second one shifted
            using var a = perBlock.forward(x);
            using var b = hoisted.forward(x);
            using var b2 = hoisted.forward(x);
            Assert.Equal(shifted, perBlock.Masks.MasksBuilt);
            Assert.Equal(1, hoisted.Masks.MasksBuilt); // built once, reused by all blocks and by the second forward
            Assert.True((a - b).abs().max().item<float>() <= 1e-6);
            using var small = x[.., .., ..40, ..40];
            using var c = hoisted.forward(small);
            Assert.Equal(2, hoisted.Masks.MasksBuilt); // a new size gets its own mask
        }
    }
}
