using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

#pragma warning disable IDE1006 // field names mirror the official state_dict keys

namespace SwinBench.Model;

/// <summary>
/// Window multi-head self-attention with a learned relative position bias (official <c>WindowAttention</c>). Kernel
/// flags run parts of it as plugins-cu kernels (<see cref="WindowAttentionKernels"/>): everything from the packed qkv
/// to the heads' outputs (<see cref="Kernels.WindowAttention"/>), or the split into heads (<see cref="Kernels.QkvSplit"/>).
/// </summary>
public sealed class WindowAttention : nn.Module
{
    private readonly Parameter relative_position_bias_table;
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly DeviceCache _index;
    private readonly int _windowSize;
    private readonly long _heads;
    private readonly double _scale;
    private readonly WindowAttentionKernels _kernels;

    public WindowAttention(long dim, int windowSize, long heads, Kernels kernels = Kernels.None) : base(nameof(WindowAttention))
    {
        _windowSize = windowSize;
        _heads = heads;
        _scale = Math.Pow(dim / heads, -0.5);
        relative_position_bias_table = new Parameter(zeros((2 * windowSize - 1) * (2 * windowSize - 1), heads), requires_grad: false);
        qkv = Linear(dim, dim * 3, hasBias: true);
        proj = Linear(dim, dim);
        _index = new DeviceCache(() => tensor(WindowOps.RelativePositionIndex(windowSize)));
        _kernels = new WindowAttentionKernels(this, kernels);
        RegisterComponents();
    }

    public int WindowSize => _windowSize;

    /// <summary>Whether the forward pass is the fused kernel, which wants its mask in float32.</summary>
    public bool UsesFusedKernel => _kernels.Fused;

    /// <summary>The number of heads.</summary>
    public long Heads => _heads;

    /// <summary>The attention scale, (C / heads)^-0.5.</summary>
    public double Scale => _scale;

    /// <summary>The packed qkv projection, then the output projection (for kernels that run them themselves).</summary>
    internal (Linear Qkv, Linear Proj) Projections => (qkv, proj);

    /// <summary>The learned (2·ws − 1)², heads table and the relative position index of the window on <paramref name="device"/>.</summary>
    internal (Tensor Table, Tensor Index) RelativePosition(Device device) => (relative_position_bias_table, _index.On(device));

    /// <summary>The kernel paths of this attention (their caches).</summary>
    internal WindowAttentionKernels KernelPath => _kernels;

    /// <summary>x: (B·nW, N, C); mask: (nW, N, N) or null.</summary>
    /// <remarks>
    /// Temporaries live in a dispose scope of their own and the (nW·heads·N·N) score tensors are freed as soon as the
    /// next one exists, so peak memory follows PyTorch's (which frees temporaries by reference count), not the sum of
    /// every intermediate of the forward pass. Bias and mask are added in place: the same arithmetic, one buffer.
    /// </remarks>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        if (_kernels.Fused) return _kernels.Forward(x, mask);
        using var scope = NewDisposeScope();
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        var (q, k, v) = _kernels.SplitsHeads ? _kernels.SplitHeads(qkv.forward(x)) : SplitHeads(qkv.forward(x), b, n, c);
        var scores = q.matmul(k.transpose(-2, -1));
        q.Dispose();
        var bias = relative_position_bias_table.index_select(0, _index.On(x.device)).view(n, n, -1).permute(2, 0, 1).contiguous();
        scores.add_(bias.unsqueeze(0));
        if (mask is not null)
        {
            var nW = mask.shape[0];
            scores.view(b / nW, nW, _heads, n, n).add_(mask.unsqueeze(1).unsqueeze(0));
        }
        var attn = functional.softmax(scores, -1);
        scores.Dispose();
        var y = attn.matmul(v);
        attn.Dispose();
        return proj.forward(y.transpose(1, 2).reshape(b, n, c)).MoveToOuterDisposeScope();
    }

    /// <summary>(B_, N, 3C) → q, k, v (B_, heads, N, C / heads), q scaled.</summary>
    private (Tensor Q, Tensor K, Tensor V) SplitHeads(Tensor packed, long b, long n, long c)
    {
        var parts = packed.reshape(b, n, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
        return (parts[0] * _scale, parts[1], parts[2]);
    }

    /// <summary>Drops the fused kernel's bias cache (needed only after changing weights in place).</summary>
    public void ClearCaches() => _kernels.ClearCaches();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _index.Dispose();
            _kernels.Dispose();
        }
        base.Dispose(disposing);
    }
}
