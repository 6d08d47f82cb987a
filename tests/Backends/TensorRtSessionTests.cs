using System.Runtime.InteropServices;
using SwinBench.Backends;
using SwinBench.Tests.Cli;

namespace SwinBench.Tests.Backends;

/// <summary>
/// The TensorRT backend where TensorRT is missing (every machine of this project so far): a clean
/// <c>tensorrt: unavailable: …</c> in the probe and in <c>swinbench env</c> (exit 0), and a
/// <see cref="BackendUnavailableException"/> with the reason from the session. On a TensorRT 10 machine the same tests
/// check the other branch.
/// </summary>
public class TensorRtSessionTests
{
    private static bool NvInferLoads()
    {
        if (!NativeLibrary.TryLoad(TensorRtAvailability.NvInfer, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    private static bool Available => NvInferLoads() && TensorRtAvailability.FindLibrary() is not null;

    [Fact]
    public void ProbeReportsUnavailableWithTheReason()
    {
        var line = TensorRtAvailability.Probe();
        if (Available)
        {
            Assert.StartsWith("tensorrt: available ", line);
            return;
        }
        Assert.StartsWith("tensorrt: unavailable: ", line);
        if (!NvInferLoads()) Assert.Contains(TensorRtAvailability.NvInfer, line);
        if (TensorRtAvailability.FindLibrary() is null) Assert.Contains("libswinbench_trt.so not built", line);
        Assert.Equal(line, TensorRtAvailability.Probe()); // probed once, stable
    }

    [Fact]
    public void SessionThrowsBackendUnavailableWithTheReason()
    {
        if (Available) return;
        var e = Assert.Throws<BackendUnavailableException>(() => TensorRtSession.FromFile("model.onnx"));
        Assert.Contains(TensorRtAvailability.UnavailableReason()!, e.Message);
    }

    [Fact]
    public void EnvShowsTheTensorRtLineAndExitsZero()
    {
        var r = SwinBenchProcess.Run("env");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(Available ? "tensorrt: available" : "tensorrt: unavailable: ", r.Stdout);
    }

    [Fact]
    public void VariantNamesPrecisionAndProfile()
    {
        var o = new TensorRtOptions { Fp16 = true, MinHeight = 64, OptHeight = 256, MaxHeight = 1024, MinWidth = 48, OptWidth = 256, MaxWidth = 960 };
        Assert.Equal("fp16-b1-h64-256-1024-w48-256-960", o.EffectiveVariant);
        Assert.Equal("mine", (o with { Variant = "mine" }).EffectiveVariant);
        Assert.NotEqual(o.EffectiveVariant, (o with { Fp16 = false }).EffectiveVariant);
    }
}
