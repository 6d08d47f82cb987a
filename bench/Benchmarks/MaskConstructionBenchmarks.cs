using BenchmarkDotNet.Attributes;
using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Native;
using SwinBench.Workloads;
using static TorchSharp.torch;

namespace SwinBench.Benchmarks;

/// <summary>
/// How long does one shifted-window mask take: the official construction (region ids on the host, partition, pairwise
/// compare, copy to the device) vs the window-mask kernel, for the padded size of each case (window 8, shift 4)?
/// The variant's <see cref="Kernels.WindowMask"/> flag picks the construction; no model runs.
/// </summary>
public class MaskConstructionBenchmarks : Question
{
    public static readonly QuestionSpec Definition = QuestionSpec.Of<MaskConstructionBenchmarks>("mask-construction",
        "One shifted-window mask: host construction vs the window_mask kernel",
        QuestionSpec.BaselineVariant("host construction", ModelOptions.Original),
        new Variant("window_mask kernel", ModelOptions.Original with { Kernels = Kernels.WindowMask }));

    /// <summary>It opens no session: nothing to keep.</summary>
    protected override bool KeepsSession => false;

    private Device _device = CPU;
    private long _h, _w, _ws, _shift;
    private bool _kernel;

    protected override void SetUp()
    {
        _device = TorchDevices.Resolve(Run.Sweep.Device);
        _ws = Case.Task.Preset.Config.WindowSize;
        _shift = _ws / 2;
        _h = (Case.H + _ws - 1) / _ws * _ws;
        _w = (Case.W + _ws - 1) / _ws * _ws;
        _kernel = Variant.Options.Kernels.HasFlag(Kernels.WindowMask);
        PluginLibrary.EnsureAvailable();
        using var a = HostConstructionMask();
        using var b = KernelMask();
        if (!a.to(ScalarType.Float32).eq(b.to(ScalarType.Float32)).all().item<bool>())
            throw new InvalidOperationException($"mask kernel differs from the host construction at {_h}x{_w}");
        Run.Measurements.Set(Key, CaseMeasurement.OnDevice(double.PositiveInfinity, 0, _device, peakReset: false));
    }

    private Tensor HostConstructionMask()
    {
        using var host = WindowOps.ShiftedWindowMask(_h, _w, _ws, _shift);
        return host.to(_device);
    }

    private Tensor KernelMask() => TensorOps.WindowMask(_h, _w, _ws, _shift, ScalarType.Float32, _device);

    protected override void Measure()
    {
        using var m = _kernel ? KernelMask() : HostConstructionMask();
        TorchDevices.Synchronize(_device);
    }

    protected override void TearDown() { }
}
