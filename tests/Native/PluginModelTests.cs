using SwinBench.Fixtures;
using SwinBench.IO;
using SwinBench.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Tests.Native;

/// <summary>
/// The model with plugin flags against the official outputs (golden fixtures), on CPU, where every flag runs the
/// library's reference implementation.
/// </summary>
public class PluginModelTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases() => Golden.Cases();

    /// <summary>
    /// Each flag alone (aligned_rows with the four kernels it builds on), qkv_split with everything but the fused
    /// attention (which would make it a no-op), the fused attention on dense rows, and all.
    /// </summary>
    public static TheoryData<Kernels> FlagSets() => new(
        Kernels.WindowMask, Kernels.LnRollPartition, Kernels.ReverseRollAdd, Kernels.QkvSplit, Kernels.LayerNormFp32,
        Kernels.WindowAttention, ModelOptions.AlignedRowsNeeds | Kernels.AlignedRows,
        Kernels.All & ~(Kernels.WindowAttention | Kernels.AlignedRows), Kernels.All & ~Kernels.AlignedRows, Kernels.All);

    private readonly SwinBench.Native.PluginLibraryStatus _library = PluginFixture.Require(); // every test here fails without it

    [Theory]
    [MemberData(nameof(Cases))]
    public void All_plugins_match_the_official_output_in_both_mask_modes(string model, int caseIndex)
    {
        var m = Golden.Model(model);
        var c = m.Cases[caseIndex];
        foreach (var mask in new[] { MaskMode.PerBlock, MaskMode.Hoisted })
        {
            var d = Golden.MaxDiff(m, c, new ModelOptions { Mask = mask, Kernels = Kernels.All });
            output.WriteLine($"{model} {c.H}x{c.W} {mask} +all: max|d| = {d:E3}");
            Assert.True(d <= 1e-4, $"{model} {c.H}x{c.W} {mask} +all: max|d| = {d:E3} > 1e-4");
        }
    }

    [Theory]
    [MemberData(nameof(FlagSets))]
    public void Each_flag_matches_the_official_output(Kernels kernels)
    {
        var m = Golden.Model("tiny_classical_x4");
        var c = m.Cases.Single(k => k.H == 21 && k.W == 30); // padded to 24×32: 3×4 windows, shifted blocks
        var options = new ModelOptions { Mask = MaskMode.Hoisted, Kernels = kernels };
        var d = Golden.MaxDiff(m, c, options);
        output.WriteLine($"{options.Label}: max|d| = {d:E3}");
        Assert.True(d <= 1e-4, $"{options.Label}: max|d| = {d:E3} > 1e-4");
    }

    [Fact]
    public void Mask_kernel_builds_per_block_or_once_like_the_host_masks()
    {
        var m = Golden.Model("tiny_lightweight_x2");
        using var x = ArrayFiles.ReadNchw(m.Cases[0].Input);
        var (perBlock, _) = ModelFactory.Create(m.Config, new ModelOptions { Kernels = Kernels.WindowMask }, m.Checkpoint, m.WrapKey);
        var (hoisted, _) = ModelFactory.Create(m.Config, new ModelOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.WindowMask },
            m.Checkpoint, m.WrapKey);
        using (perBlock)
        using (hoisted)
        using (no_grad())
        {
            Assert.True(perBlock.Masks.UsesKernel);
            using var a = perBlock.forward(x);
            using var b = hoisted.forward(x);
            Assert.Equal(perBlock.Blocks.Count(k => k.ShiftSize > 0), perBlock.Masks.MasksBuilt);
            Assert.Equal(1, hoisted.Masks.MasksBuilt);
            Assert.Equal(0f, (a - b).abs().max().item<float>());
        }
    }

    [Fact]
    public void Fused_bias_cache_follows_a_new_table_after_clear_caches()
    {
        var m = Golden.Model("tiny_color_dn");
        using var x = ArrayFiles.ReadNchw(m.Cases[0].Input);
        var (official, _) = ModelFactory.Create(m.Config, ModelOptions.Original, m.Checkpoint, m.WrapKey);
        var (fused, _) = ModelFactory.Create(m.Config, new ModelOptions { Kernels = Kernels.WindowAttention }, m.Checkpoint, m.WrapKey);
        using (official)
        using (fused)
        using (no_grad())
        {
            using var before = fused.forward(x); // builds the caches
            foreach (var net in new[] { official, fused })
                foreach (var (name, p) in net.named_parameters())
                    if (name.EndsWith("relative_position_bias_table", StringComparison.Ordinal)) p.mul_(3).add_(0.1);
            fused.ClearCaches();
            using var expected = official.forward(x);
            using var after = fused.forward(x);
            Assert.True((after - expected).abs().max().item<float>() <= 1e-4);
            Assert.True((after - before).abs().max().item<float>() > 1e-3, "the new table changed nothing");
        }
    }

    [Theory]
    [InlineData("all")]
    [InlineData("swin_block")]
    [InlineData("all,swin_block")]
    public void Fp16_model_with_kernels_stays_close_to_the_official_fp16_model(string kernels)
    {
        var m = Golden.Model("tiny_lightweight_x2");
        using var x = ArrayFiles.ReadNchw(m.Cases[0].Input);
        using var expected = ArrayFiles.ReadNchw(m.Cases[0].Output);
        var (official, _) = ModelFactory.Create(m.Config, new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16 },
            m.Checkpoint, m.WrapKey);
        var (plugins, _) = ModelFactory.Create(m.Config,
            new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, Kernels = ModelOptions.ParseKernels(kernels) }, m.Checkpoint,
            m.WrapKey);
        using (official)
        using (plugins)
        using (no_grad())
        {
            official.to(ScalarType.Float16);
            plugins.to(ScalarType.Float16);
            using var x16 = x.to(ScalarType.Float16);
            using var a = official.forward(x16).to(ScalarType.Float32);
            using var b = plugins.forward(x16).to(ScalarType.Float32);
            Assert.Equal(ScalarType.Float32, b.dtype);
            var officialError = (a - expected).abs().max().item<float>();
            var pluginError = (b - expected).abs().max().item<float>();
            output.WriteLine($"max|d| vs FP32 golden: official FP16 {officialError:E3}, FP16 +{kernels} {pluginError:E3}");
            // FP16 with float32 LayerNorm, softmax and bias is at least as close to FP32 as the official FP16 path (small slack)
            Assert.True(pluginError <= Math.Max(2 * officialError, 5e-3),
                $"FP16 +{kernels} max|d| vs FP32 = {pluginError:E3}, official FP16 = {officialError:E3}");
        }
    }
}
