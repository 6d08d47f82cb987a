using SwinBench.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>
/// Gives each shifted block its attention mask according to <see cref="MaskMode"/>: PerBlock builds a fresh one on
/// every call (the official behaviour), Hoisted builds one per (H, W, window, shift, dtype, device) and shares it.
/// Masks come from the official host construction, or, with <c>useKernel</c> (<see cref="Kernels.WindowMask"/>), from
/// the swb_window_mask kernel run directly on the device in the requested dtype.
/// </summary>
public sealed class MaskProvider : IDisposable
{
    private readonly Dictionary<(long H, long W, long Ws, long Shift, ScalarType Type, string Device), Tensor> _cache = new();
    private readonly object _lock = new();

    public MaskProvider(MaskMode mode, bool useKernel = false)
    {
        Mode = mode;
        UsesKernel = useKernel;
    }

    public MaskMode Mode { get; }

    /// <summary>Whether masks are built by the plugin kernel (<see cref="Kernels.WindowMask"/>).</summary>
    public bool UsesKernel { get; }

    /// <summary>Number of masks built since creation (a test and benchmark observable).</summary>
    public int MasksBuilt { get; private set; }

    /// <summary>The (nW, N, N) mask for a shifted block; PerBlock results belong to the caller's dispose scope, Hoisted ones to this cache.</summary>
    public Tensor Get(long h, long w, long ws, long shift, ScalarType type, Device device)
    {
        if (Mode == MaskMode.PerBlock)
        {
            MasksBuilt++;
            return Build(h, w, ws, shift, type, device);
        }
        var key = (h, w, ws, shift, type, device.ToString());
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var cached)) return cached;
            using var scope = NewDisposeScope();
            var mask = Build(h, w, ws, shift, type, device).DetachFromDisposeScope();
            _cache[key] = mask;
            MasksBuilt++;
            return mask;
        }
    }

    private Tensor Build(long h, long w, long ws, long shift, ScalarType type, Device device)
    {
        if (UsesKernel) return TensorOps.WindowMask(h, w, ws, shift, type, device);
        var host = WindowOps.ShiftedWindowMask(h, w, ws, shift);
        return host.to(type, device);
    }

    /// <summary>Drops cached masks (e.g. before moving the model to another device).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var t in _cache.Values) t.Dispose();
            _cache.Clear();
        }
    }

    public void Dispose() => Clear();
}
