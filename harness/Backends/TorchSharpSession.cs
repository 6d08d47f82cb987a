using SwinBench.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary><see cref="IInferenceSession"/> over a TorchSharp <see cref="SwinIR"/> on the CPU or a CUDA device.</summary>
public sealed class TorchSharpSession : IInferenceSession
{
    private readonly TorchSharpRunner _runner;
    private Tensor? _input;
    private Tensor? _output;

    public TorchSharpSession(SwinIR model, Device device)
    {
        _runner = new TorchSharpRunner(model, device);
        Device = device.type == DeviceType.CUDA ? "cuda" : "cpu";
        DeviceName = device.type == DeviceType.CUDA ? CudaInfo.DeviceName(device.index) : HostInfo.CpuModel;
    }

    public string Backend => "torchsharp";
    public string Device { get; }
    public string DeviceName { get; }
    public SwinIR Model => _runner.Model;

    public void SetInput(float[] nchw, long[] shape)
    {
        _input?.Dispose();
        using var host = tensor(nchw, shape);
        _input = host.to(_runner.DType, _runner.Device).DetachFromDisposeScope();
    }

    public void Run()
    {
        if (_input is null) throw new InvalidOperationException("SetInput must be called before Run");
        _output?.Dispose();
        _output = _runner.RunOnDevice(_input).DetachFromDisposeScope();
        _runner.Synchronize();
    }

    public (float[] Data, long[] Shape) GetOutput()
    {
        if (_output is null) throw new InvalidOperationException("Run has not produced an output yet");
        using var host = _output.to(ScalarType.Float32, CPU).contiguous();
        return (host.data<float>().ToArray(), host.shape);
    }

    public double? DeviceMemoryMB() => _runner.Device.type == DeviceType.CUDA ? CudaInfo.MemoryInUseMB() : HostInfo.PeakWorkingSetMB;

    /// <summary>
    /// Runs the .NET garbage collector and finalizers: some TorchSharp objects made during a forward pass release their
    /// native (and device) memory only in finalizers, so long GPU runs call this between timed runs.
    /// </summary>
    public static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    public void Dispose()
    {
        _input?.Dispose();
        _output?.Dispose();
        _runner.Dispose();
    }
}
