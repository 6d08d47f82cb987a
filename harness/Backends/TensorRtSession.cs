using System.Runtime.InteropServices;

namespace SwinBench.Backends;

/// <summary>How a TensorRT engine is built: precision, the optimization profile (H, W from the dataset's sizes) and caches.</summary>
public sealed record TensorRtOptions
{
    /// <summary>Allow FP16 kernels (TensorRT's FP16 builder flag); off: the ONNX file's own types.</summary>
    public bool Fp16 { get; init; }
    public int Batch { get; init; } = 1;
    public int MinHeight { get; init; } = 64;
    public int MinWidth { get; init; } = 64;
    public int OptHeight { get; init; } = 256;
    public int OptWidth { get; init; } = 256;
    public int MaxHeight { get; init; } = 1024;
    public int MaxWidth { get; init; } = 1024;
    /// <summary>A timing cache file shared between builds (read when present, written after a build), or null.</summary>
    public string? TimingCache { get; init; }
    /// <summary>Names the engine in its cache file beside the ONNX file; null: derived from precision and profile.</summary>
    public string? Variant { get; init; }
    public int DeviceId { get; init; }
    public bool Rebuild { get; init; }

    public string EffectiveVariant =>
        Variant ?? $"{(Fp16 ? "fp16" : "fp32")}-b{Batch}-h{MinHeight}-{OptHeight}-{MaxHeight}-w{MinWidth}-{OptWidth}-{MaxWidth}";
}

/// <summary>
/// <see cref="IInferenceSession"/> over a TensorRT 10 engine built from an ONNX file (the swinbench custom ops run as
/// TensorRT plugins), through libswinbench_trt.so's C API. The engine is cached beside the ONNX file, keyed by GPU,
/// TensorRT version and variant. Where TensorRT or the library is missing, construction throws
/// <see cref="BackendUnavailableException"/> with <see cref="TensorRtAvailability.UnavailableReason"/>.
/// </summary>
public sealed class TensorRtSession : IInferenceSession
{
    private IntPtr _engine;
    private readonly string _inputName;
    private readonly bool _inputHalf;
    private readonly List<(string Name, bool IsInput, int DType)> _io = [];
    private readonly IntPtr[] _buffers;
    private readonly long[] _capacity; // bytes allocated per buffer
    private bool _ran;

    private TensorRtSession(string onnxPath, TensorRtOptions options)
    {
        Options = options;
        var variant = Marshal.StringToCoTaskMemUTF8(options.EffectiveVariant);
        var cache = options.TimingCache is null ? IntPtr.Zero : Marshal.StringToCoTaskMemUTF8(options.TimingCache);
        try
        {
            _engine = TensorRtNative.Open(onnxPath, new TensorRtNative.BuildOptions
            {
                Fp16 = options.Fp16 ? 1 : 0,
                Batch = options.Batch,
                MinH = options.MinHeight, MinW = options.MinWidth,
                OptH = options.OptHeight, OptW = options.OptWidth,
                MaxH = options.MaxHeight, MaxW = options.MaxWidth,
                TimingCache = cache,
                Variant = variant,
                Device = options.DeviceId,
                Rebuild = options.Rebuild ? 1 : 0,
            }, out var built);
            Built = built;
        }
        finally
        {
            Marshal.FreeCoTaskMem(variant);
            if (cache != IntPtr.Zero) Marshal.FreeCoTaskMem(cache);
        }
        for (var i = 0; i < TensorRtNative.IoCount(_engine); i++) _io.Add(TensorRtNative.Io(_engine, i));
        var inputs = _io.Where(t => t.IsInput).ToList();
        if (inputs.Count != 1 || _io.Count(t => !t.IsInput) != 1)
        {
            Dispose();
            throw new ArgumentException($"{onnxPath}: TensorRtSession runs models with one input and one output, got {inputs.Count} input(s)");
        }
        _inputName = inputs[0].Name;
        _inputHalf = inputs[0].DType == 1;
        _buffers = new IntPtr[_io.Count];
        _capacity = new long[_io.Count];
        LayerCount = TensorRtNative.LayerCount(_engine);
        EnginePath = TensorRtNative.EnginePath(_engine);
        DeviceName = TensorRtNative.GpuName(options.DeviceId);
    }

    /// <summary>Opens (loads from its cache or builds) the engine of an ONNX file.</summary>
    public static TensorRtSession FromFile(string onnxPath, TensorRtOptions? options = null)
    {
        if (TensorRtAvailability.UnavailableReason() is { } why) throw new BackendUnavailableException($"TensorRT unavailable: {why}");
        return File.Exists(onnxPath) ? new TensorRtSession(onnxPath, options ?? new TensorRtOptions())
                                     : throw new FileNotFoundException($"ONNX model not found: {onnxPath}", onnxPath);
    }

    public string Backend => "tensorrt";
    public string Device => "cuda";
    public string DeviceName { get; }
    public TensorRtOptions Options { get; }

    /// <summary>The engine's layer count after TensorRT's fusions.</summary>
    public long LayerCount { get; }

    /// <summary>Where the engine is cached; <see cref="Built"/>: whether this session built it (else it was loaded).</summary>
    public string EnginePath { get; }
    public bool Built { get; }

    public unsafe void SetInput(float[] nchw, long[] shape)
    {
        ObjectDisposedException.ThrowIf(_engine == IntPtr.Zero, this);
        if (shape.Length != 4 || shape.Aggregate(1L, (a, b) => a * b) != nchw.Length)
            throw new ArgumentException($"input must be NCHW holding {nchw.Length} values, got ({string.Join(", ", shape)})");
        TensorRtNative.SetInputShape(_engine, _inputName, shape);
        for (var i = 0; i < _io.Count; i++)
        {
            var dims = TensorRtNative.TensorShape(_engine, _io[i].Name);
            var bytes = dims.Aggregate(1L, (a, b) => a * b) * (_io[i].DType == 1 ? 2 : 4);
            if (bytes > _capacity[i])
            {
                if (_buffers[i] != IntPtr.Zero) TensorRtNative.DeviceFree(_buffers[i]);
                _buffers[i] = TensorRtNative.Alloc(bytes);
                _capacity[i] = bytes;
            }
        }
        var input = _io.FindIndex(t => t.IsInput);
        if (_inputHalf)
        {
            var bits = new ushort[nchw.Length];
            for (var i = 0; i < bits.Length; i++) bits[i] = BitConverter.HalfToUInt16Bits((Half)nchw[i]);
            fixed (ushort* p = bits) TensorRtNative.ToDevice(_buffers[input], p, bits.Length * 2L);
        }
        else
        {
            fixed (float* p = nchw) TensorRtNative.ToDevice(_buffers[input], p, nchw.Length * 4L);
        }
        _ran = false;
    }

    public void Run()
    {
        ObjectDisposedException.ThrowIf(_engine == IntPtr.Zero, this);
        if (_buffers.Any(b => b == IntPtr.Zero)) throw new InvalidOperationException("SetInput must be called before Run");
        TensorRtNative.Run(_engine, _buffers);
        _ran = true;
    }

    public unsafe (float[] Data, long[] Shape) GetOutput()
    {
        if (!_ran) throw new InvalidOperationException("Run must be called before GetOutput");
        var output = _io.FindIndex(t => !t.IsInput);
        var shape = TensorRtNative.TensorShape(_engine, _io[output].Name);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var result = new float[count];
        if (_io[output].DType == 1)
        {
            var bits = new ushort[count];
            fixed (ushort* p = bits) TensorRtNative.ToHost(p, _buffers[output], count * 2);
            for (var i = 0; i < count; i++) result[i] = (float)BitConverter.UInt16BitsToHalf(bits[i]);
        }
        else
        {
            fixed (float* p = result) TensorRtNative.ToHost(p, _buffers[output], count * 4);
        }
        return (result, shape);
    }

    public double? DeviceMemoryMB() => TensorRtNative.MemoryUsedMB(Options.DeviceId);

    public void Dispose()
    {
        if (_engine == IntPtr.Zero) return;
        if (_buffers is not null)
            foreach (var b in _buffers)
                if (b != IntPtr.Zero) TensorRtNative.DeviceFree(b);
        TensorRtNative.Free(_engine);
        _engine = IntPtr.Zero;
    }
}
