using System.Globalization;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary>
/// Checks once per process that libtorch's CPU convolutions are right on this CPU, and turns its oneDNN convolutions
/// off when they are not. libtorch 2.10's oneDNN (3.7) returns wrong 3×3 convolutions (max|Δ| about 1–3 on unit-scale
/// inputs) for 30 or more channels on some virtual AMD EPYC CPUs at every instruction set above SSE4.1, while its own
/// im2col + GEMM convolution is right there. The check compares one such convolution with unfold + matrix product; on
/// a mismatch it calls libtorch's <c>at::globalContext().setUserEnabledMkldnn(false)</c> (TorchSharp exposes no switch
/// for it), and NNPACK off too (it cannot initialize on such CPUs and says so on stderr at every convolution), and checks
/// again. <see cref="Status"/> says what happened, for the environment of every results row.
/// </summary>
public static class CpuConvolutionCheck
{
    private const double Tolerance = 1e-3;
    private static readonly Lazy<string> Outcome = new(Run);

    /// <summary>
    /// <c>ok</c>, <c>onednn off: …</c> (oneDNN convolutions were wrong and are now off), or <c>unchecked: …</c>.
    /// Runs the check on first use; throws <see cref="BackendUnavailableException"/> when CPU convolutions stay wrong.
    /// </summary>
    public static string Status => Outcome.Value;

    /// <summary>Runs the check if it has not run (call before the first CPU convolution of a process).</summary>
    public static void Ensure() => _ = Outcome.Value;

    /// <summary>max |conv2d − unfold·W| of a seeded 60→60 3×3 convolution on a 24×40 map, on the CPU.</summary>
    public static double ProbeError()
    {
        using var scope = NewDisposeScope();
        var gen = new TorchSharp.torch.Generator(7);
        var x = randn([1, 60, 24, 40], generator: gen);
        var w = randn([60, 60, 3, 3], generator: gen) * 0.1;
        var b = randn([60], generator: gen);
        var y = nn.functional.conv2d(x, w, b, padding: [1, 1]);
        var columns = nn.functional.unfold(x, 3, padding: 1);
        var reference = (w.view(60, -1).matmul(columns) + b.view(-1, 1)).view(1, 60, 24, 40);
        return (y - reference).abs().max().item<float>();
    }

    private static string Run()
    {
        var error = ProbeError();
        if (error <= Tolerance) return "ok";
        if (!TrySetMkldnn(false, out var why))
            throw new BackendUnavailableException(
                $"libtorch's CPU convolutions give wrong results on this CPU (max|d| {Format(error)} on a 60-channel 3x3 convolution) and oneDNN could not be turned off: {why}");
        var after = ProbeError();
        if (after > Tolerance)
            throw new BackendUnavailableException(
                $"libtorch's CPU convolutions give wrong results on this CPU (max|d| {Format(error)}, {Format(after)} with oneDNN off)");
        return $"onednn off: its convolutions were wrong on this CPU (max|d| {Format(error)})";
    }

    private static string Format(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private delegate IntPtr GlobalContext();

    private delegate void SetUserEnabled(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    /// <summary>Calls <c>at::globalContext().setUserEnabledMkldnn(enabled)</c> and <c>setUserEnabledNNPACK(enabled)</c> in the loaded libtorch_cpu.</summary>
    private static bool TrySetMkldnn(bool enabled, out string why)
    {
        why = "";
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(CpuConvolutionCheck).Assembly, null, out var lib))
        {
            why = "libtorch_cpu.so could not be opened";
            return false;
        }
        if (!NativeLibrary.TryGetExport(lib, "_ZN2at13globalContextEv", out var context) ||
            !NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledMkldnnEb", out var mkldnn))
        {
            why = "libtorch_cpu.so does not export at::globalContext / at::Context::setUserEnabledMkldnn";
            return false;
        }
        var ctx = Marshal.GetDelegateForFunctionPointer<GlobalContext>(context)();
        Marshal.GetDelegateForFunctionPointer<SetUserEnabled>(mkldnn)(ctx, enabled);
        if (NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledNNPACKEb", out var nnpack))
            Marshal.GetDelegateForFunctionPointer<SetUserEnabled>(nnpack)(ctx, enabled);
        return true;
    }
}
