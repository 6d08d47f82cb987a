using SwinBench.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

// Field names mirror the official SwinIR attribute names (snake_case) so that the state_dict keys match the checkpoints.
#pragma warning disable IDE1006

namespace SwinBench.Model;

/// <summary>
/// LayerNorm over the last dimension (official <c>nn.LayerNorm</c>) with the official parameter names (weight, bias)
/// and the computation <see cref="LayerNormMode"/> selects; with <see cref="Kernels.LayerNormFp32"/> the
/// swb_layer_norm_fp32 kernel, whatever the mode.
/// </summary>
public sealed class SwinLayerNorm : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _dim;
    private readonly LayerNormMode _mode;
    private readonly bool _kernel;
    public const double Eps = 1e-5;

    public SwinLayerNorm(long dim, LayerNormMode mode, Kernels kernels = Kernels.None) : base(nameof(SwinLayerNorm))
    {
        _dim = dim;
        _mode = mode;
        _kernel = kernels.HasFlag(Kernels.LayerNormFp32);
        weight = new Parameter(ones(dim), requires_grad: false);
        bias = new Parameter(zeros(dim), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>The scale (official <c>weight</c>), for kernels that fuse this LayerNorm.</summary>
    internal Tensor Weight => weight;

    /// <summary>The shift (official <c>bias</c>), for kernels that fuse this LayerNorm.</summary>
    internal Tensor Bias => bias;

    public override Tensor forward(Tensor x) => _kernel ? TensorOps.LayerNormFp32(x.contiguous(), weight, bias, Eps) : _mode switch
    {
        LayerNormMode.Fused => functional.layer_norm(x, [_dim], weight, bias, Eps),
        LayerNormMode.Decomposed => Decomposed(x),
        LayerNormMode.Fp32Accumulate when x.dtype != ScalarType.Float32 =>
            functional.layer_norm(x.to(ScalarType.Float32), [_dim], weight.to(ScalarType.Float32), bias.to(ScalarType.Float32), Eps).to(x.dtype),
        _ => functional.layer_norm(x, [_dim], weight, bias, Eps),
    };

    private Tensor Decomposed(Tensor x)
    {
        var mean = x.mean([-1L], keepdim: true);
        var centered = x - mean;
        var variance = centered.pow(2).mean([-1L], keepdim: true);
        return centered * (variance + Eps).rsqrt() * weight + bias;
    }
}
