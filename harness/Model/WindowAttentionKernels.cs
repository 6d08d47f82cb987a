using SwinBench.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>
/// The kernel paths of one <see cref="WindowAttention"/>: swb_window_attention (<see cref="Kernels.WindowAttention"/>:
/// scores, relative position bias, mask, softmax and ·v in one call from the packed qkv) with its float32 bias cache, and
/// swb_qkv_split (<see cref="Kernels.QkvSplit"/>, unused under the fused kernel, which reads the packed qkv itself).
/// </summary>
internal sealed class WindowAttentionKernels(WindowAttention attention, Kernels kernels) : IDisposable
{
    private readonly WeightDerivedCache<Tensor> _bias = new();

    /// <summary>Whether the attention runs swb_window_attention.</summary>
    public bool Fused { get; } = kernels.HasFlag(Kernels.WindowAttention);

    /// <summary>Whether the attention splits its heads with swb_qkv_split.</summary>
    public bool SplitsHeads { get; } = kernels.HasFlag(Kernels.QkvSplit) && !kernels.HasFlag(Kernels.WindowAttention);

    /// <summary>x: (B·nW, N, C); mask: (nW, N, N) or null → the projection's output (B·nW, N, C).</summary>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (qkv, proj) = attention.Projections;
        var packed = qkv.forward(x).contiguous();
        var heads = TensorOps.WindowAttention(packed, attention.Heads, attention.Scale, Bias(x.device, x.shape[1]), Mask(mask));
        return proj.forward(heads).MoveToOuterDisposeScope();
    }

    /// <summary>The packed qkv (B_, N, 3C) → q, k, v (B_, heads, N, C / heads), q scaled, by swb_qkv_split.</summary>
    public (Tensor Q, Tensor K, Tensor V) SplitHeads(Tensor packed) => TensorOps.QkvSplit(packed.contiguous(), attention.Heads, attention.Scale);

    /// <summary>The mask as the fused kernel takes it: float32, contiguous (null: unshifted).</summary>
    public static Tensor? Mask(Tensor? mask) =>
        mask is null ? null : mask.dtype == ScalarType.Float32 ? mask.contiguous() : mask.to(ScalarType.Float32).contiguous();

    /// <summary>
    /// The relative position bias as the fused kernel takes it: float32 (heads, N, N), gathered once per device and
    /// kept until the table is replaced (a new storage or dtype, e.g. after <c>to()</c>) or <see cref="ClearCaches"/>.
    /// </summary>
    public Tensor Bias(Device device, long n)
    {
        var (table, index) = attention.RelativePosition(device);
        return _bias.Get(device.ToString(), [table], () =>
        {
            using var scope = NewDisposeScope();
            return table.to(ScalarType.Float32).index_select(0, index).view(n, n, -1).permute(2, 0, 1).contiguous()
                .DetachFromDisposeScope();
        });
    }

    /// <summary>Drops the bias cache.</summary>
    public void ClearCaches() => _bias.Clear();

    public void Dispose() => _bias.Dispose();
}
