using SwinBench.Backends;
using SwinBench.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Native;

/// <summary>
/// One Swin Transformer block's weights for <see cref="SwinBlockChain.Create"/>, in the official layouts: LayerNorm
/// vectors (C), qkv (3C, C) with rows [3][heads][d] and (3C), the gathered relative position bias float32 (heads, N, N),
/// proj (C, C) and (C), fc1 (hidden, C) and (hidden), fc2 (C, hidden) and (C). Every weight but the bias shares one
/// dtype (float32 or float16) and one device.
/// </summary>
public sealed record SwinBlockTensors(long ShiftSize, Tensor Norm1Weight, Tensor Norm1Bias, Tensor QkvWeight, Tensor QkvBias,
    Tensor AttnBias, Tensor ProjWeight, Tensor ProjBias, Tensor Norm2Weight, Tensor Norm2Bias, Tensor Fc1Weight, Tensor Fc1Bias,
    Tensor Fc2Weight, Tensor Fc2Bias);

/// <summary>
/// The Swin block chain (<c>swb_swin_block_*</c>) on TorchSharp tensors: every block of one stage as one native call
/// on a handle that copies the blocks' weights at <see cref="Create"/> (the tensors may change or go afterwards) and
/// keeps per-input-shape work buffers, masks and (CUDA, <c>cudaGraph</c>) captured graphs until <see cref="Trim"/> or
/// <see cref="Dispose"/>. A chain lives on one device: the CPU handle (the library's reference composition) for CPU
/// weights, the CUDA handle for CUDA weights, created and run with their device current and its work queued on the
/// legacy default stream (stream 0), which is PyTorch's default stream. Bad arguments: <see cref="ArgumentException"/>;
/// a missing library or CUDA chain: <see cref="BackendUnavailableException"/>; a failing call:
/// <see cref="PluginException"/> with the library's message.
/// </summary>
public sealed class SwinBlockChain : IDisposable
{
    private static readonly string Op = ModelOptions.Token(Kernels.SwinBlock);
    private readonly SwinBlockHandle _handle;

    private SwinBlockChain(SwinBlockHandle handle, SwinBlockDesc desc, Device device, ScalarType dtype)
    {
        _handle = handle;
        Description = desc;
        Device = device;
        DType = dtype;
    }

    /// <summary>What the handle was created with.</summary>
    public SwinBlockDesc Description { get; }

    /// <summary>The device of the weights, and of every tensor it runs.</summary>
    public Device Device { get; }

    /// <summary>The activation dtype: inputs and outputs of <see cref="Run"/>.</summary>
    public ScalarType DType { get; }

    /// <summary>
    /// Creates the chain of <paramref name="blocks"/> (in order; at least one), all on one device, running activations of
    /// <paramref name="dtype"/>; <paramref name="cudaGraph"/> captures each input shape as a CUDA graph (CUDA weights
    /// only). The weights are copied before this returns.
    /// </summary>
    public static SwinBlockChain Create(IReadOnlyList<SwinBlockTensors> blocks, long heads, long windowSize, double epsilon, double scale,
        ScalarType dtype, bool cudaGraph = false)
    {
        if (blocks.Count == 0) throw new ArgumentException($"{Op}: a chain needs at least one block");
        var first = blocks[0];
        var device = first.Norm1Weight.device;
        var target = TensorOps.Target(device, Op);
        if (cudaGraph && target != PluginTarget.Cuda)
            throw new ArgumentException($"cuda_graph needs CUDA tensors: the {Op} weights are on {device}");
        var dt = TensorOps.DType(dtype, Op, "the activation dtype");
        var pdt = TensorOps.DType(first.Norm1Weight.dtype, Op, "block 0 norm1_weight");
        if (first.Norm1Weight.dim() != 1 || first.Fc1Weight.dim() != 2)
            throw new ArgumentException($"{Op}: block 0 norm1_weight [{string.Join(", ", first.Norm1Weight.shape)}] must be (C) " +
                $"and fc1_weight [{string.Join(", ", first.Fc1Weight.shape)}] (hidden, C)");
        var (c, hidden, n) = (first.Norm1Weight.shape[0], first.Fc1Weight.shape[0], windowSize * windowSize);
        var desc = new SwinBlockDesc(c, heads, hidden, windowSize, blocks.Count, (float)epsilon, (float)scale, dt, pdt,
            cudaGraph ? SwinBlockFlags.CudaGraph : SwinBlockFlags.None);
        SwinBenchPlugins.CheckSwinBlockDesc(desc, target == PluginTarget.Cuda);

        var weights = new SwinBlockWeights[blocks.Count];
        for (var i = 0; i < blocks.Count; i++)
        {
            var b = blocks[i];
            IntPtr Param(string name, Tensor t, params long[] shape)
            {
                var what = $"block {i} {name}";
                TensorOps.Check(Op, what, t, pdt, device);
                TensorOps.ExpectShape(Op, what, t, shape);
                return TensorOps.DataPointer(t);
            }
            TensorOps.Check(Op, $"block {i} attn_bias", b.AttnBias, SwbDType.F32, device);
            TensorOps.ExpectShape(Op, $"block {i} attn_bias", b.AttnBias, [heads, n, n]);
            weights[i] = new SwinBlockWeights(b.ShiftSize,
                Param("norm1_weight", b.Norm1Weight, c), Param("norm1_bias", b.Norm1Bias, c),
                Param("qkv_weight", b.QkvWeight, 3 * c, c), Param("qkv_bias", b.QkvBias, 3 * c),
                TensorOps.DataPointer(b.AttnBias),
                Param("proj_weight", b.ProjWeight, c, c), Param("proj_bias", b.ProjBias, c),
                Param("norm2_weight", b.Norm2Weight, c), Param("norm2_bias", b.Norm2Bias, c),
                Param("fc1_weight", b.Fc1Weight, hidden, c), Param("fc1_bias", b.Fc1Bias, hidden),
                Param("fc2_weight", b.Fc2Weight, c, hidden), Param("fc2_bias", b.Fc2Bias, c));
        }
        SwinBlockHandle handle;
        using (new TensorOps.CurrentDevice(device))
            handle = SwinBenchPlugins.CreateSwinBlock(target, desc, weights, TensorOps.DefaultStream);
        GC.KeepAlive(blocks); // the weights stay alive until the handle has copied them
        return new SwinBlockChain(handle, desc, device, dtype);
    }

    /// <summary>
    /// x (B, H·W, C) of <see cref="DType"/>, contiguous, on <see cref="Device"/> → a new (B, H·W, C) tensor in the
    /// caller's dispose scope: all the blocks applied in order. H and W are multiples of the window size.
    /// </summary>
    public Tensor Run(Tensor x, long height, long width)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        TensorOps.Check(Op, "x", x, Description.DType, Device);
        if (x.dim() != 3 || x.shape[1] != height * width || x.shape[2] != Description.Channels)
            throw new ArgumentException(
                $"{Op}: x has shape [{string.Join(", ", x.shape)}], expected (B, H·W = {height}·{width}, C = {Description.Channels})");
        var y = empty_like(x);
        using (new TensorOps.CurrentDevice(Device))
            SwinBenchPlugins.RunSwinBlock(_handle, x.shape[0], height, width, TensorOps.DataPointer(x), TensorOps.DataPointer(y),
                TensorOps.DefaultStream);
        return y;
    }

    /// <summary>What the handle holds now: input shapes with buffers, weight and workspace bytes, CUDA graphs.</summary>
    public SwinBlockStats Stats
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return SwinBenchPlugins.SwinBlockStatsOf(_handle);
        }
    }

    /// <summary>Frees every per-shape buffer, mask and graph (the weights stay); the next run of a shape makes them again.</summary>
    public void Trim()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        using (new TensorOps.CurrentDevice(Device))
            SwinBenchPlugins.TrimSwinBlock(_handle);
    }

    /// <summary>Frees the handle and everything it holds (after its queued work), with its device current.</summary>
    public void Dispose()
    {
        if (_handle.IsClosed) return;
        using (new TensorOps.CurrentDevice(Device))
            _handle.Dispose();
    }
}
