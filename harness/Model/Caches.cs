using SwinBench.Native;
using static TorchSharp.torch;

namespace SwinBench.Model;

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

/// <summary>
/// Values derived from a module's weights (padded copies, a gathered bias, a native handle), one per key: a value is
/// kept while the weights it was made from stay where they were (the same storages, dtype and device) and made again
/// when one of them is replaced, e.g. after <c>to()</c>. A replaced or cleared value is disposed.
/// </summary>
internal sealed class WeightDerivedCache<T> : IDisposable where T : IDisposable
{
    private readonly Dictionary<string, (IntPtr[] Storages, ScalarType Type, string Device, T Value)> _entries = new();

    /// <summary>The value of <paramref name="key"/> made from <paramref name="weights"/>, by <paramref name="make"/> when there is none for them.</summary>
    public T Get(string key, IReadOnlyList<Tensor> weights, Func<T> make)
    {
        var at = weights.Select(TensorOps.DataPointer).ToArray();
        var (type, device) = (weights[0].dtype, weights[0].device.ToString());
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var e) && e.Type == type && e.Device == device && e.Storages.SequenceEqual(at)) return e.Value;
            if (_entries.Remove(key, out var stale)) stale.Value.Dispose();
            var value = make();
            _entries[key] = (at, type, device, value);
            return value;
        }
    }

    /// <summary>The values made so far.</summary>
    public IReadOnlyList<T> Values
    {
        get
        {
            lock (_entries) return _entries.Values.Select(e => e.Value).ToList();
        }
    }

    /// <summary>Disposes every value; the next <see cref="Get"/> makes them again.</summary>
    public void Clear()
    {
        lock (_entries)
        {
            foreach (var e in _entries.Values) e.Value.Dispose();
            _entries.Clear();
        }
    }

    public void Dispose() => Clear();
}
