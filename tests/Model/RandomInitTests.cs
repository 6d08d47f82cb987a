using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Tests.Model;

/// <summary>The seeded random init (<see cref="ModelFactory.CreateRandom"/>): the official distributions, from the seed alone.</summary>
public class RandomInitTests
{
    private static SwinIRConfig Config => Golden.Model("tiny_lightweight_x2").Config;

    [Fact]
    public async Task The_same_seed_gives_the_same_weights_while_other_threads_draw_random_numbers()
    {
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) rand(64).Dispose(); // draws from libtorch's process-wide generator
        }, TestContext.Current.CancellationToken);
        try
        {
            using var a = ModelFactory.CreateRandom(Config, ModelOptions.Original, 5);
            using var b = ModelFactory.CreateRandom(Config, ModelOptions.Original, 5);
            using var c = ModelFactory.CreateRandom(Config, ModelOptions.Original, 6);
            var pb = b.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var pc = c.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, p) in a.named_parameters())
            {
                Assert.True(p.eq(pb[name]).all().item<bool>(), $"{name} differs between two models of seed 5");
                if (p.numel() > 1 && p.std().item<float>() > 0) Assert.False(p.eq(pc[name]).all().item<bool>(), $"{name} is the same for seeds 5 and 6");
            }
        }
        finally
        {
            stop.Cancel();
            await noise;
        }
    }

    [Fact]
    public void Linear_weights_and_bias_tables_are_normal_with_std_0_02_and_convolutions_uniform_within_their_bound()
    {
        using var model = ModelFactory.CreateRandom(Config, ModelOptions.Original, 0);
        var parameters = model.named_parameters().ToList();
        var linear = parameters.Where(p => p.name.EndsWith("qkv.weight", StringComparison.Ordinal) || p.name.EndsWith("fc1.weight", StringComparison.Ordinal))
            .Select(p => p.parameter.flatten()).ToList();
        Assert.NotEmpty(linear);
        using var all = cat(linear);
        Assert.InRange(all.std().item<float>(), 0.018, 0.022);
        Assert.InRange(all.mean().item<float>(), -0.002, 0.002);
        var table = parameters.First(p => p.name.EndsWith("relative_position_bias_table", StringComparison.Ordinal)).parameter;
        Assert.InRange(table.std().item<float>(), 0.015, 0.025);
        var conv = parameters.First(p => p.name == "conv_first.weight").parameter;
        var bound = 1.0 / Math.Sqrt(conv.shape[1] * conv.shape[2] * conv.shape[3]);
        Assert.True(conv.abs().max().item<float>() <= bound, "conv_first.weight beyond 1/sqrt(fan_in)");
        Assert.True(conv.std().item<float>() > bound / 4, "conv_first.weight is not spread over its bound");
        Assert.All(parameters.Where(p => p.name.EndsWith("norm1.weight", StringComparison.Ordinal)), p => Assert.True(p.parameter.eq(1).all().item<bool>(), p.name));
    }
}
