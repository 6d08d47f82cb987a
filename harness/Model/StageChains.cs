using SwinBench.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>
/// The <see cref="Kernels.SwinBlock"/> path of one <see cref="BasicLayer"/>: all its blocks as one
/// <see cref="SwinBlockChain"/> call, one chain per device and activation dtype, made on first use from the blocks'
/// parameters (each block's own window size and shift) and kept until a parameter is replaced (a new storage or dtype,
/// e.g. after <c>to()</c>) or <see cref="Clear"/>. <see cref="Kernels.CudaGraph"/>: the chains capture CUDA graphs.
/// </summary>
internal sealed class StageChains(IList<SwinTransformerBlock> blocks, bool cudaGraph) : IDisposable
{
    private readonly WeightDerivedCache<SwinBlockChain> _chains = new();

    /// <summary>The chains made so far.</summary>
    public IReadOnlyList<SwinBlockChain> All => _chains.Values;

    /// <summary>x (B, H·W, C), made contiguous → a new (B, H·W, C) tensor: every block applied by one chain call.</summary>
    public Tensor Run(Tensor x, long h, long w, IEnumerable<Parameter> weights)
    {
        if (cudaGraph && x.device.type != DeviceType.CUDA) throw new ArgumentException(ModelOptions.CudaGraphNeedsCuda(x.device.ToString()));
        using var scope = NewDisposeScope();
        var chain = _chains.Get($"{x.device}/{x.dtype}", weights.ToList<Tensor>(), () => Create(x.device, x.dtype));
        return chain.Run(x.contiguous(), h, w).MoveToOuterDisposeScope();
    }

    private SwinBlockChain Create(Device device, ScalarType type)
    {
        var first = blocks[0];
        if (blocks.Any(b => b.WindowSize != first.WindowSize))
            throw new InvalidOperationException("swin_block: the blocks of one stage have different window sizes");
        return SwinBlockChain.Create(blocks.Select(b => b.ChainTensors(device)).ToList(), first.Attention.Heads, first.WindowSize,
            SwinLayerNorm.Eps, first.Attention.Scale, type, cudaGraph);
    }

    /// <summary>Frees every chain (their weight copies and per-shape buffers); the next run makes them again.</summary>
    public void Clear() => _chains.Clear();

    public void Dispose() => _chains.Dispose();
}
