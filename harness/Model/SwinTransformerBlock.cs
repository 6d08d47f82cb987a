using SwinBench.Native;
using TorchSharp;
using static TorchSharp.torch;

#pragma warning disable IDE1006 // field names mirror the official state_dict keys

namespace SwinBench.Model;

/// <summary>
/// A Swin Transformer block (official <c>SwinTransformerBlock</c>): (shifted) window attention and MLP, each with
/// pre-LayerNorm and a residual. Kernel flags run its steps as plugins-cu kernels (<see cref="SwinBlockKernels"/>):
/// norm1 + roll + partition (<see cref="Kernels.LnRollPartition"/>), reverse + roll + residual add
/// (<see cref="Kernels.ReverseRollAdd"/>), or the whole block on zero-padded rows (<see cref="Kernels.AlignedRows"/>).
/// </summary>
public sealed class SwinTransformerBlock : nn.Module
{
    private readonly SwinLayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly SwinLayerNorm norm2;
    private readonly Mlp mlp;
    private readonly long _ws;
    private readonly long _shift;
    private readonly SwinBlockKernels _kernels;

    /// <param name="inputResolution">The training resolution (img_size); like the official code, a window larger than it shrinks to it and stops shifting.</param>
    public SwinTransformerBlock(long dim, int inputResolution, long heads, int windowSize, int shiftSize, double mlpRatio, ModelOptions options)
        : base(nameof(SwinTransformerBlock))
    {
        if (inputResolution <= windowSize)
        {
            shiftSize = 0;
            windowSize = inputResolution;
        }
        _ws = windowSize;
        _shift = shiftSize;
        ModelOptions.CheckKernels(options.Kernels);
        norm1 = new SwinLayerNorm(dim, options.LayerNorm, options.Kernels);
        attn = new WindowAttention(dim, windowSize, heads, options.Kernels);
        norm2 = new SwinLayerNorm(dim, options.LayerNorm, options.Kernels);
        mlp = new Mlp(dim, (long)(dim * mlpRatio));
        _kernels = new SwinBlockKernels(norm1, attn, norm2, mlp, _ws, _shift, options.Kernels);
        RegisterComponents();
    }

    public long ShiftSize => _shift;

    /// <summary>The block's window size (the configured one, or the training resolution when that is smaller).</summary>
    public long WindowSize => _ws;

    /// <summary>The block's attention (its bias cache).</summary>
    public WindowAttention Attention => attn;

    /// <summary>
    /// The block's weights as <see cref="SwinBlockChain"/> takes them: its own shift and the parameters themselves
    /// (not copies), the relative position bias gathered on <paramref name="device"/> in float32 (the fused
    /// attention's cache).
    /// </summary>
    internal SwinBlockTensors ChainTensors(Device device)
    {
        var (qkv, proj) = attn.Projections;
        var (fc1, fc2) = mlp.Layers;
        return new SwinBlockTensors(_shift, norm1.Weight, norm1.Bias, qkv.weight!, qkv.bias!, attn.KernelPath.Bias(device, _ws * _ws),
            proj.weight!, proj.bias!, norm2.Weight, norm2.Bias, fc1.weight!, fc1.bias!, fc2.weight!, fc2.bias!);
    }

    /// <summary>Drops what the block derived from its weights (bias cache, padded weights).</summary>
    public void ClearCaches()
    {
        attn.ClearCaches();
        _kernels.ClearCaches();
    }

    /// <summary>x: (B, H·W, C) → (B, H·W, C). Each half (attention, MLP) frees its temporaries when it ends.</summary>
    public Tensor Forward(Tensor x, long h, long w, MaskProvider masks)
    {
        if (_kernels.Aligned) return _kernels.ForwardAligned(x, h, w, masks);
        using var scope = NewDisposeScope();
        x = AttentionResidual(x, h, w, masks);
        return (x + FeedForward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>x + the (shifted) window attention of norm1(x).</summary>
    private Tensor AttentionResidual(Tensor x, long h, long w, MaskProvider masks)
    {
        using var scope = NewDisposeScope();
        var (b, c) = (x.shape[0], x.shape[2]);
        Tensor windows;
        if (_kernels.LnRollPartition)
        {
            windows = _kernels.NormRollPartition(x, h, w);
        }
        else
        {
            var y = norm1.forward(x).view(b, h, w, c);
            if (_shift > 0) y = y.roll([-_shift, -_shift], [1, 2]);
            windows = WindowOps.Partition(y, _ws).view(-1, _ws * _ws, c);
        }
        var maskType = attn.UsesFusedKernel ? ScalarType.Float32 : x.dtype;
        var mask = _shift > 0 ? masks.Get(h, w, _ws, _shift, maskType, x.device) : null;
        var attnWindows = attn.Forward(windows, mask);
        if (_kernels.ReverseRollAdd) return _kernels.ReverseRollAddResidual(attnWindows, x, h, w).MoveToOuterDisposeScope();
        var back = WindowOps.Reverse(attnWindows.view(-1, _ws, _ws, c), _ws, h, w);
        if (_shift > 0) back = back.roll([_shift, _shift], [1, 2]);
        return (x + back.view(b, h * w, c)).MoveToOuterDisposeScope();
    }

    private Tensor FeedForward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return mlp.forward(norm2.forward(x)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _kernels.Dispose();
        base.Dispose(disposing);
    }
}
