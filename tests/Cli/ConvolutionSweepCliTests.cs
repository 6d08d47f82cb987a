using SwinBench.Backends;
using SwinBench.Benchmarks;
using SwinBench.Results;

namespace SwinBench.Tests.Cli;

/// <summary>
/// The convolution question end to end on the CPU (sweep conv-cpu): TorchSharp NCHW and channels-last and ONNX
/// Runtime's CPU EP (plain and with channels padded to 8) measured and equal to TorchSharp's FP32 convolution, every
/// variant that sets a CUDA EP setting an <c>unavailable: ort: …</c> row naming it.
/// </summary>
public sealed class ConvolutionSweepCliTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void The_cpu_convolution_sweep_measures_the_cpu_variants_and_names_each_cuda_setting_it_cannot_run()
    {
        var outDir = _tmp.File("conv");
        var r = SwinBenchProcess.Run("run", "--sweep", "conv-cpu", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = new ResultsStore(outDir).Read().OrderBy(x => x.Step).ToList();
        Assert.Equal(ConvolutionBenchmarks.Table.Select(v => v.Name), rows.Select(x => x.Variant));
        Assert.All(rows, x => Assert.Equal(("convolution", "classical-x2", 32, 48, "cpu", "fp32"), (x.Question, x.Task, x.H, x.W, x.Device, x.Precision)));
        var row = rows.ToDictionary(x => x.Variant);

        string[] measured = ["torchsharp nchw", "torchsharp channels_last", "ort default", "ort C aligned to 8"];
        foreach (var name in measured)
        {
            var x = row[name];
            Assert.True(x.IsOk, $"{name}: {x.Status}");
            Assert.True(x.Samples == 3 && x.MedianMs > 0 && double.IsFinite(x.Speedup), $"{name}: {x.Samples} samples, {x.MedianMs} ms, speedup {x.Speedup}");
            Assert.True(x.FidelityPsnrDb > 100 && x.FidelityMaxAbs < 1e-4, $"{name} against TorchSharp FP32: {x.FidelityPsnrDb} dB, max|d| {x.FidelityMaxAbs}");
        }
        // the baseline is the reference's own computation; channels-last computes the same convolution
        Assert.Equal(0, row["torchsharp nchw"].FidelityMaxAbs);
        Assert.True(row["torchsharp nchw"].IsBaseline);
        Assert.Equal(("torchsharp", "channels_last"), (row["torchsharp channels_last"].Backend, row["torchsharp channels_last"].Plugins));
        Assert.All(rows.Where(x => x.Backend == "ort"), x => Assert.StartsWith(OrtAvailability.Version!, x.OnnxRuntime));

        foreach (var v in ConvolutionBenchmarks.Table.Where(v => !measured.Contains(v.Name)))
        {
            var status = row[v.Name].Status;
            Assert.StartsWith("unavailable: ort: ", status);
            Assert.EndsWith("(run with --device cuda)", status);
            Assert.All((v.ChannelsLast ? ["prefer_nhwc"] : Array.Empty<string>()).Concat(v.CudaSettings?.Keys ?? []), key => Assert.Contains(key, status));
        }
        Assert.Equal("unavailable: ort: cudnn_conv_use_max_workspace=0 is a CUDA EP setting (run with --device cuda)", row["ort max_workspace=0"].Status);
    }
}
