namespace SwinBench.Model;

/// <summary>How shifted-window attention masks are made.</summary>
public enum MaskMode
{
    /// <summary>Like the official code: every shifted block builds its mask from the current H/W on each forward (on the host, then copied to the device).</summary>
    PerBlock,
    /// <summary>One mask per input size, built once and shared by all blocks (cached by size, dtype and device).</summary>
    Hoisted,
}

/// <summary>Numeric precision of weights and activations.</summary>
public enum Precision { Fp32, Fp16 }

/// <summary>How LayerNorm is computed.</summary>
public enum LayerNormMode
{
    /// <summary>The framework's fused layer_norm kernel.</summary>
    Fused,
    /// <summary>Written out as mean, variance, rsqrt, scale and shift (what a naive ONNX export produces).</summary>
    Decomposed,
    /// <summary>Computed in FP32 and cast back (the study's FP16 accuracy fix); equal to Fused in FP32.</summary>
    Fp32Accumulate,
}

/// <summary>
/// The plugins-cu kernels (libswinbench_plugins.so, <see cref="SwinBench.Native.TensorOps"/>) a model runs in place of
/// the official TorchSharp code, one flag each; a flag that is off keeps the official path.
/// <para>
/// Device: on CUDA tensors a flag runs the op's CUDA kernel (on PyTorch's default stream); on CPU tensors it runs the
/// op's reference C++ implementation (the library's <c>_cpu</c> entry point), so every combination is testable and
/// gives the same numbers without a GPU. There is no silent fallback: without the library, building a model with any
/// flag throws <see cref="SwinBench.Backends.BackendUnavailableException"/> naming where it looked
/// (<see cref="SwinBench.Native.PluginLibrary.Probe"/> tells sweeps beforehand, with the reason to record), and a
/// build whose CUDA kernel for an op is missing fails that op on CUDA tensors the same way.
/// </para>
/// <para>
/// Where a flag cannot apply it is a no-op: unshifted blocks have no mask (<see cref="MaskKernel"/>);
/// <see cref="QkvGather"/> is unused under <see cref="FusedAttention"/>, which reads the packed qkv itself; under
/// <see cref="LnRollPartition"/> the blocks' norm1 is that kernel's, so <see cref="Fp32LayerNormKernel"/> then runs
/// the other LayerNorms (patch embedding, norm2, the final norm). A LayerNorm run by a kernel ignores
/// <see cref="LayerNormMode"/>: kernels always accumulate in float32 (the Fp32Accumulate arithmetic; equal to Fused in
/// FP32 up to rounding).
/// </para>
/// </summary>
[Flags]
public enum Plugins
{
    None = 0,
    /// <summary>Shifted-window masks built by swb_window_mask on the model's device instead of on the host (both mask modes).</summary>
    MaskKernel = 1,
    /// <summary>Each block's norm1 + roll + window partition in one swb_ln_roll_partition call.</summary>
    LnRollPartition = 2,
    /// <summary>Each block's window reverse + reverse roll + residual add in one swb_reverse_roll_add call.</summary>
    ReverseRollAdd = 4,
    /// <summary>Window attention splits the packed qkv with swb_qkv_split (q scaled) instead of reshape/permute/mul.</summary>
    QkvGather = 8,
    /// <summary>Every LayerNorm runs swb_layer_norm_fp32 (float32 accumulation; the FP16 accuracy fix, FP32 too).</summary>
    Fp32LayerNormKernel = 16,
    /// <summary>
    /// Window attention's scores + relative position bias + mask + softmax + ·v in one swb_window_attention call: the
    /// bias is gathered once per device into a float32 (heads, N, N) cache, masks are made in float32.
    /// </summary>
    FusedAttention = 32,
    /// <summary>
    /// The blocks' matrix products on zero-padded rows of Align(C) = C rounded up to 8 channels (184 for C = 180), with
    /// zero-padded weight copies, so FP16 GEMMs get 16-byte aligned leading dimensions (cuBLAS's tensor-core kernels;
    /// 2.5× faster than C = 180's on an H100). The kernels write the padded rows: needs <see cref="LnRollPartition"/>,
    /// <see cref="ReverseRollAdd"/>, <see cref="Fp32LayerNormKernel"/> and <see cref="FusedAttention"/>. Same
    /// arithmetic on the logical channels (the padding adds exact zeros).
    /// </summary>
    AlignedChannels = 64,
    All = MaskKernel | LnRollPartition | ReverseRollAdd | QkvGather | Fp32LayerNormKernel | FusedAttention | AlignedChannels,
}

/// <summary>
/// The variant flags of one model instance: the model reads them, it is never copied per variant.
/// </summary>
public sealed record ModelOptions
{
    public MaskMode Mask { get; init; } = MaskMode.PerBlock;
    public Precision Precision { get; init; } = Precision.Fp32;
    public LayerNormMode LayerNorm { get; init; } = LayerNormMode.Fused;

    /// <summary>The plugin kernels in use (none: the official TorchSharp code).</summary>
    public Plugins Plugins { get; init; } = Plugins.None;

    /// <summary>The official code path: per-block masks, FP32, fused LayerNorm, no plugins.</summary>
    public static ModelOptions Original { get; } = new();

    /// <summary>
    /// Short text for tables and CSV columns, e.g. <c>hoisted/fp16/ln-fused</c>, with the plugins appended as
    /// <c>+mask+lnroll+revadd+qkv+ln32+fattn</c> (nothing appended without plugins).
    /// </summary>
    public string Label =>
        $"{Mask.ToString().ToLowerInvariant()}/{Precision.ToString().ToLowerInvariant()}/ln-{LayerNorm.ToString().ToLowerInvariant()}{PluginLabel(Plugins)}";

    /// <summary>The label suffix of a plugin set: "+token" per flag in flag order, "" for none.</summary>
    public static string PluginLabel(Plugins plugins) =>
        string.Concat(Tokens(plugins).Select(t => "+" + t));

    /// <summary>The label token of each plugin flag.</summary>
    public static IReadOnlyList<(Plugins Flag, string Token)> PluginTokens { get; } =
    [
        (Plugins.MaskKernel, "mask"), (Plugins.LnRollPartition, "lnroll"), (Plugins.ReverseRollAdd, "revadd"),
        (Plugins.QkvGather, "qkv"), (Plugins.Fp32LayerNormKernel, "ln32"), (Plugins.FusedAttention, "fattn"),
        (Plugins.AlignedChannels, "align"),
    ];

    /// <summary>The flags <see cref="Plugins.AlignedChannels"/> builds on (it pads the rows their kernels write).</summary>
    public const Plugins AlignedChannelsNeeds = Plugins.LnRollPartition | Plugins.ReverseRollAdd | Plugins.Fp32LayerNormKernel | Plugins.FusedAttention;

    /// <summary>Throws <see cref="ArgumentException"/> for a plugin set that cannot run (a flag without what it builds on).</summary>
    public static void CheckPlugins(Plugins plugins)
    {
        if (plugins.HasFlag(Plugins.AlignedChannels) && (plugins & AlignedChannelsNeeds) != AlignedChannelsNeeds)
            throw new ArgumentException($"plugin 'align' needs {TokenList(AlignedChannelsNeeds)}; missing: {TokenList(AlignedChannelsNeeds & ~plugins)}");
    }

    /// <summary>The tokens of a plugin set, comma-separated in flag order.</summary>
    private static string TokenList(Plugins plugins) => string.Join(", ", Tokens(plugins));

    private static IEnumerable<string> Tokens(Plugins plugins) => PluginTokens.Where(p => plugins.HasFlag(p.Flag)).Select(p => p.Token);

    /// <summary>Parses "none", "all" or tokens joined by ',' or '+' (mask, lnroll, revadd, qkv, ln32, fattn, align).</summary>
    public static Plugins ParsePlugins(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "" or "none") return Plugins.None;
        if (t == "all") return Plugins.All;
        var result = Plugins.None;
        foreach (var token in t.Split([',', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = PluginTokens.FirstOrDefault(p => p.Token == token);
            if (match.Token is null)
                throw new ArgumentException($"unknown plugin '{token}'; use none, all or any of: {string.Join(", ", PluginTokens.Select(p => p.Token))}");
            result |= match.Flag;
        }
        CheckPlugins(result);
        return result;
    }

    public override string ToString() => Label;
}
