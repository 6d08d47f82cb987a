using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

#pragma warning disable IDE1006 // field names mirror the official state_dict keys

namespace SwinBench.Model;

/// <summary>Residual Swin Transformer Block (official <c>RSTB</c>): a stage of Swin blocks, a conv (1conv or 3conv), and a long residual.</summary>
public sealed class RSTB : nn.Module
{
    private readonly BasicLayer residual_group;
    private readonly Module<Tensor, Tensor> conv;

    public RSTB(long dim, int inputResolution, int depth, long heads, int windowSize, double mlpRatio, string resiConnection, ModelOptions options)
        : base(nameof(RSTB))
    {
        residual_group = new BasicLayer(dim, inputResolution, depth, heads, windowSize, mlpRatio, options);
        conv = SwinIR.ResidualConv(dim, resiConnection);
        RegisterComponents();
    }

    public BasicLayer ResidualGroup => residual_group;

    /// <summary>x: (B, H·W, C) tokens.</summary>
    public Tensor Forward(Tensor x, long h, long w, MaskProvider masks)
    {
        using var scope = NewDisposeScope();
        var y = residual_group.Forward(x, h, w, masks);
        y = conv.forward(Tokens.ToImage(y, h, w));
        return (Tokens.FromImage(y) + x).MoveToOuterDisposeScope();
    }
}
