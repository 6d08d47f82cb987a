using SwinBench.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

#pragma warning disable IDE1006 // field names mirror the official state_dict keys

namespace SwinBench.Model;

/// <summary>
/// SwinIR (image restoration with Swin Transformer) for inference, piece for piece like the official network file:
/// shallow conv → RSTB stages → norm → conv_after_body (+ long skip) → reconstruction head. Module and parameter names
/// follow the official state_dict keys. Variants come from <see cref="ModelOptions"/>; a model with
/// <see cref="ModelOptions.Kernels"/> needs the plugin library and says so when it is missing
/// (<see cref="SwinBench.Backends.BackendUnavailableException"/> from the constructor).
/// Input: (N, in_chans, H, W) in [0, 1] of the model's dtype; output (N, in_chans, H·scale, W·scale).
/// </summary>
public sealed class SwinIR : Module<Tensor, Tensor>
{
    private readonly Conv2d conv_first;
    private readonly PatchEmbed patch_embed;
    private readonly ModuleList<RSTB> layers;
    private readonly SwinLayerNorm norm;
    private readonly Module<Tensor, Tensor> conv_after_body;
    // heads (null when unused by the upsampler)
    private readonly Sequential? conv_before_upsample;
    private readonly Sequential? upsample;
    private readonly Conv2d? conv_up1;
    private readonly Conv2d? conv_up2;
    private readonly Conv2d? conv_hr;
    private readonly Conv2d? conv_last;

    private readonly MaskProvider _masks;
    private readonly float[] _mean;

    public SwinIR(SwinIRConfig config, ModelOptions? options = null) : base(nameof(SwinIR))
    {
        Config = config.Validate();
        Options = options ?? ModelOptions.Original;
        if (ModelOptions.NativeKernels(Options.Kernels) != Kernels.None) PluginLibrary.EnsureAvailable();
        var c = Config;
        long dim = c.EmbedDim, feat = SwinIRConfig.NumFeat;
        _mean = Mean(c.InChans);
        _masks = new MaskProvider(Options.Mask, useKernel: Options.Kernels.HasFlag(Kernels.WindowMask));

        conv_first = Conv2d(c.InChans, dim, 3, padding: 1);
        patch_embed = new PatchEmbed(dim, Options);
        layers = new ModuleList<RSTB>();
        for (var i = 0; i < c.Depths.Length; i++)
            layers.Add(new RSTB(dim, c.ImgSize, c.Depths[i], c.NumHeads[i], c.WindowSize, c.MlpRatio, c.ResiConnection, Options));
        norm = new SwinLayerNorm(dim, Options.LayerNorm, Options.Kernels);
        conv_after_body = ResidualConv(dim, c.ResiConnection);

        switch (c.Upsampler)
        {
            case "pixelshuffle":
                conv_before_upsample = Sequential(("0", Conv2d(dim, feat, 3, padding: 1)), ("1", LeakyReLU(0.01)));
                upsample = Upsample(c.Upscale, feat);
                conv_last = Conv2d(feat, c.InChans, 3, padding: 1);
                break;
            case "pixelshuffledirect":
                upsample = UpsampleOneStep(c.Upscale, dim, c.InChans);
                break;
            case "nearest+conv":
                conv_before_upsample = Sequential(("0", Conv2d(dim, feat, 3, padding: 1)), ("1", LeakyReLU(0.01)));
                conv_up1 = Conv2d(feat, feat, 3, padding: 1);
                conv_up2 = Conv2d(feat, feat, 3, padding: 1);
                conv_hr = Conv2d(feat, feat, 3, padding: 1);
                conv_last = Conv2d(feat, c.InChans, 3, padding: 1);
                break;
            default:
                conv_last = Conv2d(dim, c.InChans, 3, padding: 1);
                break;
        }
        RegisterComponents();
    }

    public SwinIRConfig Config { get; }
    public ModelOptions Options { get; }

    /// <summary>The model's mask source (counts masks built; Hoisted caches live here).</summary>
    public MaskProvider Masks => _masks;

    public IEnumerable<SwinTransformerBlock> Blocks => layers.SelectMany(l => l.ResidualGroup.Blocks);

    /// <summary>
    /// Drops what the model derived from its weights and inputs: hoisted masks, the fused attention's bias caches, the
    /// padded weights of <see cref="Kernels.AlignedRows"/> and the stages' <see cref="Kernels.SwinBlock"/> chains (their
    /// weight copies and per-shape buffers)
    /// (call after changing weights in place once the model has run; moving it with <c>to()</c> needs no call).
    /// </summary>
    public void ClearCaches()
    {
        _masks.Clear();
        foreach (var layer in layers) layer.ResidualGroup.ClearCaches();
    }

    /// <summary>The stages' <see cref="Kernels.SwinBlock"/> chains made so far.</summary>
    public IEnumerable<SwinBlockChain> SwinBlockChains => layers.SelectMany(l => l.ResidualGroup.Chains);

    /// <summary>
    /// The per-channel mean subtracted from the input and added back to the output: DIV2K's RGB mean for 3 channels,
    /// zeros otherwise (as in the official code; not in checkpoints).
    /// </summary>
    public static float[] Mean(int inChans) => inChans == 3 ? [0.4488f, 0.4371f, 0.4040f] : new float[inChans];

    /// <summary>Parameter count (weights only, as in the official release files).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    internal static Module<Tensor, Tensor> ResidualConv(long dim, string resiConnection) => resiConnection switch
    {
        "1conv" => Conv2d(dim, dim, 3, padding: 1),
        "3conv" => Sequential(
            ("0", Conv2d(dim, dim / 4, 3, padding: 1)), ("1", LeakyReLU(0.2)),
            ("2", Conv2d(dim / 4, dim / 4, 1)), ("3", LeakyReLU(0.2)),
            ("4", Conv2d(dim / 4, dim, 3, padding: 1))),
        _ => throw new ConfigException($"resi_connection '{resiConnection}' is not one of: 1conv, 3conv"),
    };

    /// <summary>Official <c>Upsample</c>: log2(scale) × (conv to 4·feat, PixelShuffle(2)), or conv to 9·feat + PixelShuffle(3).</summary>
    private static Sequential Upsample(int scale, long feat)
    {
        var mods = new List<(string, Module<Tensor, Tensor>)>();
        if (scale == 3)
        {
            mods.Add(("0", Conv2d(feat, 9 * feat, 3, padding: 1)));
            mods.Add(("1", PixelShuffle(3)));
        }
        else
        {
            for (var s = scale; s > 1; s /= 2)
            {
                mods.Add((mods.Count.ToString(), Conv2d(feat, 4 * feat, 3, padding: 1)));
                mods.Add((mods.Count.ToString(), PixelShuffle(2)));
            }
        }
        return Sequential(mods.ToArray());
    }

    /// <summary>Official <c>UpsampleOneStep</c> (lightweight SR): one conv to scale²·in_chans channels, then PixelShuffle(scale).</summary>
    private static Sequential UpsampleOneStep(int scale, long dim, long inChans) =>
        Sequential(("0", Conv2d(dim, scale * scale * inChans, 3, padding: 1)), ("1", PixelShuffle(scale)));

    /// <summary>Smallest image side the reflect padding to a window multiple accepts (pad must be smaller than the side).</summary>
    public int MinInputSide => Config.WindowSize / 2 + 1;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (x.dim() != 4) throw new InvalidInputException($"input must be 4-D (N, C, H, W), got shape [{string.Join(", ", x.shape)}]");
        var (h, w) = (x.shape[2], x.shape[3]);
        if (x.shape[1] != Config.InChans)
            throw new InvalidInputException($"input has {x.shape[1]} channels, the model expects in_chans = {Config.InChans}");
        var ws = Config.WindowSize;
        long padH = (ws - h % ws) % ws, padW = (ws - w % ws) % ws;
        if (padH >= h || padW >= w)
            throw new InvalidInputException(
                $"input {h}x{w} is too small: reflect padding to a multiple of window {ws} needs each side >= {MinInputSide}");
        if (padH > 0 || padW > 0) x = functional.pad(x, [0, padW, 0, padH], PaddingModes.Reflect);

        var mean = tensor(_mean, [1, Config.InChans, 1, 1]).to(x.dtype, x.device);
        var range = Config.ImgRange;
        x = (x - mean) * range;
        if (Options.Kernels.HasFlag(Kernels.ChannelsLast)) x = ToChannelsLast(x);

        Tensor y;
        switch (Config.Upsampler)
        {
            case "pixelshuffle":
            {
                var f = conv_first.forward(x);
                f = conv_after_body.forward(ForwardFeatures(f)) + f;
                y = conv_last!.forward(upsample!.forward(conv_before_upsample!.forward(f)));
                break;
            }
            case "pixelshuffledirect":
            {
                var f = conv_first.forward(x);
                f = conv_after_body.forward(ForwardFeatures(f)) + f;
                y = upsample!.forward(f);
                break;
            }
            case "nearest+conv":
            {
                var f = conv_first.forward(x);
                f = conv_after_body.forward(ForwardFeatures(f)) + f;
                f = conv_before_upsample!.forward(f);
                f = functional.leaky_relu(conv_up1!.forward(Nearest2x(f)), 0.2);
                f = functional.leaky_relu(conv_up2!.forward(Nearest2x(f)), 0.2);
                y = conv_last!.forward(functional.leaky_relu(conv_hr!.forward(f), 0.2));
                break;
            }
            default:
            {
                var first = conv_first.forward(x);
                var res = conv_after_body.forward(ForwardFeatures(first)) + first;
                y = x + conv_last!.forward(res);
                break;
            }
        }
        y = y / range + mean;
        var s = Config.OutputScale;
        var result = y[.., .., ..(int)(h * s), ..(int)(w * s)];
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (N, C, H, W) with channels-last strides (NHWC in memory, the shape unchanged), so the convolutions that read it run
    /// NHWC and write NHWC, and the tokens of <see cref="Tokens.FromImage"/> are views of it (<see cref="Kernels.ChannelsLast"/>).
    /// </summary>
    public static Tensor ToChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private static Tensor Nearest2x(Tensor x) =>
        functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);

    private Tensor ForwardFeatures(Tensor x)
    {
        var (h, w) = (x.shape[2], x.shape[3]);
        using var scope = NewDisposeScope();
        var tokens = patch_embed.forward(x);
        var t = Sequence.Chain(tokens, layers, (layer, s) => layer.Forward(s, h, w, _masks));
        return Tokens.ToImage(norm.forward(t), h, w).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _masks.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>An input the model cannot take (shape, channels, size); the message says which and why.</summary>
public sealed class InvalidInputException(string message) : Exception(message);
