using SwinBench.Native;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SwinBench.Model;

/// <summary>
/// The kernel paths of one <see cref="SwinTransformerBlock"/>: norm1 + roll + window partition in one call
/// (swb_ln_roll_partition), window reverse + reverse roll + residual add in one call (swb_reverse_roll_add), and the
/// whole block on zero-padded rows (<see cref="Kernels.AlignedRows"/>) with the <see cref="AlignedLinear"/> copies of
/// its four linear layers.
/// </summary>
internal sealed class SwinBlockKernels : IDisposable
{
    private readonly SwinLayerNorm _norm1;
    private readonly WindowAttention _attn;
    private readonly SwinLayerNorm _norm2;
    private readonly long _ws;
    private readonly long _shift;
    private readonly AlignedLinear _qkv;
    private readonly AlignedLinear _proj;
    private readonly AlignedLinear _fc1;
    private readonly AlignedLinear _fc2;

    public SwinBlockKernels(SwinLayerNorm norm1, WindowAttention attn, SwinLayerNorm norm2, Mlp mlp, long ws, long shift, Kernels kernels)
    {
        (_norm1, _attn, _norm2, _ws, _shift) = (norm1, attn, norm2, ws, shift);
        LnRollPartition = kernels.HasFlag(Kernels.LnRollPartition);
        ReverseRollAdd = kernels.HasFlag(Kernels.ReverseRollAdd);
        Aligned = kernels.HasFlag(Kernels.AlignedRows);
        var (qkv, proj) = attn.Projections;
        var (fc1, fc2) = mlp.Layers;
        _qkv = new AlignedLinear(qkv, groups: 3);
        _proj = new AlignedLinear(proj);
        _fc1 = new AlignedLinear(fc1);
        _fc2 = new AlignedLinear(fc2);
    }

    /// <summary>Whether norm1 + roll + partition is swb_ln_roll_partition.</summary>
    public bool LnRollPartition { get; }

    /// <summary>Whether reverse + roll + residual add is swb_reverse_roll_add.</summary>
    public bool ReverseRollAdd { get; }

    /// <summary>Whether the block runs on zero-padded rows (<see cref="ForwardAligned"/>).</summary>
    public bool Aligned { get; }

    /// <summary>x (B, H·W, C) → windows (B·nW, N, C) of norm1(x) rolled by −shift.</summary>
    public Tensor NormRollPartition(Tensor x, long h, long w) =>
        TensorOps.LnRollPartition(x.contiguous(), _norm1.Weight, _norm1.Bias, SwinLayerNorm.Eps, h, w, _ws, _shift);

    /// <summary>x + the windows (B·nW, N, C) reversed and rolled back by +shift, as (B, H·W, C).</summary>
    public Tensor ReverseRollAddResidual(Tensor windows, Tensor x, long h, long w) =>
        TensorOps.ReverseRollAdd(windows.contiguous(), x.contiguous(), h, w, _ws, _shift);

    /// <summary>
    /// The block on zero-padded rows: the residual stream stays (B, H·W, C); everything a matrix product reads or
    /// writes is a (…, Align(C)) row tensor, the padding zero: norm1 + roll + partition writes padded windows, the fused
    /// attention reads the padded qkv and writes padded rows for the projection, reverse + roll + add reads the padded
    /// projection, norm2 writes padded rows for fc1, and fc2's padded output is added back with 1×1 windows.
    /// </summary>
    public Tensor ForwardAligned(Tensor x, long h, long w, MaskProvider masks)
    {
        using var scope = NewDisposeScope();
        x = x.contiguous();
        var c = x.shape[2];
        var stride = AlignedLinear.Align(c);
        var windows = TensorOps.LnRollPartition(x, _norm1.Weight, _norm1.Bias, SwinLayerNorm.Eps, h, w, _ws, _shift, stride);
        var mask = _shift > 0 ? masks.Get(h, w, _ws, _shift, ScalarType.Float32, x.device) : null;
        var projected = PaddedAttention(windows, mask, c);
        windows.Dispose();
        x = TensorOps.ReverseRollAdd(projected, x, h, w, _ws, _shift, stride);
        projected.Dispose();
        var normed = TensorOps.LayerNormFp32(x, _norm2.Weight, _norm2.Bias, SwinLayerNorm.Eps, stride);
        var mlpOut = PaddedMlp(normed);
        normed.Dispose();
        return TensorOps.AddPaddedRows(x, mlpOut).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Windows (B·nW, N, Align(C)) → the projection's output (B·nW, N, Align(C)). The packed qkv is (B·nW, N, 3·Align(C))
    /// with q, k and v Align(C) apart; the fused kernel reads it in place and writes padded rows for the projection.
    /// </summary>
    private Tensor PaddedAttention(Tensor windows, Tensor? mask, long channels)
    {
        using var scope = NewDisposeScope();
        var packed = _qkv.Forward(windows);
        var heads = TensorOps.WindowAttention(packed, _attn.Heads, _attn.Scale, _attn.KernelPath.Bias(windows.device, windows.shape[1]),
            WindowAttentionKernels.Mask(mask), channels, AlignedLinear.Align(channels));
        packed.Dispose();
        return _proj.Forward(heads).MoveToOuterDisposeScope();
    }

    /// <summary>The MLP on (…, Align(C)) rows, the hidden width padded too: the padding columns stay zero (GELU(0) = 0).</summary>
    private Tensor PaddedMlp(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = functional.gelu(_fc1.Forward(x));
        return _fc2.Forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Drops the padded weight copies.</summary>
    public void ClearCaches()
    {
        foreach (var linear in new[] { _qkv, _proj, _fc1, _fc2 }) linear.Clear();
    }

    public void Dispose() => ClearCaches();
}
