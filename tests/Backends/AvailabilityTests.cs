using SwinBench.Backends;
using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Native;
using SwinBench.Results;
using SwinBench.Tests.Cli;

namespace SwinBench.Tests.Backends;

/// <summary>
/// One availability rule: <see cref="SessionFactory.UnavailableReason"/> decides, verbs refuse with it
/// (<see cref="SessionFactory.CheckAvailable"/>) and sweeps record it as <c>unavailable: &lt;backend&gt;: &lt;reason&gt;</c> rows.
/// </summary>
public class AvailabilityTests
{
    private static readonly PluginLibraryStatus Missing = new(false, "libswinbench_plugins.so not found (test)", "");

    /// <summary>A plugin library that loaded (the rule reads only its status, so no library is needed here).</summary>
    internal static readonly PluginLibraryStatus Built = new(true, "loaded (test)", "");

    [Fact]
    public void Kernel_flags_without_the_plugin_library_are_unavailable_on_torchsharp_with_the_librarys_reason()
    {
        using var _ = PluginLibrary.OverrideForTests(Missing);
        var v = new Variant("v", new ModelOptions { Kernels = Kernels.WindowMask | Kernels.QkvSplit });
        Assert.Equal("torchsharp: kernels window_mask, qkv_split: libswinbench_plugins.so not found (test)", SessionFactory.UnavailableReason(v, "cpu"));
        Assert.Equal(SessionFactory.UnavailableReason(v, "cpu"), Assert.Throws<BackendUnavailableException>(() => SessionFactory.CheckAvailable(v, "cpu")).Message);
        Assert.Null(SessionFactory.UnavailableReason(new Variant("plain", ModelOptions.Original), "cpu"));
    }

    [Fact]
    public void Every_reason_starts_with_the_backend_token_and_is_one_line()
    {
        using var _ = PluginLibrary.OverrideForTests(Built);
        var graphs = new ModelOptions { Kernels = Kernels.SwinBlock | Kernels.CudaGraph };
        var torchsharp = SessionFactory.UnavailableReason(new Variant("g", graphs), "cpu");
        Assert.Equal($"torchsharp: {ModelOptions.CudaGraphNeedsCuda("cpu")}", torchsharp);
        var ort = SessionFactory.UnavailableReason(new Variant("g", graphs, Backend.OnnxRuntime), "cpu")!;
        Assert.StartsWith("ort: ", ort);
        Assert.Contains("'cuda_graph'", ort);
        var trt = SessionFactory.UnavailableReason(new Variant("t", ModelOptions.Original, Backend.TensorRt), "cpu")!;
        Assert.StartsWith("tensorrt: ", trt);
        var layout = SessionFactory.UnavailableReason(new Variant("t", new ModelOptions { Kernels = Kernels.ChannelsLast }, Backend.TensorRt), "cuda")!;
        Assert.StartsWith("tensorrt: layout 'channels_last' does not apply", layout);
        Assert.All(new[] { torchsharp!, ort, trt, layout }, r => Assert.DoesNotContain('\n', r));
        if (!TorchSharp.torch.cuda.is_available())
            Assert.StartsWith("torchsharp: CUDA requested", SessionFactory.UnavailableReason(new Variant("c", ModelOptions.Original), "cuda"));
    }

    [Fact]
    public void A_sweep_plan_records_what_the_rule_refuses_as_unavailable_and_runs_the_rest()
    {
        using var _ = PluginLibrary.OverrideForTests(Missing);
        var run = new SweepRun(Sweep.Get("ablation-gpu", DatasetManifest.Default) with { Device = "cpu" }, "test");
        var p = SweepRunner.Plan(run)[0];
        // the two variants without kernel flags run; every step with a kernel flag is unavailable, with the library's reason
        Assert.Equal(["original", "hoisted"], p.Runnable.Select(bc => SweepRunner.VariantOf(bc).Name));
        Assert.Equal(11, p.Unavailable.Count);
        Assert.All(p.Unavailable, u => Assert.Equal(SessionFactory.UnavailableReason(u.Variant, "cpu"), u.Reason));
        Assert.All(p.Unavailable, u => Assert.EndsWith(": libswinbench_plugins.so not found (test)", u.Reason));
        var rows = SwinBench.Benchmarks.RowBuilder.Rows(p with { Runnable = [] }, run);
        Assert.All(rows, r => Assert.StartsWith("unavailable: torchsharp: kernels ", r.Status));
    }

    [Fact]
    public void A_sweep_without_the_onnx_runtime_op_library_records_its_op_variants_as_unavailable_and_exits_0()
    {
        var dir = Directory.CreateTempSubdirectory("swinbench-noops-").FullName;
        try
        {
            var missing = Path.Combine(dir, "no-such-libswinbench_ort.so");
            var r = SwinBenchProcess.Run(new Dictionary<string, string> { [OrtOpLibrary.EnvironmentVariable] = missing },
                "run", "--sweep", "backends-cpu", "--size", "16x16", "--iterations", "1", "--out", Path.Combine(dir, "out"));
            Assert.True(r.ExitCode == 0, r.ToString());
            var rows = new ResultsStore(Path.Combine(dir, "out")).Read();
            var ops = rows.Where(x => x.Backend == "ort" && x.Plugins != "none").ToList();
            Assert.Equal(2, ops.Count);
            Assert.All(ops, x => Assert.Equal($"unavailable: ort: the swinbench custom-op library for ONNX Runtime was not found at ${OrtOpLibrary.EnvironmentVariable}={missing}: {OrtOpLibrary.BuildHint}", x.Status));
            Assert.DoesNotContain(rows, x => x.Status.StartsWith("error:", StringComparison.Ordinal));
            Assert.Equal(4, rows.Count(x => x.IsOk)); // TorchSharp and plain ONNX Runtime, FP32 and FP16
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
