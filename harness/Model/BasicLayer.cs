using SwinBench.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

#pragma warning disable IDE1006 // field names mirror the official state_dict keys

namespace SwinBench.Model;

/// <summary>
/// The blocks of one stage (official <c>BasicLayer</c>; no downsampling in SwinIR), even blocks unshifted and odd ones
/// shifted by half a window. With <see cref="Kernels.SwinBlock"/> every block runs in one native call
/// (<see cref="StageChains"/>).
/// </summary>
public sealed class BasicLayer : nn.Module
{
    private readonly ModuleList<SwinTransformerBlock> blocks;
    private readonly StageChains? _chains;

    public BasicLayer(long dim, int inputResolution, int depth, long heads, int windowSize, double mlpRatio, ModelOptions options)
        : base(nameof(BasicLayer))
    {
        blocks = new ModuleList<SwinTransformerBlock>();
        for (var i = 0; i < depth; i++)
            blocks.Add(new SwinTransformerBlock(dim, inputResolution, heads, windowSize, i % 2 == 0 ? 0 : windowSize / 2, mlpRatio, options));
        if (options.Kernels.HasFlag(Kernels.SwinBlock)) _chains = new StageChains(blocks, options.Kernels.HasFlag(Kernels.CudaGraph));
        RegisterComponents();
    }

    public IEnumerable<SwinTransformerBlock> Blocks => blocks;

    /// <summary>The <see cref="Kernels.SwinBlock"/> chains made so far (one per device and dtype run).</summary>
    public IReadOnlyList<SwinBlockChain> Chains => _chains?.All ?? [];

    /// <summary>
    /// Runs the blocks in order, freeing each intermediate residual stream once the next block has consumed it. With
    /// <see cref="Kernels.SwinBlock"/>: one chain call, whose handle makes its own shifted-window masks
    /// (<paramref name="masks"/> is unused: the mask mode no longer matters inside the stage).
    /// </summary>
    public Tensor Forward(Tensor x, long h, long w, MaskProvider masks) => _chains is null
        ? Sequence.Chain(x, blocks, (block, t) => block.Forward(t, h, w, masks))
        : _chains.Run(x, h, w, parameters());

    /// <summary>Drops the stage's chains and what its blocks derived from their weights (needed only after in-place weight changes).</summary>
    public void ClearCaches()
    {
        _chains?.Clear();
        foreach (var block in blocks) block.ClearCaches();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _chains?.Dispose();
        base.Dispose(disposing);
    }
}
