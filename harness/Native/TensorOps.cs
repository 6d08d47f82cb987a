using System.Runtime.InteropServices;
using SwinBench.Backends;
using SwinBench.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Native;

/// <summary>
/// The plugin ops on TorchSharp tensors. Each wrapper checks dtypes (float32 or float16), contiguity, shapes and that
/// every tensor is on one device, allocates its outputs with torch (same device and dtype, in the caller's dispose
/// scope), and passes raw data pointers to the C ABI: the reference <c>_cpu</c> entry point for CPU tensors, the
/// <c>_cuda</c> kernel for CUDA tensors, queued on the legacy default stream (stream 0), which is PyTorch's default
/// stream, so the kernel is ordered after the torch kernels that produced its inputs and before those that read its
/// outputs. A CUDA call runs with the tensors' device current (switched back afterwards).
/// Missing library: <see cref="BackendUnavailableException"/>; bad arguments: <see cref="ArgumentException"/>;
/// a failing kernel: <see cref="PluginException"/> with the library's message.
/// </summary>
public static class TensorOps
{
    /// <summary>The (nW, N, N) additive mask of a shifted block (0 within a region, -100 across) of an H×W map, made on <paramref name="device"/>.</summary>
    public static Tensor WindowMask(long height, long width, long windowSize, long shift, ScalarType dtype, Device device)
    {
        var op = ModelOptions.Token(Kernels.WindowMask);
        var dt = DType(dtype, op, "mask");
        var g = new WindowGeometry(1, height, width, 1, windowSize, shift);
        SwinBenchPlugins.CheckWindowGeometry(g, maskOnly: true);
        var mask = empty([g.WindowsPerImage, g.Tokens, g.Tokens], dtype, device);
        using (new CurrentDevice(device))
            SwinBenchPlugins.WindowMask(Target(device, op), g, dt, DataPointer(mask), DefaultStream);
        return mask;
    }

    /// <summary>
    /// LayerNorm (float32 accumulation) + roll + window partition: x (B, H·W, C) → windows (B·nW, N, S) =
    /// window_partition(roll(layer_norm(x), (-shift, -shift))), S = <paramref name="windowStride"/> (0: C), the
    /// columns past C zero. Weight and bias: (C), float32 or float16.
    /// </summary>
    public static Tensor LnRollPartition(Tensor x, Tensor weight, Tensor bias, double epsilon, long height, long width, long windowSize, long shift,
        long windowStride = 0)
    {
        var op = ModelOptions.Token(Kernels.LnRollPartition);
        var (g, dt) = TokenMap(op, x, height, width, windowSize, shift, windowStride);
        var pdt = Params(op, x, weight, bias);
        var windows = empty([g.Batch * g.WindowsPerImage, g.Tokens, Stride(g.WindowStride, g.Channels)], x.dtype, x.device);
        using (new CurrentDevice(x.device))
            SwinBenchPlugins.LnRollPartition(Target(x.device, op), g, (float)epsilon, dt, pdt, DataPointer(x), DataPointer(weight),
                DataPointer(bias), DataPointer(windows), DefaultStream);
        return windows;
    }

    /// <summary>
    /// residual (B, H·W, C) + roll(window_reverse(windows), (+shift, +shift)) → a new (B, H·W, C) tensor;
    /// windows (B·nW, N, S), S = <paramref name="windowStride"/> (0: C), the columns past C ignored.
    /// </summary>
    public static Tensor ReverseRollAdd(Tensor windows, Tensor residual, long height, long width, long windowSize, long shift,
        long windowStride = 0)
    {
        var op = ModelOptions.Token(Kernels.ReverseRollAdd);
        var (g, dt) = TokenMap(op, residual, height, width, windowSize, shift, windowStride);
        Check(op, "windows", windows, dt, residual.device);
        ExpectShape(op, "windows", windows, [g.Batch * g.WindowsPerImage, g.Tokens, Stride(g.WindowStride, g.Channels)]);
        var y = empty(residual.shape, residual.dtype, residual.device);
        using (new CurrentDevice(residual.device))
            SwinBenchPlugins.ReverseRollAdd(Target(residual.device, op), g, dt, DataPointer(windows), DataPointer(residual), DataPointer(y),
                DefaultStream);
        return y;
    }

    /// <summary>
    /// residual (B, L, C) + rows[..., :C] with rows (B, L, S), S ≥ C (a padded row tensor, e.g. an aligned GEMM's
    /// output): swb_reverse_roll_add with 1×1 windows and no shift, which is exactly a residual add.
    /// </summary>
    public static Tensor AddPaddedRows(Tensor residual, Tensor rows)
    {
        if (residual.dim() != 3 || rows.dim() != 3 || rows.shape[0] != residual.shape[0] || rows.shape[1] != residual.shape[1])
            throw new ArgumentException($"add_padded_rows: residual [{string.Join(", ", residual.shape)}] and rows [{string.Join(", ", rows.shape)}] must be (B, L, C) and (B, L, S)");
        return ReverseRollAdd(rows.view(-1, 1, rows.shape[2]), residual, residual.shape[1], 1, 1, 0, rows.shape[2]);
    }

    /// <summary>qkv (B_, N, 3C) → q, k, v each (B_, heads, N, C / heads), q multiplied by <paramref name="scale"/>.</summary>
    public static (Tensor Q, Tensor K, Tensor V) QkvSplit(Tensor qkv, long heads, double scale)
    {
        var op = ModelOptions.Token(Kernels.QkvSplit);
        var (g, dt) = Packed(op, qkv, heads);
        long[] shape = [g.BatchWindows, heads, g.Tokens, g.Channels / heads];
        var q = empty(shape, qkv.dtype, qkv.device);
        var k = empty(shape, qkv.dtype, qkv.device);
        var v = empty(shape, qkv.dtype, qkv.device);
        using (new CurrentDevice(qkv.device))
            SwinBenchPlugins.QkvSplit(Target(qkv.device, op), g, (float)scale, dt, DataPointer(qkv), DataPointer(q), DataPointer(k),
                DataPointer(v), DefaultStream);
        return (q, k, v);
    }

    /// <summary>
    /// LayerNorm over the last dimension with float32 accumulation; x of any shape (…, C), weight and bias (C); the
    /// output is (…, S), S = <paramref name="outStride"/> (0: C), the columns past C zero.
    /// </summary>
    public static Tensor LayerNormFp32(Tensor x, Tensor weight, Tensor bias, double epsilon, long outStride = 0)
    {
        var op = ModelOptions.Token(Kernels.LayerNormFp32);
        var dt = DType(x.dtype, op, "x");
        Check(op, "x", x, dt, x.device);
        if (x.dim() < 1) throw new ArgumentException($"{op}: x must have at least one dimension");
        var pdt = Params(op, x, weight, bias);
        var cols = x.shape[^1];
        if (outStride != 0 && outStride < cols) throw new ArgumentException($"{op}: out stride {outStride} is narrower than the {cols} columns");
        var g = new RowsGeometry(cols == 0 ? 0 : x.numel() / cols, cols, outStride);
        var shape = x.shape.ToArray();
        shape[^1] = Stride(outStride, cols);
        var y = empty(shape, x.dtype, x.device);
        if (g.Rows == 0) return y;
        using (new CurrentDevice(x.device))
            SwinBenchPlugins.LayerNormFp32(Target(x.device, op), g, (float)epsilon, dt, pdt, DataPointer(x), DataPointer(weight),
                DataPointer(bias), DataPointer(y), DefaultStream);
        return y;
    }

    /// <summary>
    /// Fused window attention from the packed qkv (B_, N, 3C): out (B_, N, C) = softmax(scale·q·kᵀ + bias[h] +
    /// mask[b_ % nW])·v per window and head, heads merged as [heads][d] (what the official
    /// <c>(attn @ v).transpose(1, 2).reshape(B_, N, C)</c> gives). Bias: float32 (heads, N, N); mask: float32
    /// (nW, N, N) with B_ a multiple of nW, or null.
    /// Padded layouts: with <paramref name="channels"/> C given, qkv is (B_, N, 3P) with q, k and v P ≥ C apart; the
    /// output is (B_, N, S), S = <paramref name="outStride"/> (0: C), the columns past C zero.
    /// </summary>
    public static Tensor WindowAttention(Tensor qkv, long heads, double scale, Tensor bias, Tensor? mask, long channels = 0, long outStride = 0)
    {
        var op = ModelOptions.Token(Kernels.WindowAttention);
        var (g, dt) = Packed(op, qkv, heads, channels);
        g = g with { OutStride = outStride };
        Check(op, "bias", bias, SwbDType.F32, qkv.device);
        ExpectShape(op, "bias", bias, [heads, g.Tokens, g.Tokens]);
        long numWindows = 1;
        if (mask is not null)
        {
            Check(op, "mask", mask, SwbDType.F32, qkv.device);
            numWindows = mask.dim() == 3 ? mask.shape[0] : 0;
            ExpectShape(op, "mask", mask, [numWindows, g.Tokens, g.Tokens]);
            if (numWindows < 1 || g.BatchWindows % numWindows != 0)
                throw new ArgumentException($"{op}: B_ = {g.BatchWindows} windows is not a multiple of the mask's {numWindows}");
        }
        if (outStride != 0 && outStride < g.Channels) throw new ArgumentException($"{op}: out stride {outStride} is narrower than C = {g.Channels}");
        var output = empty([g.BatchWindows, g.Tokens, Stride(outStride, g.Channels)], qkv.dtype, qkv.device);
        using (new CurrentDevice(qkv.device))
            SwinBenchPlugins.WindowAttention(Target(qkv.device, op), g, (float)scale, dt, DataPointer(qkv), DataPointer(bias),
                mask is null ? IntPtr.Zero : DataPointer(mask), numWindows, DataPointer(output), DefaultStream);
        return output;
    }

    /// <summary>
    /// The address of a tensor's first element (host or device memory; storage offset included), read through
    /// LibTorchSharp's <c>THSTensor_data</c>.
    /// </summary>
    public static IntPtr DataPointer(Tensor t)
    {
        var p = TorchSharpNative.THSTensor_data(t.Handle);
        GC.KeepAlive(t);
        if (p == IntPtr.Zero && t.numel() > 0)
            throw new InvalidOperationException($"THSTensor_data returned null for a {t.dtype} tensor of {t.numel()} elements");
        return p;
    }

    /// <summary>Stream 0: the legacy default stream, which PyTorch's default CUDA stream is.</summary>
    internal static readonly IntPtr DefaultStream = IntPtr.Zero;

    /// <summary>A row stride of the C ABI resolved: 0 means dense rows of <paramref name="width"/>.</summary>
    private static long Stride(long stride, long width) => stride == 0 ? width : stride;

    internal static PluginTarget Target(Device device, string op) => device.type switch
    {
        DeviceType.CPU => PluginTarget.Cpu,
        DeviceType.CUDA => PluginTarget.Cuda,
        _ => throw new ArgumentException($"{op}: the plugins run on CPU or CUDA tensors, not {device}"),
    };

    internal static SwbDType DType(ScalarType type, string op, string name) => type switch
    {
        ScalarType.Float32 => SwbDType.F32,
        ScalarType.Float16 => SwbDType.F16,
        _ => throw new ArgumentException($"{op}: {name} is {type}; the plugins take Float32 or Float16"),
    };

    internal static void Check(string op, string name, Tensor t, SwbDType dtype, Device device)
    {
        if (DType(t.dtype, op, name) != dtype)
            throw new ArgumentException($"{op}: {name} is {t.dtype}, expected {(dtype == SwbDType.F32 ? ScalarType.Float32 : ScalarType.Float16)}");
        if (t.device.type != device.type || t.device.index != device.index)
            throw new ArgumentException($"{op}: {name} is on {t.device}, the other tensors on {device}");
        if (!t.is_contiguous())
            throw new ArgumentException($"{op}: {name} must be contiguous (call .contiguous() first)");
    }

    internal static void ExpectShape(string op, string name, Tensor t, long[] expected)
    {
        if (!t.shape.SequenceEqual(expected))
            throw new ArgumentException($"{op}: {name} has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", expected)}]");
    }

    /// <summary>Checks a (B, H·W, C) token map and returns its window geometry (geometry errors in the library's words).</summary>
    private static (WindowGeometry, SwbDType) TokenMap(string op, Tensor x, long height, long width, long windowSize, long shift, long windowStride = 0)
    {
        var dt = DType(x.dtype, op, "x");
        Check(op, "x", x, dt, x.device);
        if (x.dim() != 3 || x.shape[1] != height * width)
            throw new ArgumentException($"{op}: x has shape [{string.Join(", ", x.shape)}], expected (B, H·W = {height}·{width}, C)");
        var g = new WindowGeometry(x.shape[0], height, width, x.shape[2], windowSize, shift, windowStride);
        SwinBenchPlugins.CheckWindowGeometry(g, maskOnly: false);
        return (g, dt);
    }

    /// <summary>
    /// Checks a packed (B_, N, 3P) qkv tensor and returns its geometry: C = <paramref name="channels"/> with parts P
    /// apart, or (channels 0) dense, C = P.
    /// </summary>
    private static (QkvGeometry, SwbDType) Packed(string op, Tensor qkv, long heads, long channels = 0)
    {
        var dt = DType(qkv.dtype, op, "qkv");
        Check(op, "qkv", qkv, dt, qkv.device);
        if (qkv.dim() != 3 || qkv.shape[2] % 3 != 0)
            throw new ArgumentException($"{op}: qkv has shape [{string.Join(", ", qkv.shape)}], expected (B_, N, 3C)");
        var part = qkv.shape[2] / 3;
        var c = channels == 0 ? part : channels;
        if (c < 1 || c > part) throw new ArgumentException($"{op}: C = {c} does not fit qkv parts of {part} columns");
        if (heads < 1 || c % heads != 0) throw new ArgumentException($"{op}: C = {c} is not a multiple of heads = {heads}");
        return (new QkvGeometry(qkv.shape[0], qkv.shape[1], c, heads, channels == 0 ? 0 : part), dt);
    }

    /// <summary>Checks LayerNorm weight and bias: (C) each, one dtype, the device of x; returns their dtype.</summary>
    private static SwbDType Params(string op, Tensor x, Tensor weight, Tensor bias)
    {
        var pdt = DType(weight.dtype, op, "weight");
        Check(op, "weight", weight, pdt, x.device);
        Check(op, "bias", bias, pdt, x.device);
        long[] c = [x.shape[^1]];
        ExpectShape(op, "weight", weight, c);
        ExpectShape(op, "bias", bias, c);
        return pdt;
    }

    /// <summary>Makes a CUDA tensor's device the current one for the call (a no-op on CPU and when it already is).</summary>
    internal readonly struct CurrentDevice : IDisposable
    {
        private readonly int _previous;

        public CurrentDevice(Device device)
        {
            _previous = -1;
            if (device.type != DeviceType.CUDA || device.index < 0) return;
            var current = CudaInfo.CurrentDevice();
            if (current is null || current == device.index) return;
            if (!CudaInfo.SetDevice(device.index))
                throw new BackendUnavailableException($"cannot make {device} the current CUDA device for a plugin call");
            _previous = current.Value;
        }

        public void Dispose()
        {
            if (_previous >= 0) CudaInfo.SetDevice(_previous);
        }
    }
}

/// <summary>LibTorchSharp, TorchSharp's native layer: the one export SwinBench calls itself.</summary>
internal static partial class TorchSharpNative
{
    internal const string LibraryName = "LibTorchSharp";

    static TorchSharpNative() => PluginLibrary.InstallResolver();

    /// <summary><c>void* THSTensor_data(const Tensor tensor)</c>: <c>tensor-&gt;data_ptr()</c>.</summary>
    [LibraryImport(LibraryName)]
    internal static partial IntPtr THSTensor_data(IntPtr tensor);

    /// <summary>The LibTorchSharp TorchSharp already loaded (same handle), else TorchSharp's own probing, else the default.</summary>
    internal static IntPtr Resolve()
    {
        var loaded = PluginLibrary.LoadedPath("libLibTorchSharp.so");
        if (loaded is not null && NativeLibrary.TryLoad(loaded, out var handle)) return handle;
        return NativeLibrary.TryLoad(LibraryName, typeof(torch).Assembly, null, out handle) ? handle : IntPtr.Zero;
    }
}
