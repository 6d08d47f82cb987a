using System.Runtime.CompilerServices;
using SwinBench.Native;
using static TorchSharp.torch;

namespace SwinBench.Tests.Native;

/// <summary>The plugin library for tests: tests that need it fail (never pass silently) when it is missing.</summary>
internal static class PluginFixture
{
    /// <summary>The probe of a usable library; fails the calling test with what to do otherwise.</summary>
    public static PluginLibraryStatus Require()
    {
        var status = PluginLibrary.Probe();
        Assert.True(status.Available,
            $"{status.Reason}. These tests need the plugin library: run scripts/build-plugins.sh (CI builds it first), " +
            $"or set {PluginLibrary.EnvironmentVariable} to a built {PluginLibrary.FileName}.");
        return status;
    }
}

/// <summary>A fact that needs a CUDA device; skipped, with the reason shown, where libtorch has none.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!cuda.is_available()) Skip = "needs a CUDA device (libtorch reports none: CPU build or no GPU)";
    }
}

/// <summary>Tensor comparisons of the plugin tests.</summary>
internal static class Close
{
    /// <summary>max |a − b| over all elements, computed in float64.</summary>
    public static double MaxAbs(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        Assert.Equal(a.shape, b.shape);
        return (a.to(ScalarType.Float64, CPU) - b.to(ScalarType.Float64, CPU)).abs().max().item<double>();
    }

    /// <summary>Asserts an FP32 result within <paramref name="tolerance"/> of the reference.</summary>
    public static void Fp32(Tensor actual, Tensor expected, double tolerance, string what)
    {
        Assert.Equal(ScalarType.Float32, actual.dtype);
        var d = MaxAbs(actual, expected);
        Assert.True(d <= tolerance, $"{what}: max|d| = {d:E3} > {tolerance:E1}");
    }

    /// <summary>
    /// Asserts an FP16 result within FP16 rounding of a float32 reference computed from the same FP16 inputs: at most
    /// one FP16 step at |reference| (2^-10 relative, the subnormal step below 2^-14) plus 1e-5 of float32 arithmetic.
    /// </summary>
    public static void Fp16(Tensor actual, Tensor reference, string what)
    {
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float16, actual.dtype);
        Assert.Equal(reference.shape, actual.shape);
        var r = reference.to(ScalarType.Float64, CPU);
        var a = actual.to(ScalarType.Float64, CPU);
        var allowed = r.abs().clamp_min(Math.Pow(2, -14)) * Math.Pow(2, -10) + 1e-5;
        var excess = ((a - r).abs() - allowed).max().item<double>();
        var worst = (a - r).abs().max().item<double>();
        Assert.True(excess <= 0, $"{what}: an FP16 result is beyond one FP16 step of the float32 reference (max|d| = {worst:E3})");
    }
}
