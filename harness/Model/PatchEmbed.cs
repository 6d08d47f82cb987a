using static TorchSharp.torch;

#pragma warning disable IDE1006 // field names mirror the official state_dict keys

namespace SwinBench.Model;

/// <summary>The top-level patch embedding with its LayerNorm (official <c>PatchEmbed</c> with <c>patch_norm=True</c>).</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly SwinLayerNorm norm;

    public PatchEmbed(long dim, ModelOptions options) : base(nameof(PatchEmbed))
    {
        norm = new SwinLayerNorm(dim, options.LayerNorm, options.Kernels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => norm.forward(Tokens.FromImage(x));
}

/// <summary>Patch embedding and unembedding with patch size 1 (official <c>PatchEmbed</c> / <c>PatchUnEmbed</c>): (B, C, H, W) ↔ (B, H·W, C).</summary>
public static class Tokens
{
    public static Tensor FromImage(Tensor x) => x.flatten(2).transpose(1, 2);

    public static Tensor ToImage(Tensor x, long h, long w) => x.transpose(1, 2).view(x.shape[0], x.shape[2], h, w);
}
