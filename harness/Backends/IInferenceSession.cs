namespace SwinBench.Backends;

/// <summary>
/// One model variant ready to run on one backend and device. Benchmarks call <see cref="SetInput"/> once (uploading to
/// the device outside the timed region), then time <see cref="Run"/>, which returns only when the device is done.
/// </summary>
public interface IInferenceSession : IDisposable
{
    /// <summary>"torchsharp", "ort" or "tensorrt".</summary>
    string Backend { get; }

    /// <summary>"cpu" or "cuda".</summary>
    string Device { get; }

    /// <summary>The processor's name, e.g. "NVIDIA H100 80GB HBM3" or the CPU model.</summary>
    string DeviceName { get; }

    /// <summary>Uploads a float32 NCHW input in [0, 1] (converted to the session's precision).</summary>
    void SetInput(float[] nchw, long[] shape);

    /// <summary>Runs the model on the current input and waits for completion.</summary>
    void Run();

    /// <summary>The last output as float32 NCHW on the host.</summary>
    (float[] Data, long[] Shape) GetOutput();

    /// <summary>Device memory in use (MB) as the backend sees it, or null where it cannot be read.</summary>
    double? DeviceMemoryMB();
}
