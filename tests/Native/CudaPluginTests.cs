using SwinBench.Backends;
using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Tests.Native;

/// <summary>
/// The wrappers on CUDA tensors: each op's CUDA kernel equals its reference implementation on the same inputs, and the
/// model through every kernel (and through the swin_block chain) matches the official output. Skipped, visibly, without
/// a CUDA device; on a CUDA machine a plugin library without the CUDA kernels (built without nvcc) fails these tests.
/// Trait Requires=cuda: what <c>scripts/gpu-tests.sh</c> runs on a GPU machine (with -failSkips).
/// </summary>
public class CudaPluginTests
{
    private static readonly Device Gpu = new(DeviceType.CUDA, 0);

    /// <summary>The plugin library's status, failing the test when it lacks the CUDA kernel of any of <paramref name="kernels"/>.</summary>
    private static void RequireCudaKernels(params string[] kernels)
    {
        var status = PluginFixture.Require();
        var missing = kernels.Where(k => !status.CudaKernels.Contains(k)).ToList();
        Assert.True(missing.Count == 0,
            $"{status.Path} has no CUDA kernel for {string.Join(", ", missing)} (build info: \"{status.BuildInfo}\"): this machine has a " +
            "CUDA device, so build the plugins with a CUDA compiler (scripts/build-plugins.sh, or scripts/gpu-tests.sh) and run again");
    }

    /// <summary>Runs <paramref name="op"/> on CPU and on CUDA copies of the inputs and compares.</summary>
    private static void SameOnCuda(string kernel, Func<Device, Tensor> op, double fp32Tolerance)
    {
        RequireCudaKernels(kernel);
        using var scope = NewDisposeScope();
        var reference = op(CPU);
        var onGpu = op(Gpu);
        Assert.Equal(DeviceType.CUDA, onGpu.device.type);
        var d = Close.MaxAbs(onGpu.cpu(), reference);
        var tolerance = reference.dtype == ScalarType.Float16 ? Math.Pow(2, -9) * Math.Max(1, reference.abs().max().to(ScalarType.Float32).item<float>()) : fp32Tolerance;
        Assert.True(d <= tolerance, $"{kernel} {reference.dtype}: CUDA vs reference max|d| = {d:E3} > {tolerance:E1}");
    }

    private static Tensor Input(Device device, ScalarType type, int seed, params long[] shape)
    {
        var g = new Generator((ulong)seed);
        return (rand(shape, generator: g) * 4 - 2).to(type).to(device);
    }

    [CudaFact, Trait("Requires", "cuda")]
    public void Each_op_on_cuda_equals_its_reference()
    {
        const int b = 2, h = 21, w = 35, c = 60, heads = 5, ws = 7, shift = 3;
        var nW = h / ws * (w / ws);
        foreach (var type in new[] { ScalarType.Float32, ScalarType.Float16 })
        {
            SameOnCuda("window_mask", d => TensorOps.WindowMask(h, w, ws, shift, type, d), 0);
            SameOnCuda("ln_roll_partition", d => TensorOps.LnRollPartition(Input(d, type, 2, b, h * w, c), Input(d, type, 3, c),
                Input(d, type, 4, c), 1e-5, h, w, ws, shift), 1e-5);
            SameOnCuda("reverse_roll_add", d => TensorOps.ReverseRollAdd(Input(d, type, 5, b * nW, ws * ws, c),
                Input(d, type, 6, b, h * w, c), h, w, ws, shift), 1e-6);
            SameOnCuda("qkv_split", d => TensorOps.QkvSplit(Input(d, type, 7, b * nW, ws * ws, 3 * c), heads, 0.3).Q, 1e-6);
            SameOnCuda("layer_norm_fp32", d => TensorOps.LayerNormFp32(Input(d, type, 8, b, h * w, c), Input(d, type, 9, c),
                Input(d, type, 10, c), 1e-5), 1e-5);
            SameOnCuda("window_attention", d => TensorOps.WindowAttention(Input(d, type, 11, b * nW, ws * ws, 3 * c), heads, 0.3,
                Input(d, ScalarType.Float32, 12, heads, ws * ws, ws * ws), TensorOps.WindowMask(h, w, ws, shift, ScalarType.Float32, d)), 1e-5);

            // the padded rows of aligned_rows: C = 60 in rows of 64, qkv parts 64 apart
            const long s = 64;
            SameOnCuda("ln_roll_partition", d => TensorOps.LnRollPartition(Input(d, type, 2, b, h * w, c), Input(d, type, 3, c),
                Input(d, type, 4, c), 1e-5, h, w, ws, shift, s), 1e-5);
            SameOnCuda("reverse_roll_add", d => TensorOps.ReverseRollAdd(Input(d, type, 5, b * nW, ws * ws, s),
                Input(d, type, 6, b, h * w, c), h, w, ws, shift, s), 1e-6);
            SameOnCuda("reverse_roll_add", d => TensorOps.AddPaddedRows(Input(d, type, 6, b, h * w, c), Input(d, type, 5, b, h * w, s)), 1e-6);
            SameOnCuda("layer_norm_fp32", d => TensorOps.LayerNormFp32(Input(d, type, 8, b, h * w, c), Input(d, type, 9, c),
                Input(d, type, 10, c), 1e-5, s), 1e-5);
            SameOnCuda("window_attention", d => TensorOps.WindowAttention(Input(d, type, 11, b * nW, ws * ws, 3 * s), heads, 0.3,
                Input(d, ScalarType.Float32, 12, heads, ws * ws, ws * ws), TensorOps.WindowMask(h, w, ws, shift, ScalarType.Float32, d), c, s), 1e-5);
        }
    }

    [CudaFact, Trait("Requires", "cuda")]
    public void Golden_model_with_every_plugin_on_cuda_matches_the_official_output()
    {
        RequireCudaKernels("window_mask", "ln_roll_partition", "reverse_roll_add", "layer_norm_fp32", "window_attention");
        var m = Golden.Model("lightweight_x2_full");
        var c = m.Cases[0];
        using var x = ArrayFiles.ReadNchw(c.Input);
        using var expected = ArrayFiles.ReadNchw(c.Output);
        using var runner = new TorchSharpRunner(
            ModelFactory.Create(m.Config, new ModelOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.All }, m.Checkpoint, m.WrapKey).Model, Gpu);
        using var y = runner.Run(x);
        var d = (y - expected).abs().max().item<float>();
        Assert.True(d <= 1e-4, $"CUDA +all: max|d| = {d:E3} > 1e-4");

        // FP16 with every plugin (tensor-core attention, padded GEMMs) stays close to the official FP32 output: these
        // golden weights (official init perturbed by N(0, 0.05)) give ~51 dB; a wrong kernel gives far less
        using var runner16 = new TorchSharpRunner(ModelFactory.Create(m.Config,
            new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, Kernels = Kernels.All }, m.Checkpoint, m.WrapKey).Model, Gpu);
        using var y16 = runner16.Run(x);
        var psnr = SwinBench.Metrics.ImageMetrics.FidelityPsnr(y16.to(ScalarType.Float32).cpu().data<float>().ToArray(),
            expected.data<float>().ToArray());
        Assert.True(psnr >= 45, $"CUDA FP16 +all vs official FP32: {psnr:F2} dB < 45 dB");
    }

    /// <summary>
    /// The swin_block chain on CUDA (and captured as CUDA graphs) against the official FP32 output: FP32 within 1e-4 on
    /// a first and a second run (the second replays the captured graph), FP16 within the plugin path's PSNR bound; the
    /// handles' stats say what they hold.
    /// </summary>
    [CudaFact, Trait("Requires", "cuda")]
    public void Golden_model_through_swin_block_on_cuda_matches_the_official_output()
    {
        RequireCudaKernels("swin_block");
        var m = Golden.Model("lightweight_x2_full");
        var c = m.Cases[0];
        using var x = ArrayFiles.ReadNchw(c.Input);
        using var expected = ArrayFiles.ReadNchw(c.Output);
        foreach (var kernels in new[] { Kernels.SwinBlock, Kernels.SwinBlock | Kernels.CudaGraph })
        {
            var label = ModelOptions.TokenList(kernels);
            var graphs = kernels.HasFlag(Kernels.CudaGraph);
            var model = ModelFactory.Create(m.Config, new ModelOptions { Mask = MaskMode.Hoisted, Kernels = kernels }, m.Checkpoint, m.WrapKey).Model;
            using var runner = new TorchSharpRunner(model, Gpu);
            using var y = runner.Run(x);
            using var again = runner.Run(x);
            foreach (var (run, output) in new[] { ("first", y), ("second", again) })
            {
                var d = (output - expected).abs().max().item<float>();
                Assert.True(d <= 1e-4, $"CUDA {label} {run} run: max|d| = {d:E3} > 1e-4");
            }
            var chains = model.SwinBlockChains.ToList();
            Assert.Equal(m.Config.Depths.Length, chains.Count);
            foreach (var chain in chains)
            {
                var s = chain.Stats;
                Assert.True(s.OnCuda);
                Assert.Equal(1, s.Shapes);
                Assert.Equal(graphs ? 1 : 0, s.GraphsCaptured);
                Assert.True(graphs ? s.GraphReplays >= 1 : s.GraphReplays == 0, $"{label}: {s.GraphReplays} graph replays");
                chain.Trim();
                Assert.Equal(0, chain.Stats.Shapes);
                Assert.Equal(0, chain.Stats.WorkspaceBytes);
            }

            using var runner16 = new TorchSharpRunner(ModelFactory.Create(m.Config,
                new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, Kernels = kernels }, m.Checkpoint, m.WrapKey).Model, Gpu);
            using var y16 = runner16.Run(x);
            using var y16Again = runner16.Run(x);
            foreach (var output in new[] { y16, y16Again })
            {
                var psnr = SwinBench.Metrics.ImageMetrics.FidelityPsnr(output.to(ScalarType.Float32).cpu().data<float>().ToArray(),
                    expected.data<float>().ToArray());
                Assert.True(psnr >= 45, $"CUDA FP16 {label} vs official FP32: {psnr:F2} dB < 45 dB");
            }
        }
    }
}
