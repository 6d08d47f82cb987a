using SwinBench.Model;

namespace SwinBench.Onnx;

/// <summary>
/// Writes the ONNX graph of one <see cref="SwinIR"/>. The methods follow the model's classes (SwinIR.forward,
/// PatchEmbed, RSTB, SwinTransformerBlock, WindowAttention, Mlp, SwinLayerNorm, the heads) and the initializers keep the
/// state_dict keys, so the graph can be read beside harness/Model. Tokens are (B, H·W, C) as in the model; H and W
/// below are the padded sizes, known only at run time.
/// </summary>
/// <remarks>
/// Runtime shapes: the graph derives the padded size [Hp, Wp] and the batch [B] once from the input and builds every
/// reshape target from them (one Concat each, shared by all blocks); reshapes that need no runtime size use constants
/// with 0 (copy) and -1 (infer).
/// </remarks>
internal sealed class SwinIROnnxGraph
{
    private readonly OnnxGraphBuilder g;
    private readonly SwinIRConfig c;
    private readonly OnnxExportOptions o;
    private readonly ModelWeights w;
    private readonly long dim;
    private readonly OnnxDataType act;

    // runtime values shared by the whole graph (set by Forward)
    private string image = "";   // the padded input image (N, C, Hp, Wp): the size source of the swinbench ops
    private string sizeHw = "";  // [Hp, Wp] int64
    private string batch = "";   // [B] int64
    private readonly Dictionary<string, string> _shapes = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<long> _shifts;
    private int _blockIndex;
    private readonly Dictionary<long, (string H, string W)> _grids = new();
    private readonly Dictionary<(long Ws, long Shift), string> _hoistedMasks = new();

    /// <param name="blockShifts">The shift of every Swin block in order (SwinTransformerBlock.ShiftSize).</param>
    public SwinIROnnxGraph(OnnxGraphBuilder builder, SwinIRConfig config, OnnxExportOptions options, ModelWeights weights, IReadOnlyList<long> blockShifts)
    {
        if (blockShifts.Count != config.Depths.Sum())
            throw new ArgumentException($"{blockShifts.Count} block shifts for {config.Depths.Sum()} blocks", nameof(blockShifts));
        _shifts = blockShifts;
        g = builder;
        c = config;
        o = options;
        w = weights;
        dim = config.EmbedDim;
        act = builder.Activations;
    }

    private bool Fp16 => act == OnnxDataType.Float16;
    private bool NormsInFp32 => Fp16 && o.KeepNormsFp32;

    // ---- SwinIR.forward -----------------------------------------------------------------------------------------

    public void Forward()
    {
        var input = g.Input("input", OnnxDataType.Float,
            OnnxDim.Symbolic("N"), OnnxDim.Fixed(c.InChans), OnnxDim.Symbolic("H"), OnnxDim.Symbolic("W"));
        var x = g.CastTo(input, act);

        string hw;
        using (g.Scope("pad"))
        {
            // reflect padding to a multiple of the window: pad = (ws - H % ws) % ws = (-H) mod ws
            hw = g.Shape(input, 2, 4);
            var pad = g.Mod(g.Neg(hw), g.Ints(c.WindowSize));
            x = g.PadReflect(x, g.Concat(0, g.Ints(0, 0, 0, 0, 0, 0), pad));
            sizeHw = g.Add(hw, pad);
            batch = g.Shape(input, 0, 1);
        }
        image = x;

        var mean = SwinIR.Mean(c.InChans);
        var meanValue = mean.Any(m => m != 0) ? g.Weight("mean", mean, 1, c.InChans, 1, 1) : null;
        var range = (float)c.ImgRange;
        using (g.Scope("normalize"))
        {
            if (meanValue is not null) x = g.Sub(x, meanValue);
            if (range != 1f) x = g.Mul(x, g.Scalar(range));
        }

        string y;
        switch (c.Upsampler)
        {
            case "pixelshuffle":
            {
                var f = Conv("conv_first", x);
                f = g.Add(ResidualConv("conv_after_body", ForwardFeatures(f)), f);
                y = Conv("conv_last", Upsample(LeakyRelu("conv_before_upsample.0", f, 0.01f)));
                break;
            }
            case "pixelshuffledirect":
            {
                var f = Conv("conv_first", x);
                f = g.Add(ResidualConv("conv_after_body", ForwardFeatures(f)), f);
                using (g.Scope("upsample"))
                    y = g.PixelShuffle(Conv("upsample.0", f), c.Upscale);
                break;
            }
            case "nearest+conv":
            {
                var f = Conv("conv_first", x);
                f = g.Add(ResidualConv("conv_after_body", ForwardFeatures(f)), f);
                f = LeakyRelu("conv_before_upsample.0", f, 0.01f);
                f = LeakyRelu("conv_up1", g.ResizeNearest(f, 2), 0.2f);
                f = LeakyRelu("conv_up2", g.ResizeNearest(f, 2), 0.2f);
                y = Conv("conv_last", LeakyRelu("conv_hr", f, 0.2f));
                break;
            }
            default:
            {
                var first = Conv("conv_first", x);
                var res = g.Add(ResidualConv("conv_after_body", ForwardFeatures(first)), first);
                y = g.Add(x, Conv("conv_last", res));
                break;
            }
        }

        var s = c.OutputScale;
        using (g.Scope("output"))
        {
            if (range != 1f) y = g.Div(y, g.Scalar(range));
            if (meanValue is not null) y = g.Add(y, meanValue);
            y = g.Slice(y, g.Ints(0, 0), s == 1 ? hw : g.Mul(hw, g.Ints(s)), [2, 3]);
            y = g.CastTo(y, OnnxDataType.Float);
        }
        g.Output(y, "output", OnnxDim.Symbolic("N"), OnnxDim.Fixed(c.InChans),
            OnnxDim.Symbolic(s == 1 ? "H" : $"H*{s}"), OnnxDim.Symbolic(s == 1 ? "W" : $"W*{s}"));
    }

    /// <summary>Official <c>forward_features</c>: patch embed + norm, the RSTB stages, norm, patch unembed.</summary>
    private string ForwardFeatures(string x)
    {
        string t;
        using (g.Scope("patch_embed"))
            t = LayerNorm("patch_embed.norm", ImageToTokens(x));
        for (var i = 0; i < c.Depths.Length; i++)
            t = Rstb(i, t);
        using (g.Scope("norm"))
            return TokensToImage(LayerNorm("norm", t));
    }

    /// <summary>(B, C, H, W) → (B, H·W, C).</summary>
    private string ImageToTokens(string x) => g.Transpose(g.Reshape(x, 0, dim, -1), 0, 2, 1);

    /// <summary>(B, H·W, C) → (B, C, H, W).</summary>
    private string TokensToImage(string t) => g.Reshape(g.Transpose(t, 0, 2, 1), RuntimeShape("image", () => g.Concat(0, g.Ints(0, dim), sizeHw)));

    // ---- RSTB and the Swin blocks -------------------------------------------------------------------------------

    private string Rstb(int i, string x)
    {
        var prefix = $"layers.{i}";
        using var _ = g.Scope(prefix);
        var y = x;
        for (var j = 0; j < c.Depths[i]; j++)
            y = SwinTransformerBlock(i, j, y);
        y = ResidualConv($"{prefix}.conv", TokensToImage(y));
        return g.Add(ImageToTokens(y), x);
    }

    /// <summary>
    /// Block j of stage i. Its window is the config's, shrunk to img_size when that is smaller (as SwinTransformerBlock
    /// does); its shift is the model's own (0 or window/2).
    /// </summary>
    private string SwinTransformerBlock(int i, int j, string x)
    {
        var prefix = $"layers.{i}.residual_group.blocks.{j}";
        using var _ = g.Scope($"blocks.{j}");
        long ws = Math.Min(c.WindowSize, c.ImgSize), shift = _shifts[_blockIndex++], heads = c.NumHeads[i];
        if (o.Uses(Kernels.SwinBlock))
            return SwinBlock(prefix, x, heads, ws, shift);
        var windows = o.Uses(Kernels.LnRollPartition)
            ? LnRollPartition($"{prefix}.norm1", x, ws, shift)
            : RollPartition(LayerNorm($"{prefix}.norm1", x), ws, shift);
        var mask = shift > 0 ? AttentionMask(ws, shift) : null;
        var attended = WindowAttention($"{prefix}.attn", windows, heads, ws, mask);
        x = ReverseRollAdd(attended, x, ws, shift);
        return g.Add(x, Mlp($"{prefix}.mlp", LayerNorm($"{prefix}.norm2", x)));
    }

    /// <summary>
    /// swinbench::SwinBlock: the whole block (norm1, shifted-window attention with its mask, proj, residual, norm2, MLP,
    /// residual) as one node. Its weights are initializers in the export precision, the Linear weights in nn.Linear's
    /// (out, in) layout under their state_dict keys; the relative position bias is gathered here as float32 (heads, N, N);
    /// the node makes its own shifted-window mask from <c>shift_size</c> and the image's H and W.
    /// </summary>
    private string SwinBlock(string prefix, string x, long heads, long ws, long shift)
    {
        using var _ = g.Scope("swin_block");
        var n = ws * ws;
        var hidden = (long)(dim * c.MlpRatio);
        string Param(string key, params long[] dims) => g.Weight($"{prefix}.{key}", w.Get($"{prefix}.{key}", dims).Data, dims);
        var inputs = new[]
        {
            x,
            Param("norm1.weight", dim), Param("norm1.bias", dim),
            Param("attn.qkv.weight", 3 * dim, dim), Param("attn.qkv.bias", 3 * dim),
            g.Tensor($"{prefix}.attn.relative_position_bias", OnnxDataType.Float, GatheredBias($"{prefix}.attn", heads, ws, n), heads, n, n),
            Param("attn.proj.weight", dim, dim), Param("attn.proj.bias", dim),
            Param("norm2.weight", dim), Param("norm2.bias", dim),
            Param("mlp.fc1.weight", hidden, dim), Param("mlp.fc1.bias", hidden),
            Param("mlp.fc2.weight", dim, hidden), Param("mlp.fc2.bias", dim),
            image,
        };
        return Op(Kernels.SwinBlock, inputs, [act],
            OnnxAttribute.Int("num_heads", heads), OnnxAttribute.Int("window_size", ws), OnnxAttribute.Int("shift_size", shift),
            OnnxAttribute.Float("scale", (float)Math.Pow(dim / heads, -0.5)), OnnxAttribute.Float("epsilon", (float)SwinLayerNorm.Eps))[0];
    }

    /// <summary>(B, H·W, C) → roll by -shift over H and W → window partition → (B·nW, ws², C).</summary>
    private string RollPartition(string x, long ws, long shift)
    {
        using var _ = g.Scope("roll_partition");
        if (shift > 0)
            x = Roll(Roll(g.Reshape(x, TokensAsMap()), -shift, 1), -shift, 2);
        var grid = g.Reshape(x, RuntimeShape($"partition{ws}", () => g.Concat(0, g.Ints(0), GridH(ws), g.Ints(ws), GridW(ws), g.Ints(ws, dim))));
        return g.Reshape(g.Transpose(grid, 0, 1, 3, 2, 4, 5), -1, ws * ws, dim);
    }

    /// <summary>swinbench::LnRollPartition: norm1 (float32 LayerNorm) + roll by -shift + window partition in one node.</summary>
    private string LnRollPartition(string prefix, string x, long ws, long shift)
    {
        using var _ = g.Scope("ln_roll_partition");
        var weight = g.Weight($"{prefix}.weight", w.Get($"{prefix}.weight", dim).Data, dim);
        var bias = g.Weight($"{prefix}.bias", w.Get($"{prefix}.bias", dim).Data, dim);
        return Op(Kernels.LnRollPartition, [x, weight, bias, image], [act],
            OnnxAttribute.Int("window_size", ws), OnnxAttribute.Int("shift_size", shift),
            OnnxAttribute.Float("epsilon", (float)SwinLayerNorm.Eps))[0];
    }

    /// <summary>residual + (window reverse → roll by +shift) of (B·nW, ws², C) windows, as (B, H·W, C).</summary>
    private string ReverseRollAdd(string windows, string residual, long ws, long shift)
    {
        using var _ = g.Scope("reverse_roll_add");
        if (o.Uses(Kernels.ReverseRollAdd))
            return Op(Kernels.ReverseRollAdd, [windows, residual, image], [act],
                OnnxAttribute.Int("window_size", ws), OnnxAttribute.Int("shift_size", shift))[0];
        var grid = g.Reshape(windows, RuntimeShape($"reverse{ws}", () => g.Concat(0, g.Ints(-1), GridH(ws), GridW(ws), g.Ints(ws, ws, dim))));
        var y = g.Transpose(grid, 0, 1, 3, 2, 4, 5);
        if (shift > 0)
            y = Roll(Roll(g.Reshape(y, TokensAsMap()), shift, 1), shift, 2);
        return g.Add(residual, g.Reshape(y, 0, -1, dim));
    }

    /// <summary>A <c>swinbench</c> node of the op that <paramref name="kernel"/> runs (its vocabulary row's ONNX op type).</summary>
    private string[] Op(Kernels kernel, string[] inputs, OnnxDataType[] outputs, params OnnxAttribute[] attributes) =>
        g.Custom(ModelOptions.OnnxOpType(kernel), inputs, outputs, attributes);

    /// <summary>torch.roll(x, shift, axis) with a constant shift: two Slices and a Concat (ONNX has no Roll).</summary>
    private string Roll(string x, long shift, long axis)
    {
        // roll by -k: [x[k:], x[:k]]; roll by +k: [x[-k:], x[:-k]]
        var head = g.Slice(x, [-shift], [long.MaxValue], [axis]);
        var tail = g.Slice(x, [0], [-shift], [axis]);
        return g.Concat(axis, head, tail);
    }

    /// <summary>[0, Hp, Wp, C]: tokens viewed as a (B, H, W, C) map.</summary>
    private string TokensAsMap() => RuntimeShape("map", () => g.Concat(0, g.Ints(0), sizeHw, g.Ints(dim)));

    private string GridH(long ws) => Grid(ws).H;
    private string GridW(long ws) => Grid(ws).W;

    /// <summary>[Hp/ws] and [Wp/ws] as two 1-D int64 values, built once per window size.</summary>
    private (string H, string W) Grid(long ws)
    {
        if (_grids.TryGetValue(ws, out var grid)) return grid;
        using (g.Scope("shapes", root: true))
        {
            var parts = g.Split(g.Div(sizeHw, g.Ints(ws)), 2);
            grid = (parts[0], parts[1]);
        }
        _grids[ws] = grid;
        return grid;
    }

    /// <summary>A runtime shape tensor, built once (in the "shapes" scope) and shared by every node that needs it.</summary>
    private string RuntimeShape(string key, Func<string> build)
    {
        if (_shapes.TryGetValue(key, out var v)) return v;
        using (g.Scope("shapes", root: true))
            v = build();
        _shapes[key] = v;
        return v;
    }

    // ---- attention ----------------------------------------------------------------------------------------------

    /// <summary>
    /// WindowAttention: x (B·nW, N, C), mask or null → (B·nW, N, C). The mask is (B·nW, 1, N, N) in the activation type,
    /// or with <see cref="Kernels.WindowAttention"/> (nW, N, N) float32, which swinbench::WindowAttention reads as is.
    /// </summary>
    private string WindowAttention(string prefix, string x, long heads, long ws, string? mask)
    {
        using var _ = g.Scope("attn");
        var n = ws * ws;
        var headDim = dim / heads;
        var scale = (float)Math.Pow(headDim, -0.5);
        var qkv = Linear($"{prefix}.qkv", x, dim, 3 * dim);
        if (o.Uses(Kernels.WindowAttention))
        {
            var bias = g.Tensor($"{prefix}.relative_position_bias", OnnxDataType.Float, GatheredBias(prefix, heads, ws, n), heads, n, n);
            // an unshifted block leaves the optional mask input out
            var attended = Op(Kernels.WindowAttention, mask is null ? [qkv, bias] : [qkv, bias, mask], [act],
                OnnxAttribute.Int("num_heads", heads), OnnxAttribute.Float("scale", scale))[0];
            return Linear($"{prefix}.proj", attended, dim, dim);
        }
        string q, k, v;
        if (o.Uses(Kernels.QkvSplit))
        {
            var qkvSplit = Op(Kernels.QkvSplit, [qkv], [act, act, act],
                OnnxAttribute.Int("num_heads", heads), OnnxAttribute.Float("scale", scale));
            (q, k, v) = (qkvSplit[0], qkvSplit[1], qkvSplit[2]);
        }
        else
        {
            // (B_, N, 3C) → (B_, N, 3, heads, C/heads) → (3, B_, heads, N, C/heads)
            var split = g.Transpose(g.Reshape(qkv, 0, 0, 3, heads, headDim), 2, 0, 3, 1, 4);
            q = g.Mul(g.Gather(split, g.IntScalar(0)), g.Scalar(scale));
            k = g.Gather(split, g.IntScalar(1));
            v = g.Gather(split, g.IntScalar(2));
        }
        var scores = g.MatMul(q, g.Transpose(k, 0, 1, 3, 2));
        scores = g.Add(scores, g.Weight($"{prefix}.relative_position_bias", GatheredBias(prefix, heads, ws, n), heads, n, n));
        if (mask is not null) scores = g.Add(scores, mask);
        var attention = NormsInFp32 ? g.Cast(g.Softmax(g.Cast(scores, OnnxDataType.Float)), act) : g.Softmax(scores);
        var y = g.Reshape(g.Transpose(g.MatMul(attention, v), 0, 2, 1, 3), 0, 0, dim);
        return Linear($"{prefix}.proj", y, dim, dim);
    }

    /// <summary>
    /// The relative position bias gathered at export time: table[index] as (heads, N, N) values, rounded to float16 first
    /// in an FP16 export (the table's precision there; the fused kernel then reads them as float32).
    /// </summary>
    private float[] GatheredBias(string prefix, long heads, long ws, long n)
    {
        var (table, _) = w.Get($"{prefix}.relative_position_bias_table", (2 * ws - 1) * (2 * ws - 1), heads);
        var index = WindowOps.RelativePositionIndex((int)ws);
        var bias = new float[heads * n * n];
        for (var h = 0; h < heads; h++)
            for (var ij = 0; ij < n * n; ij++)
                bias[h * n * n + ij] = Fp16 ? (float)(Half)table[index[ij] * heads + h] : table[index[ij] * heads + h];
        return bias;
    }

    /// <summary>
    /// The shifted-window mask of a block, as (B·nW, 1, N, N) in the activation type, or (nW, N, N) float32 for
    /// swinbench::WindowAttention: built in every shifted block (PerBlock) or once per (window, shift) and shared (Hoisted).
    /// </summary>
    private string AttentionMask(long ws, long shift)
    {
        if (o.Mask == MaskMode.PerBlock)
        {
            using var _ = g.Scope("attn_mask");
            return Tiled(ShiftedWindowMask(ws, shift));
        }
        if (_hoistedMasks.TryGetValue((ws, shift), out var shared)) return shared;
        using (g.Scope($"attn_mask_w{ws}s{shift}", root: true))
            shared = Tiled(ShiftedWindowMask(ws, shift));
        _hoistedMasks[(ws, shift)] = shared;
        return shared;

        // (nW, N, N) float32 → (B·nW, 1, N, N): window b·nW + w of the batch gets mask w (the fused op indexes it itself)
        string Tiled(string mask) => o.Uses(Kernels.WindowAttention) ? mask :
            g.Tile(g.Unsqueeze(g.CastTo(mask, act), 1), RuntimeShape("mask_repeats", () => g.Concat(0, batch, g.Ints(1, 1, 1))));
    }

    /// <summary>
    /// WindowOps.ShiftedWindowMask in-graph from the runtime [Hp, Wp]: (nW, N, N) float32, 0 where two tokens of a window
    /// come from the same region of the rolled map, -100 elsewhere. A row's region is the number of the thresholds
    /// H - ws and H - shift it has reached (the official slices 0:-ws, -ws:-shift, -shift:), the same for columns.
    /// </summary>
    private string ShiftedWindowMask(long ws, long shift)
    {
        if (o.Uses(Kernels.WindowMask))
            return Op(Kernels.WindowMask, [image], [OnnxDataType.Float],
                OnnxAttribute.Int("window_size", ws), OnnxAttribute.Int("shift_size", shift))[0];
        var rows = Regions(g.Gather(sizeHw, g.IntScalar(0)));
        var cols = Regions(g.Gather(sizeHw, g.IntScalar(1)));
        var ids = g.Add(g.Mul(g.Unsqueeze(rows, 1), g.IntScalar(3)), cols); // (Hp, Wp) region id
        var grid = g.Split(g.Div(sizeHw, g.Ints(ws)), 2);
        var blocks = g.Reshape(ids, g.Concat(0, grid[0], g.Ints(ws), grid[1], g.Ints(ws)));
        var windows = g.Reshape(g.Transpose(blocks, 0, 2, 1, 3), -1, ws * ws); // (nW, N)
        var same = g.Equal(g.Unsqueeze(windows, 1), g.Unsqueeze(windows, 2));
        return g.Where(same, g.Scalar(0f, OnnxDataType.Float), g.Scalar(-100f, OnnxDataType.Float));

        string Regions(string size)
        {
            var index = g.Range(g.IntScalar(0), size, g.IntScalar(1));
            var thresholds = g.Sub(size, g.Ints(ws, shift));
            var reached = g.Cast(g.GreaterOrEqual(g.Unsqueeze(index, 1), thresholds), OnnxDataType.Int64);
            return g.ReduceSum(reached, [1], keepDims: false);
        }
    }

    // ---- MLP, Linear, LayerNorm, convolutions -------------------------------------------------------------------

    /// <summary>
    /// fc1 → GELU → fc2. Opset 17 has no Gelu: GELU(x) = x·½(1 + erf(x/√2)), with the factor ½ folded into fc2's weight
    /// (scaling by a power of two is exact, so the result is the same bits).
    /// </summary>
    private string Mlp(string prefix, string x)
    {
        using var _ = g.Scope("mlp");
        var hidden = (long)(dim * c.MlpRatio);
        var h = Linear($"{prefix}.fc1", x, dim, hidden);
        var gelu = g.Mul(h, g.Add(g.Erf(g.Mul(h, g.Scalar((float)(1 / Math.Sqrt(2))))), g.Scalar(1f)));
        return Linear($"{prefix}.fc2", gelu, hidden, dim, weightScale: 0.5f);
    }

    /// <summary>y = x·Wᵀ + b; W is stored transposed, (in, out), as <c>{key}.weight_t</c>.</summary>
    private string Linear(string prefix, string x, long inFeatures, long outFeatures, float weightScale = 1f)
    {
        var (weight, _) = w.Get($"{prefix}.weight", outFeatures, inFeatures);
        var transposed = new float[weight.Length];
        for (var r = 0; r < outFeatures; r++)
            for (var col = 0; col < inFeatures; col++)
                transposed[col * outFeatures + r] = weight[r * inFeatures + col] * weightScale;
        var (bias, _) = w.Get($"{prefix}.bias", outFeatures);
        return g.Add(g.MatMul(x, g.Weight($"{prefix}.weight_t", transposed, inFeatures, outFeatures)), g.Weight($"{prefix}.bias", bias, outFeatures));
    }

    /// <summary>LayerNorm over the last dim (SwinLayerNorm): fused, decomposed, in FP32 around an FP16 graph, or swinbench::LayerNormFp32.</summary>
    private string LayerNorm(string prefix, string x)
    {
        const float eps = (float)SwinLayerNorm.Eps;
        var normType = NormsInFp32 && !o.Uses(Kernels.LayerNormFp32) ? OnnxDataType.Float : act;
        var weight = g.Tensor($"{prefix}.weight", normType, w.Get($"{prefix}.weight", dim).Data, dim);
        var bias = g.Tensor($"{prefix}.bias", normType, w.Get($"{prefix}.bias", dim).Data, dim);
        if (o.Uses(Kernels.LayerNormFp32))
            return Op(Kernels.LayerNormFp32, [x, weight, bias], [act], OnnxAttribute.Float("epsilon", eps))[0];

        var input = g.CastTo(x, normType);
        string y;
        if (o.LayerNorm == OnnxLayerNorm.Fused)
            y = g.LayerNormalization(input, weight, bias, eps);
        else
        {
            var centered = g.Sub(input, g.ReduceMean(input, [-1], keepDims: true));
            var variance = g.ReduceMean(g.Pow(centered, g.Scalar(2f, normType)), [-1], keepDims: true);
            var normalized = g.Div(centered, g.Sqrt(g.Add(variance, g.Scalar(eps, normType))));
            y = g.Add(g.Mul(normalized, weight), bias);
        }
        return g.CastTo(y, act);
    }

    /// <summary>
    /// A 3×3 (or 1×1) convolution with its state_dict weights; the padding keeps the size. With
    /// <see cref="Kernels.AlignedRows"/> a channel count of 8 or more that is not a multiple of 8 is zero-padded to one
    /// (<see cref="AlignedLinear.Align"/>): the input by a Pad node, the weights and bias in the initializers, and the
    /// output sliced back, so cuDNN's FP16 tensor-core algorithms apply (the padded channels add exact zeros).
    /// </summary>
    private string Conv(string prefix, string x)
    {
        var (weight, shape) = w.Get($"{prefix}.weight");
        var (bias, _) = w.Get($"{prefix}.bias", shape[0]);
        var kernel = shape[2];
        long cout = shape[0], cin = shape[1];
        var align = o.Uses(Kernels.AlignedRows);
        long coutA = align ? AlignedLinear.Align(cout) : cout, cinA = align ? AlignedLinear.Align(cin) : cin;
        if (coutA == cout && cinA == cin)
            return g.Conv(x, g.Weight($"{prefix}.weight", weight, shape), g.Weight($"{prefix}.bias", bias, cout), kernel, kernel / 2);
        var padded = new float[coutA * cinA * kernel * kernel];
        for (long co = 0; co < cout; co++)
            Array.Copy(weight, co * cin * kernel * kernel, padded, co * cinA * kernel * kernel, cin * kernel * kernel);
        var paddedBias = new float[coutA];
        Array.Copy(bias, paddedBias, cout);
        if (cinA != cin) x = g.PadConstant(x, g.Ints(0, 0, 0, 0, 0, cinA - cin, 0, 0));
        var y = g.Conv(x, g.Weight($"{prefix}.weight", padded, coutA, cinA, kernel, kernel), g.Weight($"{prefix}.bias", paddedBias, coutA),
            kernel, kernel / 2);
        return coutA == cout ? y : g.Slice(y, [0], [cout], [1]);
    }

    private string LeakyRelu(string convPrefix, string x, float slope) => g.LeakyRelu(Conv(convPrefix, x), slope);

    /// <summary>conv_after_body / RSTB conv: one 3×3 conv (1conv) or conv, LeakyReLU, 1×1 conv, LeakyReLU, conv (3conv).</summary>
    private string ResidualConv(string prefix, string x) => c.ResiConnection switch
    {
        "1conv" => Conv(prefix, x),
        _ => Conv($"{prefix}.4", LeakyRelu($"{prefix}.2", LeakyRelu($"{prefix}.0", x, 0.2f), 0.2f)),
    };

    /// <summary>Official <c>Upsample</c>: log2(scale) × (conv to 4·feat, PixelShuffle(2)), or conv to 9·feat + PixelShuffle(3).</summary>
    private string Upsample(string x)
    {
        using var _ = g.Scope("upsample");
        if (c.Upscale == 3) return g.PixelShuffle(Conv("upsample.0", x), 3);
        var stage = 0;
        for (var s = c.Upscale; s > 1; s /= 2, stage += 2)
            x = g.PixelShuffle(Conv($"upsample.{stage}", x), 2);
        return x;
    }
}
