using System.Runtime.InteropServices;
using SwinBench.Backends;
using SwinBench.Model;

// The raw imports keep the C names of plugins-cu/include/swinbench_plugins.h.
#pragma warning disable IDE1006

namespace SwinBench.Native;

/// <summary>Element type of the plugin tensors (<c>swb_dtype</c>).</summary>
public enum SwbDType
{
    F32 = 0,
    /// <summary>IEEE binary16.</summary>
    F16 = 1,
}

/// <summary>Status codes of the C ABI (<c>swb_status</c>).</summary>
public enum SwbStatus
{
    Ok = 0,
    /// <summary>A null pointer, an inconsistent size, an unsupported dtype.</summary>
    Argument = 1,
    /// <summary>A CUDA entry point of a build (or kernel) without CUDA.</summary>
    NoCuda = 2,
    /// <summary>A CUDA launch or runtime error.</summary>
    Cuda = 3,
}

/// <summary>Which entry point of an op runs: the reference host code (<c>_cpu</c>) or the kernel (<c>_cuda</c>).</summary>
public enum PluginTarget { Cpu, Cuda }

/// <summary>
/// <c>swb_window_geometry</c>: a (B, H·W, C) token map of a padded H×W feature map split into ws×ws windows after a
/// cyclic shift. H and W are multiples of ws; 0 ≤ shift &lt; ws. <paramref name="WindowStride"/>: elements between tokens
/// of the windows tensor (B·nW, N, ·), 0 for dense rows (= C), else ≥ C; padding columns are written as zeros.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct WindowGeometry(long Batch, long Height, long Width, long Channels, long WindowSize, long ShiftSize,
    long WindowStride = 0)
{
    public long WindowsPerImage => Height / WindowSize * (Width / WindowSize);
    public long Tokens => WindowSize * WindowSize;
}

/// <summary>
/// <c>swb_qkv_geometry</c>: the packed qkv projection (B_, N, 3C), last dim laid out [3][heads][C / heads];
/// <paramref name="PartStride"/>: elements from q to k and k to v (rows of 3·PartStride), <paramref name="OutStride"/>:
/// elements between output rows; 0 for dense (= C), else ≥ C.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct QkvGeometry(long BatchWindows, long Tokens, long Channels, long Heads, long PartStride = 0, long OutStride = 0);

/// <summary><c>swb_rows_geometry</c>: rows × cols, normalized over cols; output rows <paramref name="OutStride"/> apart (0: dense).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct RowsGeometry(long Rows, long Cols, long OutStride = 0);

/// <summary>
/// <c>swb_swin_block_desc</c>: a stage of Swin blocks (C channels, heads, MLP width <paramref name="Hidden"/>, window
/// <paramref name="WindowSize"/>, <paramref name="Depth"/> blocks), the LayerNorm epsilon and attention scale, the
/// activation dtype and the dtype of every weight but the float32 attention bias, and <see cref="SwinBlockFlags"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SwinBlockDesc(long Channels, long Heads, long Hidden, long WindowSize, long Depth, float Epsilon, float Scale,
    SwbDType DType, SwbDType ParamDType, SwinBlockFlags Flags = SwinBlockFlags.None);

/// <summary>Flags of <see cref="SwinBlockDesc"/> (<c>SWB_SWIN_BLOCK_*</c>).</summary>
[Flags]
public enum SwinBlockFlags
{
    None = 0,
    /// <summary>CUDA handles: capture the chain once per input shape as a CUDA graph, then replay it.</summary>
    CudaGraph = 1,
}

/// <summary>
/// <c>swb_swin_block_weights</c>: one block's shift and weight pointers (host pointers for a CPU handle, device
/// pointers for a CUDA handle), in the official nn.Linear layouts; <see cref="AttnBias"/> is float32 (heads, N, N).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SwinBlockWeights(long ShiftSize, IntPtr Norm1Weight, IntPtr Norm1Bias, IntPtr QkvWeight, IntPtr QkvBias,
    IntPtr AttnBias, IntPtr ProjWeight, IntPtr ProjBias, IntPtr Norm2Weight, IntPtr Norm2Bias, IntPtr Fc1Weight, IntPtr Fc1Bias,
    IntPtr Fc2Weight, IntPtr Fc2Bias);

/// <summary><c>swb_swin_block_stats</c>: what a handle holds (shapes with buffers, weight and workspace bytes, CUDA graphs).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SwinBlockStats(int OnCudaFlag, int Shapes, long WeightBytes, long WorkspaceBytes, long GraphsCaptured,
    long GraphReplays)
{
    /// <summary>Whether it is a CUDA handle.</summary>
    public bool OnCuda => OnCudaFlag != 0;
}

/// <summary>
/// An <c>swb_swin_block</c> handle: destroyed (<c>swb_swin_block_destroy</c>, which waits for its queued work) when
/// disposed or finalized.
/// </summary>
public sealed class SwinBlockHandle : SafeHandle
{
    public SwinBlockHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal SwinBlockHandle(IntPtr handle) : this() => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        SwinBenchPlugins.DestroySwinBlock(handle);
        return true;
    }
}

/// <summary>A plugin entry point returned an error status; the message is the library's.</summary>
public sealed class PluginException(string entryPoint, SwbStatus status, string message)
    : Exception($"{entryPoint} failed ({status}): {message}")
{
    public string EntryPoint { get; } = entryPoint;
    public SwbStatus Status { get; } = status;
}

/// <summary>
/// The C ABI of <c>libswinbench_plugins.so</c> (plugins-cu/include/swinbench_plugins.h), one checked method per op.
/// Pointers are host pointers for <see cref="PluginTarget.Cpu"/> and device pointers for
/// <see cref="PluginTarget.Cuda"/>, whose work is queued on <c>stream</c> (<see cref="IntPtr.Zero"/>: the legacy
/// default stream). Every method first makes sure the library is loaded
/// (<see cref="BackendUnavailableException"/> with the places searched, otherwise); an error status becomes a
/// <see cref="PluginException"/> carrying the library's message, except <see cref="SwbStatus.NoCuda"/>, which is a
/// <see cref="BackendUnavailableException"/> (the build has no CUDA kernel for the op).
/// </summary>
public static unsafe partial class SwinBenchPlugins
{
    private const int MessageSize = 1024;

    /// <summary>The exports of ABI 4 that belong to no op: build facts and the shared geometry check.</summary>
    public static IReadOnlyList<string> LibraryEntryPoints { get; } = ["swb_build_info", "swb_ops", "swb_window_geometry_check"];

    /// <summary>
    /// Every function of ABI 4 these bindings call, for the export check of the probe: <see cref="LibraryEntryPoints"/>
    /// and each op's entry points from its vocabulary row (<see cref="ModelOptions.KernelTokens"/>).
    /// </summary>
    public static IReadOnlyList<string> EntryPoints { get; } =
        [.. LibraryEntryPoints, .. ModelOptions.KernelTokens.SelectMany(r => r.EntryPoints)];

    /// <summary><c>swb_build_info</c>, e.g. "swinbench_plugins abi 4; cuda kernels: none".</summary>
    public static string BuildInfo()
    {
        PluginLibrary.EnsureAvailable("swb_build_info");
        return Marshal.PtrToStringUTF8((IntPtr)Imports.swb_build_info()) ?? "";
    }

    /// <summary><c>swb_ops</c>: the tokens of the ops the library has, in its op-table order.</summary>
    public static IReadOnlyList<string> Ops()
    {
        PluginLibrary.EnsureAvailable("swb_ops");
        return (Marshal.PtrToStringUTF8((IntPtr)Imports.swb_ops()) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Checks a window geometry as every window kernel does first (mask only: batch and channels ignored).</summary>
    public static void CheckWindowGeometry(WindowGeometry g, bool maskOnly)
    {
        const string entry = "swb_window_geometry_check";
        PluginLibrary.EnsureAvailable(entry);
        var msg = stackalloc byte[MessageSize];
        Check(entry, Imports.swb_window_geometry_check(&g, maskOnly ? 1 : 0, msg, MessageSize), msg);
    }

    /// <summary>The (nW, N, N) additive mask of a shifted block (0 within a region, -100 across) into <paramref name="mask"/>.</summary>
    public static void WindowMask(PluginTarget target, WindowGeometry g, SwbDType dtype, IntPtr mask, IntPtr stream = default)
    {
        var entry = Entry(Kernels.WindowMask, target);
        var msg = stackalloc byte[MessageSize];
        Check(entry, target == PluginTarget.Cpu
            ? Imports.swb_window_mask_cpu(&g, dtype, (void*)mask, msg, MessageSize)
            : Imports.swb_window_mask_cuda(&g, dtype, (void*)mask, (void*)stream, msg, MessageSize), msg);
    }

    /// <summary>
    /// LayerNorm (float32 accumulation) + roll + window partition: x (B, H·W, C) → windows (B·nW, N, C).
    /// <paramref name="weight"/>/<paramref name="bias"/> (C) are <paramref name="paramDType"/>.
    /// </summary>
    public static void LnRollPartition(PluginTarget target, WindowGeometry g, float epsilon, SwbDType dtype, SwbDType paramDType,
        IntPtr x, IntPtr weight, IntPtr bias, IntPtr windows, IntPtr stream = default)
    {
        var entry = Entry(Kernels.LnRollPartition, target);
        var msg = stackalloc byte[MessageSize];
        Check(entry, target == PluginTarget.Cpu
            ? Imports.swb_ln_roll_partition_cpu(&g, epsilon, dtype, paramDType, (void*)x, (void*)weight, (void*)bias, (void*)windows, msg, MessageSize)
            : Imports.swb_ln_roll_partition_cuda(&g, epsilon, dtype, paramDType, (void*)x, (void*)weight, (void*)bias, (void*)windows,
                (void*)stream, msg, MessageSize), msg);
    }

    /// <summary>
    /// y (B, H·W, C) = residual + roll(window_reverse(windows), (+shift, +shift)); <paramref name="y"/> may be
    /// <paramref name="residual"/> (in place), never <paramref name="windows"/>.
    /// </summary>
    public static void ReverseRollAdd(PluginTarget target, WindowGeometry g, SwbDType dtype, IntPtr windows, IntPtr residual, IntPtr y,
        IntPtr stream = default)
    {
        var entry = Entry(Kernels.ReverseRollAdd, target);
        var msg = stackalloc byte[MessageSize];
        Check(entry, target == PluginTarget.Cpu
            ? Imports.swb_reverse_roll_add_cpu(&g, dtype, (void*)windows, (void*)residual, (void*)y, msg, MessageSize)
            : Imports.swb_reverse_roll_add_cuda(&g, dtype, (void*)windows, (void*)residual, (void*)y, (void*)stream, msg, MessageSize), msg);
    }

    /// <summary>qkv (B_, N, 3C) → q, k, v each (B_, heads, N, C / heads), q multiplied by <paramref name="scale"/>.</summary>
    public static void QkvSplit(PluginTarget target, QkvGeometry g, float scale, SwbDType dtype, IntPtr qkv, IntPtr q, IntPtr k, IntPtr v,
        IntPtr stream = default)
    {
        var entry = Entry(Kernels.QkvSplit, target);
        var msg = stackalloc byte[MessageSize];
        Check(entry, target == PluginTarget.Cpu
            ? Imports.swb_qkv_split_cpu(&g, scale, dtype, (void*)qkv, (void*)q, (void*)k, (void*)v, msg, MessageSize)
            : Imports.swb_qkv_split_cuda(&g, scale, dtype, (void*)qkv, (void*)q, (void*)k, (void*)v, (void*)stream, msg, MessageSize), msg);
    }

    /// <summary>LayerNorm over the last dim with float32 accumulation; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void LayerNormFp32(PluginTarget target, RowsGeometry g, float epsilon, SwbDType dtype, SwbDType paramDType,
        IntPtr x, IntPtr weight, IntPtr bias, IntPtr y, IntPtr stream = default)
    {
        var entry = Entry(Kernels.LayerNormFp32, target);
        var msg = stackalloc byte[MessageSize];
        Check(entry, target == PluginTarget.Cpu
            ? Imports.swb_layer_norm_fp32_cpu(&g, epsilon, dtype, paramDType, (void*)x, (void*)weight, (void*)bias, (void*)y, msg, MessageSize)
            : Imports.swb_layer_norm_fp32_cuda(&g, epsilon, dtype, paramDType, (void*)x, (void*)weight, (void*)bias, (void*)y,
                (void*)stream, msg, MessageSize), msg);
    }

    /// <summary>
    /// Fused window attention from the packed qkv: out (B_, N, C) [heads][d] =
    /// softmax(scale·q·kᵀ + bias[h] + mask[b_ % numWindows])·v, softmax in float32. <paramref name="bias"/>: float32
    /// (heads, N, N); <paramref name="mask"/>: float32 (numWindows, N, N) or <see cref="IntPtr.Zero"/>.
    /// </summary>
    public static void WindowAttention(PluginTarget target, QkvGeometry g, float scale, SwbDType dtype, IntPtr qkv, IntPtr bias,
        IntPtr mask, long numWindows, IntPtr output, IntPtr stream = default)
    {
        var entry = Entry(Kernels.WindowAttention, target);
        var msg = stackalloc byte[MessageSize];
        Check(entry, target == PluginTarget.Cpu
            ? Imports.swb_window_attention_cpu(&g, scale, dtype, (void*)qkv, (float*)bias, (float*)mask, numWindows, (void*)output, msg, MessageSize)
            : Imports.swb_window_attention_cuda(&g, scale, dtype, (void*)qkv, (float*)bias, (float*)mask, numWindows, (void*)output,
                (void*)stream, msg, MessageSize), msg);
    }

    /// <summary>Checks a Swin block chain description as create does first (the CUDA graph flag needs <paramref name="onCuda"/>).</summary>
    public static void CheckSwinBlockDesc(SwinBlockDesc d, bool onCuda)
    {
        const string entry = "swb_swin_block_desc_check";
        PluginLibrary.EnsureAvailable(entry);
        var msg = stackalloc byte[MessageSize];
        Check(entry, Imports.swb_swin_block_desc_check(&d, onCuda ? 1 : 0, msg, MessageSize), msg);
    }

    /// <summary>
    /// Creates a Swin block chain handle from <paramref name="blocks"/> (one per block, <c>d.Depth</c> of them), which
    /// it copies: host pointers for <see cref="PluginTarget.Cpu"/>; device pointers of the current device for
    /// <see cref="PluginTarget.Cuda"/>, copied on <paramref name="stream"/>, which the call synchronizes.
    /// </summary>
    public static SwinBlockHandle CreateSwinBlock(PluginTarget target, SwinBlockDesc d, ReadOnlySpan<SwinBlockWeights> blocks, IntPtr stream = default)
    {
        var entry = Entry(Kernels.SwinBlock, target);
        if (blocks.Length != d.Depth)
            throw new ArgumentException($"{entry}: {blocks.Length} blocks of weights for depth {d.Depth}");
        var msg = stackalloc byte[MessageSize];
        IntPtr created = IntPtr.Zero;
        fixed (SwinBlockWeights* w = blocks)
            Check(entry, target == PluginTarget.Cpu
                ? Imports.swb_swin_block_create_cpu(&d, w, &created, msg, MessageSize)
                : Imports.swb_swin_block_create_cuda(&d, w, (void*)stream, &created, msg, MessageSize), msg);
        return new SwinBlockHandle(created);
    }

    /// <summary>
    /// Runs the chain: x (B, H·W, C) → y (B, H·W, C), y may be x; host pointers for a CPU handle, device pointers and
    /// work queued on <paramref name="stream"/> for a CUDA handle (whose device must be current).
    /// </summary>
    public static void RunSwinBlock(SwinBlockHandle h, long batch, long height, long width, IntPtr x, IntPtr y, IntPtr stream = default) =>
        OnHandle("swb_swin_block_run", h, (handle, msg) => Imports.swb_swin_block_run(handle, batch, height, width, (void*)x, (void*)y,
            (void*)stream, msg, MessageSize));

    /// <summary>Frees the handle's per-shape buffers, masks and graphs (the weights stay).</summary>
    public static void TrimSwinBlock(SwinBlockHandle h) =>
        OnHandle("swb_swin_block_trim", h, (handle, msg) => Imports.swb_swin_block_trim(handle, msg, MessageSize));

    /// <summary>What the handle holds now.</summary>
    public static SwinBlockStats SwinBlockStatsOf(SwinBlockHandle h)
    {
        SwinBlockStats stats = default;
        OnHandle("swb_swin_block_stats_get", h, (handle, msg) =>
        {
            SwinBlockStats s;
            var status = Imports.swb_swin_block_stats_get(handle, &s, msg, MessageSize);
            stats = s;
            return status;
        });
        return stats;
    }

    private delegate int HandleCall(void* handle, byte* msg);

    /// <summary>Calls <paramref name="entry"/> on the live handle (kept alive for the call) and checks its status.</summary>
    private static void OnHandle(string entry, SwinBlockHandle h, HandleCall call)
    {
        PluginLibrary.EnsureAvailable(entry);
        var msg = stackalloc byte[MessageSize];
        var added = false;
        try
        {
            h.DangerousAddRef(ref added);
            Check(entry, call((void*)h.DangerousGetHandle(), msg), msg);
        }
        finally
        {
            if (added) h.DangerousRelease();
        }
    }

    /// <summary><c>swb_swin_block_destroy</c> of a raw handle (what <see cref="SwinBlockHandle"/> calls when released).</summary>
    internal static void DestroySwinBlock(IntPtr h) => Imports.swb_swin_block_destroy((void*)h);

    /// <summary>The entry point of an op flag on <paramref name="target"/>, from its vocabulary row; checks it is exported.</summary>
    private static string Entry(Kernels op, PluginTarget target)
    {
        var row = ModelOptions.Row(op);
        var entry = (target == PluginTarget.Cpu ? row.CpuEntry : row.CudaEntry)
            ?? throw new ArgumentException($"kernel '{row.Token}' is a layout or mode: it has no entry point");
        PluginLibrary.EnsureAvailable(entry);
        return entry;
    }

    private static void Check(string entry, int status, byte* msg)
    {
        if (status == (int)SwbStatus.Ok) return;
        var text = Marshal.PtrToStringUTF8((IntPtr)msg) is { Length: > 0 } m ? m : "(no message)";
        if (status == (int)SwbStatus.NoCuda)
            throw new BackendUnavailableException($"{entry}: {text}");
        throw new PluginException(entry, (SwbStatus)status, text);
    }

    /// <summary>The raw imports; their type initializer installs the library resolver before the first call binds.</summary>
    private static partial class Imports
    {
        static Imports() => PluginLibrary.InstallResolver();

        [LibraryImport(PluginLibrary.Name)]
        internal static partial byte* swb_build_info();

        [LibraryImport(PluginLibrary.Name)]
        internal static partial byte* swb_ops();

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_window_geometry_check(WindowGeometry* g, int maskOnly, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_window_mask_cpu(WindowGeometry* g, SwbDType outDType, void* mask, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_window_mask_cuda(WindowGeometry* g, SwbDType outDType, void* mask, void* stream, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_reverse_roll_add_cpu(WindowGeometry* g, SwbDType dtype, void* windows, void* residual, void* y,
            byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_reverse_roll_add_cuda(WindowGeometry* g, SwbDType dtype, void* windows, void* residual, void* y,
            void* stream, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_qkv_split_cpu(QkvGeometry* g, float scale, SwbDType dtype, void* qkv, void* q, void* k, void* v,
            byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_qkv_split_cuda(QkvGeometry* g, float scale, SwbDType dtype, void* qkv, void* q, void* k, void* v,
            void* stream, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_layer_norm_fp32_cpu(RowsGeometry* g, float epsilon, SwbDType dtype, SwbDType paramDType,
            void* x, void* weight, void* bias, void* y, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_layer_norm_fp32_cuda(RowsGeometry* g, float epsilon, SwbDType dtype, SwbDType paramDType,
            void* x, void* weight, void* bias, void* y, void* stream, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_ln_roll_partition_cpu(WindowGeometry* g, float epsilon, SwbDType dtype, SwbDType paramDType,
            void* x, void* weight, void* bias, void* windows, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_ln_roll_partition_cuda(WindowGeometry* g, float epsilon, SwbDType dtype, SwbDType paramDType,
            void* x, void* weight, void* bias, void* windows, void* stream, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_window_attention_cpu(QkvGeometry* g, float scale, SwbDType dtype, void* qkv, float* bias,
            float* mask, long numWindows, void* output, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_window_attention_cuda(QkvGeometry* g, float scale, SwbDType dtype, void* qkv, float* bias,
            float* mask, long numWindows, void* output, void* stream, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_swin_block_desc_check(SwinBlockDesc* d, int onCuda, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_swin_block_create_cpu(SwinBlockDesc* d, SwinBlockWeights* blocks, IntPtr* handle, byte* msg,
            nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_swin_block_create_cuda(SwinBlockDesc* d, SwinBlockWeights* blocks, void* stream, IntPtr* handle,
            byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_swin_block_run(void* handle, long batch, long height, long width, void* x, void* y, void* stream,
            byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_swin_block_trim(void* handle, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial int swb_swin_block_stats_get(void* handle, SwinBlockStats* stats, byte* msg, nuint msgSize);

        [LibraryImport(PluginLibrary.Name)]
        internal static partial void swb_swin_block_destroy(void* handle);
    }
}
