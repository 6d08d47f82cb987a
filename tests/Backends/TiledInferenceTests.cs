using SwinBench.Backends;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Tests.Backends;

public class TiledInferenceTests
{
    [Fact]
    public void Tile_covering_the_image_gives_the_untiled_result()
    {
        var cfg = Golden.Model("tiny_lightweight_x2").Config;
        using var whole = new TorchSharpRunner(ModelFactory.CreateRandom(cfg, ModelOptions.Original, 5), CPU);
        using var tiled = new TorchSharpRunner(ModelFactory.CreateRandom(cfg, ModelOptions.Original, 5), CPU, tile: 48, tileOverlap: 8);
        using var x = rand(1, 3, 40, 48);
        using var a = whole.Run(x);
        using var b = tiled.Run(x);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
    }

    [Fact]
    public void Tiles_are_averaged_where_they_overlap()
    {
        // With a per-pixel model (x2 nearest upsampling) tiling must reproduce the whole-image result exactly,
        // which checks the tile placement, the last-tile alignment and the overlap averaging.
        using var x = rand(1, 3, 37, 53);
        Tensor Up(Tensor t) => nn.functional.interpolate(t, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        using var expected = Up(x);
        using var y = TiledInference.Run(Up, x, tile: 16, overlap: 4, scale: 2);
        Assert.Equal(expected.shape, y.shape);
        Assert.True((expected - y).abs().max().item<float>() <= 1e-6);
        Assert.Equal(new List<int> { 0, 12, 24, 36, 37 }, TiledInference.Starts(53, 16, 12));
    }

    [Theory]
    [InlineData(12, 4, "multiple of the window")]
    [InlineData(16, 16, "tile-overlap")]
    [InlineData(-8, 0, "positive")]
    public void Bad_tile_settings_are_rejected(int tile, int overlap, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TiledInference.Validate(tile, overlap, 8));
        Assert.Contains(expected, e.Message);
    }
}
