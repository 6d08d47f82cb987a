using SwinBench.Backends;
using SwinBench.IO;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Cli;

/// <summary>
/// One <see cref="Variant"/> of one model on one device, opened through <see cref="SessionFactory"/> and run on host
/// float32 NCHW inputs. The session is opened on the first input and kept; TensorRT builds its engine for one input size,
/// so a TensorRT session is reopened when the size changes. The verbs' only way to run a model.
/// </summary>
public sealed class VariantRunner(Variant variant, ModelSpec model, string device) : IDisposable
{
    private IInferenceSession? _session;
    private (long H, long W) _size;

    public Variant Variant { get; } = variant;
    public ModelSpec Model { get; } = model;
    public string DeviceName => _session?.DeviceName ?? "n/a";

    /// <summary>The open session (after the first run), for its backend, device and memory.</summary>
    public IInferenceSession? Session => _session;

    /// <summary>
    /// Opens the session now for inputs of <paramref name="height"/> × <paramref name="width"/>. Call it outside any
    /// TorchSharp dispose scope (a TorchSharp session's model would be disposed with the scope).
    /// </summary>
    public IInferenceSession Open(long height, long width)
    {
        if (_session is not null && (SessionFactory.TakesAnySize(Variant.Backend) || _size == (height, width))) return _session;
        _session?.Dispose();
        _session = null;
        _session = SessionFactory.Open(Variant, Model, device, (int)height, (int)width);
        _size = (height, width);
        return _session;
    }

    /// <summary>Runs on host float32 NCHW data; returns the output as host float32 NCHW.</summary>
    public (float[] Data, long[] Shape) Run(float[] nchw, long[] shape)
    {
        CheckSize(shape[2], shape[3]);
        var session = Open(shape[2], shape[3]);
        session.SetInput(nchw, shape);
        session.Run();
        return session.GetOutput();
    }

    /// <summary>Runs on a float32 NCHW tensor (any device); returns a float32 CPU tensor.</summary>
    public Tensor Run(Tensor x)
    {
        using var host = x.to(TorchSharp.torch.ScalarType.Float32, CPU).contiguous();
        var (data, shape) = Run(host.data<float>().ToArray(), host.shape);
        return tensor(data, shape);
    }

    /// <summary>
    /// The input-size check of the TorchSharp model (reflect padding to a window multiple), made before any backend runs,
    /// so every backend reports a too-small input the same way.
    /// </summary>
    private void CheckSize(long h, long w)
    {
        var ws = Model.Config.WindowSize;
        long padH = (ws - h % ws) % ws, padW = (ws - w % ws) % ws;
        if (padH >= h || padW >= w)
            throw new InvalidInputException(
                $"input {h}x{w} is too small: reflect padding to a multiple of window {ws} needs each side >= {ws / 2 + 1}");
    }

    public void Dispose()
    {
        _session?.Dispose();
        _session = null;
    }
}
