using System.Runtime.InteropServices;
using SwinBench.Backends;
using SwinBench.Tests.Cli;

namespace SwinBench.Tests.Backends;

/// <summary>
/// The TensorRT backend on either kind of machine. Where TensorRT is missing (every machine of this project so far): a
/// clean <c>tensorrt: unavailable: …</c> in the probe and in <c>swinbench env</c> (exit 0), and a
/// <see cref="BackendUnavailableException"/> with the reason from the session. Where TensorRT 10 and the SwinBench
/// TensorRT library are present: <c>tensorrt: available …</c> and a session that opens models. Each test that needs one
/// kind of machine is skipped, with the reason, on the other.
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

    private const string Installed = "TensorRT and libswinbench_trt.so are present here: this test is for a machine without them";

    private const string Missing = "needs TensorRT 10 (libnvinfer) and a built libswinbench_trt.so";

    [Fact]
    public void ProbeReportsUnavailableWithTheReason()
    {
        if (Available) Assert.Skip(Installed);
        var line = TensorRtAvailability.Probe();
        Assert.StartsWith("tensorrt: unavailable: ", line);
        if (!NvInferLoads()) Assert.Contains(TensorRtAvailability.NvInfer, line);
        if (TensorRtAvailability.FindLibrary() is null) Assert.Contains("libswinbench_trt.so not built", line);
        Assert.Equal(line, TensorRtAvailability.Probe()); // probed once, stable
    }

    [Fact]
    public void ProbeReportsAvailableWhereTensorRtIsInstalled()
    {
        if (!Available) Assert.Skip(Missing);
        var line = TensorRtAvailability.Probe();
        Assert.StartsWith("tensorrt: available ", line);
        Assert.Null(TensorRtAvailability.UnavailableReason());
        Assert.Equal(line, TensorRtAvailability.Probe());
    }

    [Fact]
    public void SessionThrowsBackendUnavailableWithTheReason()
    {
        if (Available) Assert.Skip(Installed);
        var e = Assert.Throws<BackendUnavailableException>(() => TensorRtSession.FromFile("model.onnx"));
        Assert.Contains(TensorRtAvailability.UnavailableReason()!, e.Message);
    }

    [Fact]
    public void SessionRefusesAMissingModelNamingItWhereTensorRtIsInstalled()
    {
        if (!Available) Assert.Skip(Missing);
        var missing = Path.Combine(Path.GetTempPath(), $"swinbench-no-model-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => TensorRtSession.FromFile(missing));
        Assert.Contains(missing, e.Message);
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
