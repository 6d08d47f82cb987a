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
/// </summary>
[Config(typeof(SwinBenchConfig))]
public class MaskConstructionBenchmarks
{
    [ParamsSource(nameof(Cases))]
    public BenchCase Case { get; set; } = null!;

    public static IEnumerable<BenchCase> Cases => Sweep.Current.Cases;

    private Device _device = CPU;
    private long _h, _w, _ws, _shift;

    [GlobalSetup]
    public void Setup()
    {
        _device = TorchDevices.Resolve(Sweep.Current.Device);
        _ws = Case.Task.Preset.Config.WindowSize;
        _shift = _ws / 2;
        _h = (Case.H + _ws - 1) / _ws * _ws;
        _w = (Case.W + _ws - 1) / _ws * _ws;
        PluginLibrary.EnsureAvailable();
        foreach (var (name, step) in new[] { (nameof(HostConstruction), 0), (nameof(Kernel), 1) })
            Measurements.Set(name, Case, Precision.Fp32, new CaseMeasurement(name, step,
                step == 0 ? ModelOptions.Original : ModelOptions.Original with { Kernels = Kernels.WindowMask },
                double.PositiveInfinity, 0, CudaInfo.MemoryInUseMB(), CudaInfo.DeviceName(_device.index), false));
        using var a = HostConstructionMask();
        using var b = KernelMask();
        if (!a.to(ScalarType.Float32).eq(b.to(ScalarType.Float32)).all().item<bool>())
            throw new InvalidOperationException($"mask kernel differs from the host construction at {_h}x{_w}");
    }

    private Tensor HostConstructionMask()
    {
        using var host = WindowOps.ShiftedWindowMask(_h, _w, _ws, _shift);
        return host.to(_device);
    }

    private Tensor KernelMask() => TensorOps.WindowMask(_h, _w, _ws, _shift, ScalarType.Float32, _device);

    [Benchmark(Baseline = true)]
    public void HostConstruction()
    {
        using var m = HostConstructionMask();
        TorchDevices.Synchronize(_device);
    }

    [Benchmark]
    public void Kernel()
    {
        using var m = KernelMask();
        TorchDevices.Synchronize(_device);
    }
}
