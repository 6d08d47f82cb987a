using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Tests.Model;

public class InputValidationTests
{
    private static SwinIR TinyModel(int inChans = 3) => ModelFactory.CreateRandom(Golden.Model("tiny_lightweight_x2").Config with { InChans = inChans }, ModelOptions.Original, seed: 3);

    [Fact]
    public void One_by_one_image_is_rejected_with_the_minimum_size()
    {
        using var m = TinyModel();
        using var x = rand(1, 3, 1, 1);
        var e = Assert.Throws<InvalidInputException>(() => m.forward(x));
        Assert.Contains("1x1", e.Message);
        Assert.Contains("window 8", e.Message);
        Assert.Contains(">= 5", e.Message);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(9, 17)]
    [InlineData(13, 8)]
    public void Non_window_multiples_are_padded_and_cropped_back(int h, int w)
    {
        using var m = TinyModel();
        using var _ = no_grad();
        using var x = rand(1, 3, h, w);
        using var y = m.forward(x);
        Assert.Equal(new long[] { 1, 3, 2 * h, 2 * w }, y.shape);
        Assert.True(y.isfinite().all().item<bool>());
    }

    [Fact]
    public void Wrong_channel_count_is_rejected()
    {
        using var m = TinyModel();
        using var x = rand(1, 1, 16, 16);
        var e = Assert.Throws<InvalidInputException>(() => m.forward(x));
        Assert.Contains("1 channels", e.Message);
        Assert.Contains("in_chans = 3", e.Message);
    }

    [Fact]
    public void Gray_model_uses_zero_mean_and_runs_one_channel()
    {
        using var m = TinyModel(inChans: 1);
        using var _ = no_grad();
        using var x = rand(2, 1, 16, 16);
        using var y = m.forward(x);
        Assert.Equal(new long[] { 2, 1, 32, 32 }, y.shape);
    }

    [Fact]
    public void Batch_items_are_independent()
    {
        using var m = TinyModel();
        using var _ = no_grad();
        using var x = rand(2, 3, 12, 20);
        using var both = m.forward(x);
        using var first = m.forward(x[..1]);
        Assert.True((both[..1] - first).abs().max().item<float>() <= 1e-5);
    }
}
