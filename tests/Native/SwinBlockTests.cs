using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Tests.Native;

/// <summary>
/// The swin_block chain (<see cref="Kernels.SwinBlock"/>, <see cref="SwinBlockChain"/>) on the CPU, where it runs the
/// library's reference composition: the golden models against the official outputs, a stage of random weights against
/// the model's own blocks (windows 8 and 12, C 60/180/240, 6 heads, shifted and unshifted blocks, a window shrunk to the
/// training resolution), FP16 against FP32, the handle's stats and trim, the chain cache, and the refusals.
/// </summary>
public class SwinBlockTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> GoldenCases() => Golden.Cases();

    private readonly PluginLibraryStatus _library = PluginFixture.Require();

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Golden_models_through_swin_block_match_the_official_output(string model, int caseIndex)
    {
        var m = Golden.Model(model);
        var c = m.Cases[caseIndex];
        foreach (var kernels in new[] { Kernels.SwinBlock, Kernels.SwinBlock | Kernels.All, Kernels.SwinBlock | Kernels.All | Kernels.ChannelsLast })
            foreach (var mask in new[] { MaskMode.PerBlock, MaskMode.Hoisted })
            {
                var options = new ModelOptions { Mask = mask, Kernels = kernels };
                var d = Golden.MaxDiff(m, c, options);
                output.WriteLine($"{model} {c.H}x{c.W} {options.Label}: max|d| = {d:E3}");
                Assert.True(d <= 1e-4, $"{model} {c.H}x{c.W} {options.Label}: max|d| = {d:E3} > 1e-4");
            }
    }

    /// <summary>(window, C, H, W, training resolution): padded maps of a few windows; resolution ≤ window shrinks the window and drops the shift.</summary>
    public static TheoryData<int, int, int, int, int> StageCases() => new()
    {
        { 8, 60, 16, 24, 64 },
        { 8, 180, 24, 16, 64 },
        { 8, 240, 16, 16, 64 },
        { 12, 60, 24, 36, 64 },
        { 12, 180, 24, 12, 64 },
        { 12, 240, 12, 24, 64 },
        { 8, 60, 16, 24, 8 },   // window = resolution: no shift
        { 12, 60, 24, 16, 8 },  // window 12 shrinks to 8, no shift
    };

    /// <summary>A stage of two blocks (6 heads, MLP ratio 2) with random weights, and a copy with the given kernels.</summary>
    private static (BasicLayer Plain, BasicLayer Other) Stage(int ws, int c, int resolution, ModelOptions options, int seed)
    {
        var plain = new BasicLayer(c, resolution, 2, 6, ws, 2.0, ModelOptions.Original);
        var other = new BasicLayer(c, resolution, 2, 6, ws, 2.0, options);
        var g = new Generator((ulong)seed);
        using (no_grad())
        using (NewDisposeScope())
        {
            var targets = other.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, p) in plain.named_parameters())
            {
                var r = rand(p.shape, generator: g) * 2 - 1; // uniform in [-1, 1)
                var fanIn = p.dim() == 2 ? p.shape[1] : c;
                var value = name.EndsWith("norm1.weight", StringComparison.Ordinal) || name.EndsWith("norm2.weight", StringComparison.Ordinal)
                    ? 1 + 0.2 * r
                    : name.EndsWith("relative_position_bias_table", StringComparison.Ordinal) ? r
                    : name.Contains("norm", StringComparison.Ordinal) ? 0.1 * r
                    : r / Math.Sqrt(fanIn);
                p.copy_(value);
                targets[name].copy_(value);
            }
        }
        return (plain, other);
    }

    [Theory]
    [MemberData(nameof(StageCases))]
    public void Stage_through_swin_block_matches_the_model_blocks(int ws, int c, int h, int w, int resolution)
    {
        var (plain, chain) = Stage(ws, c, resolution, new ModelOptions { Kernels = Kernels.SwinBlock }, seed: ws * 1000 + c + resolution);
        using (plain)
        using (chain)
        using (no_grad())
        {
            var expectShift = resolution > ws;
            Assert.Equal(expectShift ? new long[] { 0, ws / 2 } : new long[] { 0, 0 }, chain.Blocks.Select(b => b.ShiftSize));
            Assert.All(chain.Blocks, b => Assert.Equal(Math.Min(ws, resolution), b.WindowSize));
            using var masks = new MaskProvider(MaskMode.Hoisted);
            using var unused = new MaskProvider(MaskMode.Hoisted);
            using var x = rand([2, h * w, c], generator: new Generator(7)) * 2 - 1;
            using var expected = plain.Forward(x, h, w, masks);
            using var y = chain.Forward(x, h, w, unused);
            Assert.Equal(0, unused.MasksBuilt); // the chain makes its own masks
            var scale = expected.abs().max().item<float>();
            var d = Close.MaxAbs(y, expected);
            output.WriteLine($"ws {ws} C {c} {h}x{w} resolution {resolution}: max|d| = {d:E3} (scale {scale:F2})");
            Assert.True(d <= 1e-4 * Math.Max(1, scale), $"ws {ws} C {c} {h}x{w}: max|d| = {d:E3}");
            Assert.Single(chain.Chains);
        }
    }

    /// <summary>The SNR in dB of what a stage adds to x: (y − x) against (expected − x).</summary>
    private static double DeltaSnr(Tensor y, Tensor expected, Tensor x)
    {
        using var scope = NewDisposeScope();
        var reference = expected.to(ScalarType.Float64) - x.to(ScalarType.Float64);
        var noise = y.to(ScalarType.Float64) - expected.to(ScalarType.Float64);
        return 10 * Math.Log10(reference.pow(2).sum().item<double>() / Math.Max(noise.pow(2).sum().item<double>(), 1e-300));
    }

    [Theory]
    [InlineData(8, 60, 16, 24)]
    [InlineData(12, 180, 24, 12)]
    public void Fp16_stage_stays_close_to_fp32(int ws, int c, int h, int w)
    {
        var (plain, chain) = Stage(ws, c, 64, new ModelOptions { Kernels = Kernels.SwinBlock, Precision = Precision.Fp16 }, seed: 5);
        using (plain)
        using (chain)
        using (no_grad())
        {
            chain.to(ScalarType.Float16);
            using var masks = new MaskProvider(MaskMode.Hoisted);
            using var x = rand([2, h * w, c], generator: new Generator(9)) * 2 - 1;
            using var expected = plain.Forward(x, h, w, masks);
            using var x16 = x.to(ScalarType.Float16);
            using var y = chain.Forward(x16, h, w, masks);
            Assert.Equal(ScalarType.Float16, y.dtype);
            Assert.Equal(SwbDType.F16, chain.Chains.Single().Description.ParamDType);
            var snr = DeltaSnr(y, expected, x);
            output.WriteLine($"ws {ws} C {c}: FP16 swin_block vs FP32 blocks, SNR of the stage's update {snr:F1} dB");
            Assert.True(snr >= 40, $"FP16 swin_block vs FP32: SNR {snr:F1} dB < 40 dB");
        }
    }

    [Fact]
    public void Stage_rebuilds_its_chain_when_the_parameters_get_a_new_dtype()
    {
        var (plain, chain) = Stage(8, 60, 64, new ModelOptions { Kernels = Kernels.SwinBlock }, seed: 3);
        using (plain)
        using (chain)
        using (no_grad())
        {
            using var masks = new MaskProvider(MaskMode.Hoisted);
            using var x = rand([1, 16 * 16, 60], generator: new Generator(4)) * 2 - 1;
            using var expected = plain.Forward(x, 16, 16, masks);
            using var first = chain.Forward(x, 16, 16, masks);
            var before = chain.Chains.Single();
            Assert.Equal(SwbDType.F32, before.Description.ParamDType);
            using var same = chain.Forward(x, 16, 16, masks);
            Assert.Same(before, chain.Chains.Single()); // unchanged parameters: the same chain

            chain.to(ScalarType.Float16); // new parameter tensors of another dtype; the activations stay float32
            using var y = chain.Forward(x, 16, 16, masks);
            var after = chain.Chains.Single();
            Assert.NotSame(before, after);
            Assert.Throws<ObjectDisposedException>(() => before.Stats);
            Assert.Equal(ScalarType.Float32, after.DType);
            Assert.Equal(SwbDType.F16, after.Description.ParamDType);
            var snr = DeltaSnr(y, expected, x);
            Assert.True(snr >= 40 && Close.MaxAbs(y, first) > 0, $"FP16 weights in an FP32 run: SNR {snr:F1} dB");
        }
    }

    [Fact]
    public void Stats_show_one_shape_per_size_run_and_none_after_trim_and_the_model_frees_its_chains()
    {
        var m = Golden.Model("tiny_classical_x4"); // 2 stages of 2 blocks, C 36, 6 heads, window 8, MLP 72
        using var x = ArrayFiles.ReadNchw(m.Cases[0].Input);
        var (net, _) = ModelFactory.Create(m.Config, new ModelOptions { Kernels = Kernels.SwinBlock }, m.Checkpoint, m.WrapKey);
        SwinBlockChain live;
        using (net)
        using (no_grad())
        {
            Assert.Empty(net.SwinBlockChains);
            using var y = net.forward(x);
            var chains = net.SwinBlockChains.ToList();
            Assert.Equal(2, chains.Count); // one per stage
            const long c = 36, hidden = 72, n = 64;
            var weightBytes = 2 * (4 * c + 3 * c * c + 3 * c + c * c + c + 2 * hidden * c + hidden + c) * 4 + 2 * 6 * n * n * 4;
            foreach (var chain in chains)
            {
                var s = chain.Stats;
                Assert.False(s.OnCuda);
                Assert.Equal(1, s.Shapes);
                Assert.True(s.WorkspaceBytes > 0);
                Assert.Equal(weightBytes, s.WeightBytes);
                Assert.Equal(0, s.GraphsCaptured);
                Assert.Equal(0, s.GraphReplays);
            }
            using var small = x[.., .., ..9, ..10]; // padded to 16x16 as well: the same shape
            using var y2 = net.forward(small);
            Assert.All(chains, k => Assert.Equal(1, k.Stats.Shapes));
            using var wide = torch.cat([x, x], 3); // 16x32: a second shape
            using var y3 = net.forward(wide);
            Assert.All(chains, k => Assert.Equal(2, k.Stats.Shapes));
            foreach (var chain in chains)
            {
                chain.Trim();
                var s = chain.Stats;
                Assert.Equal(0, s.Shapes);
                Assert.Equal(0, s.WorkspaceBytes);
                Assert.Equal(weightBytes, s.WeightBytes);
            }
            using var again = net.forward(x);
            Assert.Equal(0f, (again - y).abs().max().item<float>());
            Assert.All(chains, k => Assert.Equal(1, k.Stats.Shapes));
            net.ClearCaches();
            Assert.Empty(net.SwinBlockChains);
            Assert.Throws<ObjectDisposedException>(() => chains[0].Stats);
            using var rebuilt = net.forward(x);
            live = net.SwinBlockChains.First();
            Assert.Equal(1, live.Stats.Shapes);
        }
        Assert.Throws<ObjectDisposedException>(() => live.Stats); // disposing the model frees its chains
    }

    [Fact]
    public void Chain_follows_changed_weights_after_clear_caches_and_a_new_dtype_by_itself()
    {
        var m = Golden.Model("tiny_color_dn");
        using var x = ArrayFiles.ReadNchw(m.Cases[0].Input);
        var (official, _) = ModelFactory.Create(m.Config, ModelOptions.Original, m.Checkpoint, m.WrapKey);
        var (chained, _) = ModelFactory.Create(m.Config, new ModelOptions { Kernels = Kernels.SwinBlock }, m.Checkpoint, m.WrapKey);
        using (official)
        using (chained)
        using (no_grad())
        {
            using var before = chained.forward(x); // builds the chains
            var first = chained.SwinBlockChains.ToList();
            foreach (var net in new[] { official, chained })
                foreach (var (name, p) in net.named_parameters())
                    if (name.Contains(".mlp.fc1.", StringComparison.Ordinal) || name.EndsWith("relative_position_bias_table", StringComparison.Ordinal))
                        p.mul_(1.5).add_(0.01);
            chained.ClearCaches();
            using var expected = official.forward(x);
            using var after = chained.forward(x);
            Assert.True((after - expected).abs().max().item<float>() <= 1e-4);
            Assert.True((after - before).abs().max().item<float>() > 1e-3, "the new weights changed nothing");
            Assert.DoesNotContain(chained.SwinBlockChains, first.Contains);

            // a new parameter dtype (to() replaces the parameters) makes a new chain with the new weight dtype
            chained.to(ScalarType.Float16);
            using var x16 = x.to(ScalarType.Float16);
            using var half = chained.forward(x16);
            Assert.Contains(chained.SwinBlockChains, k => k.DType == ScalarType.Float16 && k.Description.ParamDType == SwbDType.F16);
        }
    }

    [Fact]
    public void Cuda_graph_on_cpu_tensors_is_refused_by_name()
    {
        var m = Golden.Model("tiny_classical_x2_3conv");
        using var x = ArrayFiles.ReadNchw(m.Cases[0].Input);
        var (net, _) = ModelFactory.Create(m.Config, new ModelOptions { Kernels = Kernels.SwinBlock | Kernels.CudaGraph }, m.Checkpoint, m.WrapKey);
        using (net)
        using (no_grad())
        {
            var e = Assert.Throws<ArgumentException>(() => net.forward(x));
            Assert.StartsWith("cuda_graph needs CUDA tensors", e.Message);
            Assert.Contains("cpu", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }

        // the chain itself and the C ABI refuse it too
        var (plain, _) = Stage(8, 12, 64, ModelOptions.Original, seed: 1);
        using (plain)
        {
            var blocks = plain.Blocks.Select(b => b.ChainTensors(CPU)).ToList();
            var chainError = Assert.Throws<ArgumentException>(() => SwinBlockChain.Create(blocks, 6, 8, 1e-5, 0.5, ScalarType.Float32, cudaGraph: true));
            Assert.Contains("cuda_graph", chainError.Message);
            var desc = new SwinBlockDesc(12, 6, 24, 8, 2, 1e-5f, 0.5f, SwbDType.F32, SwbDType.F32, SwinBlockFlags.CudaGraph);
            var abiError = Assert.Throws<PluginException>(() => SwinBenchPlugins.CheckSwinBlockDesc(desc, onCuda: false));
            Assert.Contains("cuda_graph flag needs a CUDA handle", abiError.Message);
            SwinBenchPlugins.CheckSwinBlockDesc(desc, onCuda: true);
        }
        Assert.Throws<ArgumentException>(() => ModelOptions.ParseKernels("cuda_graph"));
    }

    [Fact]
    public void Chain_checks_its_inputs_with_clear_errors()
    {
        var (plain, _) = Stage(8, 12, 64, ModelOptions.Original, seed: 2);
        using (plain)
        using (no_grad())
        {
            var blocks = plain.Blocks.Select(b => b.ChainTensors(CPU)).ToList();
            using var chain = SwinBlockChain.Create(blocks, 6, 8, 1e-5, 0.5, ScalarType.Float32);
            Assert.Equal(new SwinBlockDesc(12, 6, 24, 8, 2, 1e-5f, 0.5f, SwbDType.F32, SwbDType.F32), chain.Description);

            using var x = rand([2, 16 * 24, 12], generator: new Generator(11));
            using var y = chain.Run(x, 16, 24);
            Assert.Equal(x.shape, y.shape);
            Assert.Contains("x is Float64", Assert.Throws<ArgumentException>(() => chain.Run(x.to(ScalarType.Float64), 16, 24)).Message);
            Assert.Contains("expected Float32", Assert.Throws<ArgumentException>(() => chain.Run(x.to(ScalarType.Float16), 16, 24)).Message);
            Assert.Contains("expected (B, H·W", Assert.Throws<ArgumentException>(() => chain.Run(x, 24, 24)).Message);
            Assert.Contains("contiguous", Assert.Throws<ArgumentException>(() => chain.Run(x.transpose(0, 1), 16, 24)).Message);
            using var odd = rand([2, 12 * 32, 12], generator: new Generator(12));
            var e = Assert.Throws<PluginException>(() => chain.Run(odd, 12, 32));
            Assert.Contains("multiples of window_size 8", e.Message);

            // a weight of the wrong shape or dtype, a bias that is not float32, an empty chain
            var bad = blocks.ToList();
            bad[1] = bad[1] with { Fc2Weight = bad[1].Fc1Weight };
            Assert.Contains("block 1 fc2_weight has shape [24, 12], expected [12, 24]",
                Assert.Throws<ArgumentException>(() => SwinBlockChain.Create(bad, 6, 8, 1e-5, 0.5, ScalarType.Float32)).Message);
            using var half = bad[0].QkvBias.to(ScalarType.Float16);
            bad[1] = blocks[1] with { QkvBias = half };
            Assert.Contains("block 1 qkv_bias is Float16, expected Float32",
                Assert.Throws<ArgumentException>(() => SwinBlockChain.Create(bad, 6, 8, 1e-5, 0.5, ScalarType.Float32)).Message);
            using var biasHalf = blocks[0].AttnBias.to(ScalarType.Float16);
            bad[1] = blocks[1] with { AttnBias = biasHalf };
            Assert.Contains("block 1 attn_bias is Float16",
                Assert.Throws<ArgumentException>(() => SwinBlockChain.Create(bad, 6, 8, 1e-5, 0.5, ScalarType.Float32)).Message);
            Assert.Contains("at least one block", Assert.Throws<ArgumentException>(() => SwinBlockChain.Create([], 6, 8, 1e-5, 0.5, ScalarType.Float32)).Message);
            Assert.Contains("multiple of heads 5",
                Assert.Throws<PluginException>(() => SwinBlockChain.Create(blocks, 5, 8, 1e-5, 0.5, ScalarType.Float32)).Message);

            chain.Dispose();
            Assert.Throws<ObjectDisposedException>(() => chain.Run(x, 16, 24));
            Assert.Throws<ObjectDisposedException>(() => chain.Trim());
        }
    }
}
