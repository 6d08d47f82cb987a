using SwinBench.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

// Field names mirror the official SwinIR attribute names (snake_case) so that the state_dict keys match
// the checkpoints, e.g. layers.0.residual_group.blocks.1.attn.qkv.weight.
#pragma warning disable IDE1006

namespace SwinBench.Model;

/// <summary>
/// LayerNorm over the last dimension with the official parameter names (weight, bias) and a selectable computation;
/// with <see cref="Kernels.LayerNormFp32"/> the swb_layer_norm_fp32 kernel, whatever the mode.
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

/// <summary>The transformer MLP: fc1 → GELU → fc2.</summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;
    private readonly AlignedLinear _fc1Aligned;
    private readonly AlignedLinear _fc2Aligned;

    public Mlp(long dim, long hidden) : base(nameof(Mlp))
    {
        fc1 = Linear(dim, hidden);
        act = GELU();
        fc2 = Linear(hidden, dim);
        _fc1Aligned = new AlignedLinear(fc1);
        _fc2Aligned = new AlignedLinear(fc2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc2.forward(act.forward(fc1.forward(x)));

    /// <summary>fc1, then fc2 (for kernels that run the MLP themselves).</summary>
    internal (Linear Fc1, Linear Fc2) Layers => (fc1, fc2);

    /// <summary>
    /// The same MLP on zero-padded rows (…, Align(C)) with the zero-padded weights of <see cref="AlignedLinear"/>
    /// (hidden width padded too): (…, Align(C)) → (…, Align(C)), the padding columns zero (GELU(0) = 0).
    /// </summary>
    public Tensor ForwardAligned(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = _fc1Aligned.Forward(x);
        hidden = functional.gelu(hidden);
        return _fc2Aligned.Forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Drops the padded weight copies.</summary>
    public void ClearCaches()
    {
        _fc1Aligned.Clear();
        _fc2Aligned.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) ClearCaches();
        base.Dispose(disposing);
    }
}

/// <summary>
/// Window multi-head self-attention with a learned relative position bias (official <c>WindowAttention</c>); the qkv
/// split may run swb_qkv_split (<see cref="Kernels.QkvSplit"/>), or everything from the packed qkv to the heads'
/// outputs swb_window_attention (<see cref="Kernels.WindowAttention"/>).
/// </summary>
public sealed class WindowAttention : nn.Module
{
    private readonly Parameter relative_position_bias_table;
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly DeviceCache _index;
    private readonly Dictionary<string, (IntPtr Table, ScalarType Type, Tensor Bias)> _fusedBias = new();
    private readonly int _windowSize;
    private readonly long _heads;
    private readonly double _scale;
    private readonly bool _qkvKernel;
    private readonly bool _fused;
    private readonly AlignedLinear _qkvAligned;
    private readonly AlignedLinear _projAligned;

    public WindowAttention(long dim, int windowSize, long heads, Kernels kernels = Kernels.None) : base(nameof(WindowAttention))
    {
        _windowSize = windowSize;
        _heads = heads;
        _scale = Math.Pow(dim / heads, -0.5);
        _fused = kernels.HasFlag(Kernels.WindowAttention);
        _qkvKernel = kernels.HasFlag(Kernels.QkvSplit) && !_fused;
        relative_position_bias_table = new Parameter(zeros((2 * windowSize - 1) * (2 * windowSize - 1), heads), requires_grad: false);
        qkv = Linear(dim, dim * 3, hasBias: true);
        proj = Linear(dim, dim);
        _qkvAligned = new AlignedLinear(qkv, groups: 3);
        _projAligned = new AlignedLinear(proj);
        _index = new DeviceCache(() => tensor(WindowOps.RelativePositionIndex(windowSize)));
        RegisterComponents();
    }

    public int WindowSize => _windowSize;

    /// <summary>Whether the forward pass is the fused kernel, which wants its mask in float32.</summary>
    public bool UsesFusedKernel => _fused;

    /// <summary>The number of heads.</summary>
    public long Heads => _heads;

    /// <summary>The attention scale, (C / heads)^-0.5.</summary>
    public double Scale => _scale;

    /// <summary>The packed qkv projection, then the output projection (for kernels that run them themselves).</summary>
    internal (Linear Qkv, Linear Proj) Projections => (qkv, proj);

    /// <summary>x: (B·nW, N, C); mask: (nW, N, N) or null.</summary>
    /// <remarks>
    /// Temporaries live in a dispose scope of their own and the (nW·heads·N·N) score tensors are freed as soon as the
    /// next one exists, so peak memory follows PyTorch's (which frees temporaries by reference count), not the sum of
    /// every intermediate of the forward pass. Bias and mask are added in place: the same arithmetic, one buffer.
    /// </remarks>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        if (_fused)
        {
            var packed = qkv.forward(x).contiguous();
            var heads = TensorOps.WindowAttention(packed, _heads, _scale, FusedBias(x.device, n), KernelMask(mask));
            return proj.forward(heads).MoveToOuterDisposeScope();
        }
        Tensor q, k, v;
        if (_qkvKernel)
        {
            (q, k, v) = TensorOps.QkvSplit(qkv.forward(x).contiguous(), _heads, _scale);
        }
        else
        {
            var qkvOut = qkv.forward(x).reshape(b, n, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
            q = qkvOut[0] * _scale;
            k = qkvOut[1];
            v = qkvOut[2];
        }
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

    /// <summary>
    /// <see cref="Kernels.AlignedRows"/>: windows (B·nW, N, Align(C)) zero-padded rows → the projection's output
    /// (B·nW, N, Align(C)), padding zero. The packed qkv is (B·nW, N, 3·Align(C)) with q, k and v Align(C) apart; the
    /// fused kernel reads it in place and writes padded rows for the projection.
    /// </summary>
    public Tensor ForwardAligned(Tensor windows, Tensor? mask, long channels)
    {
        using var scope = NewDisposeScope();
        var packed = _qkvAligned.Forward(windows);
        var heads = TensorOps.WindowAttention(packed, _heads, _scale, FusedBias(windows.device, windows.shape[1]), KernelMask(mask), channels,
            AlignedLinear.Align(channels));
        packed.Dispose();
        return _projAligned.Forward(heads).MoveToOuterDisposeScope();
    }

    /// <summary>The mask as the fused kernel takes it: float32, contiguous (null: unshifted).</summary>
    private static Tensor? KernelMask(Tensor? mask) =>
        mask is null ? null : mask.dtype == ScalarType.Float32 ? mask.contiguous() : mask.to(ScalarType.Float32).contiguous();

    /// <summary>
    /// The relative position bias as the fused kernel takes it: float32 (heads, N, N), gathered once per device and
    /// kept until the table is replaced (a new storage or dtype, e.g. after <c>to()</c>) or <see cref="ClearCaches"/>.
    /// </summary>
    internal Tensor FusedBias(Device device, long n)
    {
        var table = relative_position_bias_table;
        var key = device.ToString();
        var at = TensorOps.DataPointer(table);
        lock (_fusedBias)
        {
            if (_fusedBias.TryGetValue(key, out var cached) && cached.Table == at && cached.Type == table.dtype) return cached.Bias;
            if (_fusedBias.Remove(key, out var stale)) stale.Bias.Dispose();
            using var scope = NewDisposeScope();
            var bias = table.to(ScalarType.Float32).index_select(0, _index.On(device)).view(n, n, -1).permute(2, 0, 1).contiguous()
                .DetachFromDisposeScope();
            _fusedBias[key] = (at, table.dtype, bias);
            return bias;
        }
    }

    /// <summary>Drops the fused kernel's bias cache and the padded weights (needed only after changing weights in place).</summary>
    public void ClearCaches()
    {
        lock (_fusedBias)
        {
            foreach (var entry in _fusedBias.Values) entry.Bias.Dispose();
            _fusedBias.Clear();
        }
        _qkvAligned.Clear();
        _projAligned.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _index.Dispose();
            ClearCaches();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// A Swin Transformer block: (shifted) window attention and MLP, each with pre-LayerNorm and a residual. The
/// attention half's data movement may run as kernels: norm1 + roll + partition (<see cref="Kernels.LnRollPartition"/>)
/// and reverse + roll + residual add (<see cref="Kernels.ReverseRollAdd"/>).
/// </summary>
public sealed class SwinTransformerBlock : nn.Module
{
    private readonly SwinLayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly SwinLayerNorm norm2;
    private readonly Mlp mlp;
    private readonly long _ws;
    private readonly long _shift;
    private readonly bool _lnRollKernel;
    private readonly bool _reverseAddKernel;
    private readonly bool _aligned;

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
        _lnRollKernel = options.Kernels.HasFlag(Kernels.LnRollPartition);
        _reverseAddKernel = options.Kernels.HasFlag(Kernels.ReverseRollAdd);
        _aligned = options.Kernels.HasFlag(Kernels.AlignedRows);
        ModelOptions.CheckKernels(options.Kernels);
        norm1 = new SwinLayerNorm(dim, options.LayerNorm, options.Kernels);
        attn = new WindowAttention(dim, windowSize, heads, options.Kernels);
        norm2 = new SwinLayerNorm(dim, options.LayerNorm, options.Kernels);
        mlp = new Mlp(dim, (long)(dim * mlpRatio));
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
        return new SwinBlockTensors(_shift, norm1.Weight, norm1.Bias, qkv.weight!, qkv.bias!, attn.FusedBias(device, _ws * _ws),
            proj.weight!, proj.bias!, norm2.Weight, norm2.Bias, fc1.weight!, fc1.bias!, fc2.weight!, fc2.bias!);
    }

    /// <summary>Drops what the block derived from its weights (bias cache, padded weights).</summary>
    public void ClearCaches()
    {
        attn.ClearCaches();
        mlp.ClearCaches();
    }

    /// <summary>x: (B, H·W, C) → (B, H·W, C). Each half (attention, MLP) frees its temporaries when it ends.</summary>
    public Tensor Forward(Tensor x, long h, long w, MaskProvider masks)
    {
        if (_aligned) return ForwardAligned(x, h, w, masks);
        using var scope = NewDisposeScope();
        x = AttentionResidual(x, h, w, masks);
        return (x + FeedForward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Kernels.AlignedRows"/>: the residual stream stays (B, H·W, C); everything a matrix product reads
    /// or writes is a zero-padded (…, Align(C)) row tensor: norm1 + roll + partition writes padded windows, the fused
    /// attention reads the padded qkv and writes padded rows for the projection, reverse + roll + add reads the padded
    /// projection, norm2 writes padded rows for fc1, and fc2's padded output is added back with 1×1 windows.
    /// </summary>
    private Tensor ForwardAligned(Tensor x, long h, long w, MaskProvider masks)
    {
        using var scope = NewDisposeScope();
        x = x.contiguous();
        var c = x.shape[2];
        var stride = AlignedLinear.Align(c);
        var windows = TensorOps.LnRollPartition(x, norm1.Weight, norm1.Bias, SwinLayerNorm.Eps, h, w, _ws, _shift, stride);
        var mask = _shift > 0 ? masks.Get(h, w, _ws, _shift, ScalarType.Float32, x.device) : null;
        var projected = attn.ForwardAligned(windows, mask, c);
        windows.Dispose();
        x = TensorOps.ReverseRollAdd(projected, x, h, w, _ws, _shift, stride);
        projected.Dispose();
        var normed = TensorOps.LayerNormFp32(x, norm2.Weight, norm2.Bias, SwinLayerNorm.Eps, stride);
        var mlpOut = mlp.ForwardAligned(normed);
        normed.Dispose();
        return TensorOps.AddPaddedRows(x, mlpOut).MoveToOuterDisposeScope();
    }

    /// <summary>x + the (shifted) window attention of norm1(x).</summary>
    private Tensor AttentionResidual(Tensor x, long h, long w, MaskProvider masks)
    {
        using var scope = NewDisposeScope();
        var (b, c) = (x.shape[0], x.shape[2]);
        Tensor windows;
        if (_lnRollKernel)
        {
            windows = TensorOps.LnRollPartition(x.contiguous(), norm1.Weight, norm1.Bias, SwinLayerNorm.Eps, h, w, _ws, _shift);
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
        if (_reverseAddKernel)
            return TensorOps.ReverseRollAdd(attnWindows.contiguous(), x.contiguous(), h, w, _ws, _shift).MoveToOuterDisposeScope();
        var back = WindowOps.Reverse(attnWindows.view(-1, _ws, _ws, c), _ws, h, w);
        if (_shift > 0) back = back.roll([_shift, _shift], [1, 2]);
        return (x + back.view(b, h * w, c)).MoveToOuterDisposeScope();
    }

    private Tensor FeedForward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return mlp.forward(norm2.forward(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The blocks of one stage (official <c>BasicLayer</c>; no downsampling in SwinIR). With <see cref="Kernels.SwinBlock"/>
/// every block runs in one <see cref="SwinBlockChain"/> call (see <see cref="Forward"/>).
/// </summary>
public sealed class BasicLayer : nn.Module
{
    private readonly ModuleList<SwinTransformerBlock> blocks;
    private readonly bool _chain;
    private readonly bool _cudaGraph;
    private readonly Dictionary<string, (IntPtr[] Weights, ScalarType Type, SwinBlockChain Chain)> _chains = new();

    public BasicLayer(long dim, int inputResolution, int depth, long heads, int windowSize, double mlpRatio, ModelOptions options)
        : base(nameof(BasicLayer))
    {
        blocks = new ModuleList<SwinTransformerBlock>();
        for (var i = 0; i < depth; i++)
            blocks.Add(new SwinTransformerBlock(dim, inputResolution, heads, windowSize, i % 2 == 0 ? 0 : windowSize / 2, mlpRatio, options));
        _chain = options.Kernels.HasFlag(Kernels.SwinBlock);
        _cudaGraph = options.Kernels.HasFlag(Kernels.CudaGraph);
        RegisterComponents();
    }

    public IEnumerable<SwinTransformerBlock> Blocks => blocks;

    /// <summary>The <see cref="Kernels.SwinBlock"/> chains made so far (one per device and dtype run).</summary>
    public IReadOnlyList<SwinBlockChain> Chains
    {
        get
        {
            lock (_chains) return _chains.Values.Select(e => e.Chain).ToList();
        }
    }

    /// <summary>
    /// Runs the blocks in order, freeing each intermediate residual stream once the next block has consumed it. With
    /// <see cref="Kernels.SwinBlock"/>: x (made contiguous) → a new (B, H·W, C) tensor from one chain call, whose handle
    /// makes its own shifted-window masks (<paramref name="masks"/> is unused: the mask mode no longer matters inside
    /// the stage).
    /// </summary>
    public Tensor Forward(Tensor x, long h, long w, MaskProvider masks)
    {
        if (!_chain) return Sequence.Chain(x, blocks, (block, t) => block.Forward(t, h, w, masks));
        if (_cudaGraph && x.device.type != DeviceType.CUDA) throw new ArgumentException(ModelOptions.CudaGraphNeedsCuda(x.device.ToString()));
        using var scope = NewDisposeScope();
        return Chain(x.device, x.dtype).Run(x.contiguous(), h, w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The chain of this stage for activations of <paramref name="type"/> on <paramref name="device"/>: made on first use
    /// from the blocks' parameters (each block's own window size and shift) and kept until a parameter is replaced (a
    /// new storage or dtype, e.g. after <c>to()</c>) or <see cref="ClearCaches"/>.
    /// </summary>
    private SwinBlockChain Chain(Device device, ScalarType type)
    {
        var key = $"{device}/{type}";
        var weights = parameters().ToList();
        var at = weights.Select(TensorOps.DataPointer).ToArray();
        var weightType = weights[0].dtype;
        lock (_chains)
        {
            if (_chains.TryGetValue(key, out var cached) && cached.Type == weightType && cached.Weights.SequenceEqual(at)) return cached.Chain;
            if (_chains.Remove(key, out var stale)) stale.Chain.Dispose();
            var first = blocks[0];
            if (blocks.Any(b => b.WindowSize != first.WindowSize))
                throw new InvalidOperationException("swin_block: the blocks of one stage have different window sizes");
            var chain = SwinBlockChain.Create(blocks.Select(b => b.ChainTensors(device)).ToList(), first.Attention.Heads, first.WindowSize,
                SwinLayerNorm.Eps, first.Attention.Scale, type, _cudaGraph);
            _chains[key] = (at, weightType, chain);
            return chain;
        }
    }

    /// <summary>Drops the stage's chains and what its blocks derived from their weights (needed only after in-place weight changes).</summary>
    public void ClearCaches()
    {
        DisposeChains();
        foreach (var block in blocks) block.ClearCaches();
    }

    private void DisposeChains()
    {
        lock (_chains)
        {
            foreach (var entry in _chains.Values) entry.Chain.Dispose();
            _chains.Clear();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeChains();
        base.Dispose(disposing);
    }
}

/// <summary>Residual Swin Transformer Block: a stage of Swin blocks, a conv (1conv or 3conv), and a long residual.</summary>
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

/// <summary>Patch embedding/unembedding with patch size 1: (B, C, H, W) ↔ (B, H·W, C).</summary>
public static class Tokens
{
    public static Tensor FromImage(Tensor x) => x.flatten(2).transpose(1, 2);

    public static Tensor ToImage(Tensor x, long h, long w) => x.transpose(1, 2).view(x.shape[0], x.shape[2], h, w);
}

/// <summary>The top-level patch embedding with its LayerNorm (official <c>PatchEmbed</c> with <c>patch_norm=True</c>).</summary>
public sealed class PatchEmbed : Module<Tensor, Tensor>
{
    private readonly SwinLayerNorm norm;

    public PatchEmbed(long dim, ModelOptions options) : base(nameof(PatchEmbed))
    {
        norm = new SwinLayerNorm(dim, options.LayerNorm, options.Kernels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => norm.forward(Tokens.FromImage(x));
}

/// <summary>Runs a chain of stages on the residual stream, keeping only the live stream in memory.</summary>
internal static class Sequence
{
    /// <summary>
    /// Applies <paramref name="step"/> for each stage; every intermediate is disposed as soon as the next stage has
    /// produced its output (the caller's input is never disposed). The result belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor Chain<TStage>(Tensor input, IEnumerable<TStage> stages, Func<TStage, Tensor, Tensor> step)
    {
        using var scope = NewDisposeScope();
        var current = input;
        foreach (var stage in stages)
        {
            var next = step(stage, current);
            if (!ReferenceEquals(current, input)) current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, input) ? current : current.MoveToOuterDisposeScope();
    }
}

/// <summary>A tensor derived from constants, kept once per device and never part of the state_dict.</summary>
internal sealed class DeviceCache(Func<Tensor> make) : IDisposable
{
    private readonly Dictionary<string, Tensor> _perDevice = new();

    public Tensor On(Device device)
    {
        var key = device.ToString();
        lock (_perDevice)
        {
            if (_perDevice.TryGetValue(key, out var t)) return t;
            using var scope = NewDisposeScope();
            t = make().to(device).DetachFromDisposeScope();
            _perDevice[key] = t;
            return t;
        }
    }

    public void Dispose()
    {
        lock (_perDevice)
        {
            foreach (var t in _perDevice.Values) t.Dispose();
            _perDevice.Clear();
        }
    }
}
