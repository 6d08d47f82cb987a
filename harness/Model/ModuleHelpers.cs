using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>Runs a chain of stages on the residual stream, keeping only the live stream in memory.</summary>
internal static class Sequence
{
    /// <summary>
    /// Applies <paramref name="step"/> for each stage; every intermediate is disposed as soon as the next stage has
    /// produced its output (the caller's input is never disposed). The result belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor Chain<TStage>(Tensor input, IEnumerable<TStage> stages, Func<TStage, Tensor, Tensor> step)
    {
        using var scope = NewDisposeScope();
        var current = input;
        foreach (var stage in stages)
        {
            var next = step(stage, current);
            if (!ReferenceEquals(current, input)) current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, input) ? current : current.MoveToOuterDisposeScope();
    }
}

/// <summary>A tensor derived from constants, kept once per device and never part of the state_dict.</summary>
internal sealed class DeviceCache(Func<Tensor> make) : IDisposable
{
    private readonly Dictionary<string, Tensor> _perDevice = new();

    public Tensor On(Device device)
    {
        var key = device.ToString();
        lock (_perDevice)
        {
            if (_perDevice.TryGetValue(key, out var t)) return t;
            using var scope = NewDisposeScope();
            t = make().to(device).DetachFromDisposeScope();
            _perDevice[key] = t;
            return t;
        }
    }

    public void Dispose()
    {
        lock (_perDevice)
        {
            foreach (var t in _perDevice.Values) t.Dispose();
            _perDevice.Clear();
        }
    }
}
