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
/// The plugins-cu kernels (libswinbench_plugins.so, <see cref="SwinBench.Native.TensorOps"/>) a variant runs in place of
/// the official code, one flag each; a flag that is off keeps the official path. Each flag's row in
/// <see cref="ModelOptions.KernelTokens"/> names it everywhere: its token (labels, CSV, the CLI's <c>--kernels</c>),
/// its ONNX <c>swinbench</c>-domain op type (also the TensorRT plugin name) and its C entry points, the same rows as
/// plugins-cu/common/op_table.h.
/// <para>
/// Device: on CUDA tensors a flag runs the op's CUDA kernel (on PyTorch's default stream); on CPU tensors it runs the
/// op's reference C++ implementation (the library's <c>_cpu</c> entry point), so every combination is testable and
/// gives the same numbers without a GPU. There is no silent fallback: without the library, building a model with any
/// flag throws <see cref="SwinBench.Backends.BackendUnavailableException"/> naming where it looked
/// (<see cref="SwinBench.Native.PluginLibrary.Probe"/> tells sweeps beforehand, with the reason to record), and a
/// build whose CUDA kernel for an op is missing fails that op on CUDA tensors the same way.
/// </para>
/// <para>
/// Where a flag cannot apply it is a no-op: unshifted blocks have no mask (<see cref="WindowMask"/>);
/// <see cref="QkvSplit"/> is unused under <see cref="WindowAttention"/>, which reads the packed qkv itself; under
/// <see cref="LnRollPartition"/> the blocks' norm1 is that kernel's, so <see cref="LayerNormFp32"/> then runs
/// the other LayerNorms (patch embedding, norm2, the final norm). A LayerNorm run by a kernel ignores
/// <see cref="LayerNormMode"/>: kernels always accumulate in float32 (the Fp32Accumulate arithmetic; equal to Fused in
/// FP32 up to rounding).
/// </para>
/// </summary>
[Flags]
public enum Kernels
{
    None = 0,
    /// <summary>swb_window_mask: shifted-window masks built on the model's device instead of on the host (both mask modes).</summary>
    WindowMask = 1,
    /// <summary>swb_ln_roll_partition: each block's norm1 + roll + window partition in one call.</summary>
    LnRollPartition = 2,
    /// <summary>swb_reverse_roll_add: each block's window reverse + reverse roll + residual add in one call.</summary>
    ReverseRollAdd = 4,
    /// <summary>swb_qkv_split: window attention splits the packed qkv into heads (q scaled) instead of reshape/permute/mul.</summary>
    QkvSplit = 8,
    /// <summary>swb_layer_norm_fp32: every LayerNorm with float32 accumulation (the FP16 accuracy fix, FP32 too).</summary>
    LayerNormFp32 = 16,
    /// <summary>
    /// swb_window_attention: window attention's scores + relative position bias + mask + softmax + ·v in one call: the
    /// bias is gathered once per device into a float32 (heads, N, N) cache, masks are made in float32.
    /// </summary>
    WindowAttention = 32,
    /// <summary>
    /// A layout, not an op: the blocks' matrix products on zero-padded rows of Align(C) = C rounded up to 8 channels
    /// (184 for C = 180; the ABI's row strides), with zero-padded weight copies, so FP16 GEMMs get 16-byte aligned
    /// leading dimensions. The kernels write the padded rows: needs <see cref="LnRollPartition"/>,
    /// <see cref="ReverseRollAdd"/>, <see cref="LayerNormFp32"/> and <see cref="WindowAttention"/>. Same arithmetic on
    /// the logical channels (the padding adds exact zeros).
    /// </summary>
    AlignedRows = 64,
    /// <summary>
    /// swb_swin_block: all the blocks of a stage as one native call (a handle per stage holding the weight copies): LN +
    /// roll + partition, GEMMs with bias / bias + GELU / bias + residual epilogues, the fused window attention, reverse
    /// + roll + residual + LayerNorm in one pass (CUDA; on CPU tensors the reference kernels composed with a float32
    /// matrix product). Within the blocks it supersedes the per-op flags above and the <see cref="MaskMode"/>: the
    /// handle makes its own shifted-window masks, so the mask mode no longer matters inside a stage (the label still
    /// carries it). The other flags still apply outside the blocks (patch-embedding and final LayerNorm).
    /// </summary>
    SwinBlock = 128,
    /// <summary>
    /// A mode, not an op: the <see cref="SwinBlock"/> handles capture each stage once per input shape as a CUDA graph
    /// and replay it. Needs <see cref="SwinBlock"/> and CUDA tensors.
    /// </summary>
    CudaGraph = 256,
    /// <summary>
    /// A layout, not an op: the convolutions run channels-last (NHWC). The image stream is made channels-last once, after
    /// the input normalization, so every convolution gets NHWC input and writes NHWC output, and the (B, H·W, C) tokens
    /// of the stages are views of it with no transposes. ONNX Runtime: the exported graph is the same and the CUDA EP's
    /// session runs with <c>prefer_nhwc</c>; TensorRT chooses its own formats and refuses the flag by name.
    /// </summary>
    ChannelsLast = 512,
    /// <summary>Every per-op kernel (the flags above <see cref="SwinBlock"/>); <c>--kernels all</c>.</summary>
    All = WindowMask | LnRollPartition | ReverseRollAdd | QkvSplit | LayerNormFp32 | WindowAttention | AlignedRows,
}

/// <summary>
/// The variant flags of one model instance: the model reads them, it is never copied per variant.
/// </summary>
public sealed record ModelOptions
{
    public MaskMode Mask { get; init; } = MaskMode.PerBlock;
    public Precision Precision { get; init; } = Precision.Fp32;
    public LayerNormMode LayerNorm { get; init; } = LayerNormMode.Fused;

    /// <summary>The plugins-cu kernels in use (none: the official code).</summary>
    public Kernels Kernels { get; init; } = Kernels.None;

    /// <summary>The official code path: per-block masks, FP32, fused LayerNorm, no kernels.</summary>
    public static ModelOptions Original { get; } = new();

    /// <summary>
    /// Short text for tables and CSV columns, e.g. <c>hoisted/fp16/ln-fused</c>, with the kernels appended as
    /// <c>+window_mask+ln_roll_partition</c> (nothing appended without kernels).
    /// </summary>
    public string Label =>
        $"{Mask.ToString().ToLowerInvariant()}/{Precision.ToString().ToLowerInvariant()}/ln-{LayerNorm.ToString().ToLowerInvariant()}{KernelLabel(Kernels)}";

    /// <summary>The label suffix of a kernel set: "+token" per flag in flag order, "" for none.</summary>
    public static string KernelLabel(Kernels kernels) =>
        string.Concat(Tokens(kernels).Select(t => "+" + t));

    /// <summary>
    /// The kernel vocabulary, one row per flag in flag order: the op rows match plugins-cu/common/op_table.h (token, ONNX
    /// op type, C entry points), which tests/Native/KernelVocabularyTests.cs checks against the built libraries.
    /// </summary>
    public static IReadOnlyList<KernelRow> KernelTokens { get; } =
    [
        new(Kernels.WindowMask, "window_mask", "WindowMask", "window_mask"),
        new(Kernels.LnRollPartition, "ln_roll_partition", "LnRollPartition", "ln_roll_partition"),
        new(Kernels.ReverseRollAdd, "reverse_roll_add", "ReverseRollAdd", "reverse_roll_add"),
        new(Kernels.QkvSplit, "qkv_split", "QkvSplit", "qkv_split"),
        new(Kernels.LayerNormFp32, "layer_norm_fp32", "LayerNormFp32", "layer_norm_fp32"),
        new(Kernels.WindowAttention, "window_attention", "WindowAttention", "window_attention"),
        new(Kernels.AlignedRows, "aligned_rows"),
        new(Kernels.SwinBlock, "swin_block", "SwinBlock", "swin_block_create",
            ["swb_swin_block_desc_check", "swb_swin_block_run", "swb_swin_block_trim", "swb_swin_block_stats_get", "swb_swin_block_destroy"]),
        new(Kernels.CudaGraph, "cuda_graph"),
        new(Kernels.ChannelsLast, "channels_last"),
    ];

    /// <summary>The row of one kernel flag.</summary>
    public static KernelRow Row(Kernels flag) => KernelTokens.Single(r => r.Flag == flag);

    /// <summary>The token of one kernel flag.</summary>
    public static string Token(Kernels flag) => Row(flag).Token;

    /// <summary>The ONNX op type of one op flag (an <see cref="ArgumentException"/> for a layout or mode).</summary>
    public static string OnnxOpType(Kernels flag) =>
        Row(flag).OnnxOpType ?? throw new ArgumentException($"kernel '{Token(flag)}' is a layout or mode, not an op");

    /// <summary>The flags that run plugins-cu code (every flag but the <see cref="Kernels.ChannelsLast"/> layout), none: no library needed.</summary>
    public static Kernels NativeKernels(Kernels kernels) => kernels & ~Kernels.ChannelsLast;

    /// <summary>The flags <see cref="Kernels.AlignedRows"/> builds on (it pads the rows their kernels write).</summary>
    public const Kernels AlignedRowsNeeds = Kernels.LnRollPartition | Kernels.ReverseRollAdd | Kernels.LayerNormFp32 | Kernels.WindowAttention;

    /// <summary>Throws <see cref="ArgumentException"/> for a kernel set that cannot run (a flag without what it builds on).</summary>
    public static void CheckKernels(Kernels kernels)
    {
        if (kernels.HasFlag(Kernels.AlignedRows) && (kernels & AlignedRowsNeeds) != AlignedRowsNeeds)
            throw new ArgumentException($"kernel 'aligned_rows' needs {TokenList(AlignedRowsNeeds)}; missing: {TokenList(AlignedRowsNeeds & ~kernels)}");
        if (kernels.HasFlag(Kernels.CudaGraph) && !kernels.HasFlag(Kernels.SwinBlock))
            throw new ArgumentException("kernel mode 'cuda_graph' needs 'swin_block' (it captures the swin_block stages)");
    }

    /// <summary>Why <see cref="Kernels.CudaGraph"/> cannot run on <paramref name="device"/> (a CPU device or tensor).</summary>
    public static string CudaGraphNeedsCuda(string device) =>
        $"cuda_graph needs CUDA tensors (it captures the swin_block stages as CUDA graphs); this run is on {device}";

    /// <summary>The tokens of a kernel set, comma-separated in flag order.</summary>
    public static string TokenList(Kernels kernels) => string.Join(", ", Tokens(kernels));

    private static IEnumerable<string> Tokens(Kernels kernels) => KernelTokens.Where(r => kernels.HasFlag(r.Flag)).Select(r => r.Token);

    /// <summary>
    /// Parses "none" or tokens joined by ',' or '+' (window_mask, ln_roll_partition, ...); the token "all" stands for every
    /// per-op kernel (<see cref="Kernels.All"/>), so "all,swin_block,cuda_graph,channels_last" is the fastest variant's set.
    /// </summary>
    public static Kernels ParseKernels(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "" or "none") return Kernels.None;
        var result = Kernels.None;
        foreach (var token in t.Split([',', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (token == "all")
            {
                result |= Kernels.All;
                continue;
            }
            var match = KernelTokens.FirstOrDefault(r => r.Token == token)
                ?? throw new ArgumentException($"unknown kernel '{token}'; use none, all or any of: {string.Join(", ", KernelTokens.Select(r => r.Token))}");
            result |= match.Flag;
        }
        CheckKernels(result);
        return result;
    }

    public override string ToString() => Label;
}

/// <summary>
/// One row of the kernel vocabulary: a flag, its token, and for an op its ONNX op type (domain <c>swinbench</c>; also the
/// TensorRT plugin name) and its C entry points <c>swb_{Entry}_cpu</c> and <c>swb_{Entry}_cuda</c>, plus those of a
/// handle the op keeps (<paramref name="HandleEntryPoints"/>). A layout or mode has no op type and no entry points.
/// </summary>
public sealed record KernelRow(Kernels Flag, string Token, string? OnnxOpType = null, string? Entry = null,
    IReadOnlyList<string>? HandleEntryPoints = null)
{
    /// <summary>The entry point on host memory (null: not an op).</summary>
    public string? CpuEntry => Entry is null ? null : $"swb_{Entry}_cpu";

    /// <summary>The entry point on device memory and a stream (null: not an op).</summary>
    public string? CudaEntry => Entry is null ? null : $"swb_{Entry}_cuda";

    /// <summary>Every C entry point of the op: CPU, CUDA, then the handle's.</summary>
    public IReadOnlyList<string> EntryPoints => Entry is null ? [] : [CpuEntry!, CudaEntry!, .. HandleEntryPoints ?? []];
}
