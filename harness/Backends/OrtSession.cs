using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SwinBench.Backends;

/// <summary>
/// <see cref="IInferenceSession"/> over an ONNX Runtime session on the CPU or CUDA execution provider. Inputs and outputs
/// are bound once through IOBinding to buffers where the provider works (device memory for CUDA), so <see cref="Run"/>
/// times the graph alone: host copies and float16 conversions happen in <see cref="SetInput(float[], long[])"/> and
/// <see cref="GetOutput()"/>. Graphs may use the <c>swinbench</c> custom ops when
/// <see cref="OrtSessionOptions.CustomOpLibrary"/> names their library. Multi-input graphs bind inputs by name.
/// </summary>
public sealed class OrtSession : IInferenceSession
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly OrtMemoryInfo _memory;          // where bound inputs and outputs live
    private readonly OrtAllocator? _deviceAllocator; // CUDA: allocates the device input buffers
    private readonly Dictionary<string, OrtValue> _inputs = [];
    private bool _ran;

    private OrtSession(string? path, byte[]? bytes, OrtSessionOptions? options)
    {
        Options = options ?? new OrtSessionOptions();
        if (Options.CustomOpLibrary is null) RequireNoCustomOps(bytes ?? File.ReadAllBytes(path!), path);
        using var sessionOptions = CreateSessionOptions(Options);
        try
        {
            _session = bytes is not null ? new InferenceSession(bytes, sessionOptions) : new InferenceSession(path!, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw LoadError(e, path, Options);
        }
        var cuda = Options.Provider == OrtProvider.Cuda;
        try
        {
            CheckIoPrecision();
            _memory = cuda ? new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, Options.DeviceId, OrtMemType.Default)
                           : OrtMemoryInfo.DefaultInstance;
            _deviceAllocator = cuda ? new OrtAllocator(_session, _memory) : null;
            _binding = _session.CreateIoBinding();
            BindOutputs();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        Device = cuda ? "cuda" : "cpu";
        DeviceName = cuda ? CudaInfo.DeviceName(Options.DeviceId) : HostInfo.CpuModel;
    }

    /// <summary>A session over an .onnx file (external data beside it is found relative to it).</summary>
    public static OrtSession FromFile(string path, OrtSessionOptions? options = null) =>
        File.Exists(path) ? new OrtSession(path, null, options) : throw new FileNotFoundException($"ONNX model not found: {path}", path);

    /// <summary>A session over a serialized ModelProto.</summary>
    public static OrtSession FromBytes(byte[] model, OrtSessionOptions? options = null) => new(null, model, options);

    public string Backend => "ort";
    public string Device { get; }
    public string DeviceName { get; }
    public OrtSessionOptions Options { get; }

    public IReadOnlyList<string> InputNames => _session.InputNames;
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>Declared (and, for outputs, inferred) element types and shapes, as ONNX Runtime reports them.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;
    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    /// <summary>Uploads the input of a single-input model.</summary>
    public void SetInput(float[] nchw, long[] shape)
    {
        if (_session.InputNames.Count != 1)
            throw new ArgumentException($"the model has {_session.InputNames.Count} inputs ({string.Join(", ", _session.InputNames)}): use SetInput(name, data, shape)");
        SetInput(_session.InputNames[0], nchw, shape);
    }

    /// <summary>Uploads one named input (float32 on the host; converted to float16 when the model's input is).</summary>
    public unsafe void SetInput(string name, float[] data, long[] shape)
    {
        if (!_session.InputMetadata.TryGetValue(name, out var meta))
            throw new ArgumentException($"the model has no input '{name}' (inputs: {string.Join(", ", _session.InputNames)})");
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length) throw new ArgumentException($"input '{name}': shape [{string.Join(", ", shape)}] holds {count} values, data has {data.Length}");
        var type = meta.ElementDataType;
        if (type != TensorElementType.Float && type != TensorElementType.Float16)
            throw new ArgumentException($"input '{name}' is {type}: OrtSession feeds float and float16 inputs only");
        var fp16 = type == TensorElementType.Float16;

        OrtValue value;
        if (_deviceAllocator is null)
        {
            value = fp16 ? OrtValue.CreateTensorValueFromMemory(ToFloat16(data), shape) : OrtValue.CreateTensorValueFromMemory((float[])data.Clone(), shape);
        }
        else
        {
            value = OrtValue.CreateAllocatedTensorValue(_deviceAllocator, fp16 ? TensorElementType.Float16 : TensorElementType.Float, shape);
            var device = DataPointer(value);
            if (fp16)
            {
                var half = ToHalfBits(data);
                fixed (ushort* p = half) CudaInfo.CopyToDevice(device, p, half.Length * 2L, Options.DeviceId);
            }
            else
            {
                fixed (float* p = data) CudaInfo.CopyToDevice(device, p, data.Length * 4L, Options.DeviceId);
            }
        }
        if (_inputs.Remove(name, out var old)) old.Dispose();
        _inputs[name] = value;
        _binding.BindInput(name, value);
        // outputs bound to a device are allocated by the first run and then reused; a new input may change their
        // shape (dynamic H/W), so they are bound afresh
        BindOutputs();
        _ran = false;
    }

    private void BindOutputs()
    {
        _binding.ClearBoundOutputs();
        foreach (var output in _session.OutputNames) _binding.BindOutputToDevice(output, _memory);
    }

    /// <summary>Runs the graph on the bound inputs into the bound outputs and waits for the device.</summary>
    public void Run()
    {
        var missing = _session.InputNames.Where(n => !_inputs.ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"SetInput must be called before Run (missing: {string.Join(", ", missing)})");
        try
        {
            _session.RunWithBinding(_runOptions, _binding);
            _binding.SynchronizeBoundOutputs();
        }
        catch (OnnxRuntimeException e)
        {
            var text = OneLine(e.Message);
            throw text.Contains("INVALID_ARGUMENT", StringComparison.Ordinal) || text.Contains("Invalid", StringComparison.Ordinal)
                ? new ArgumentException($"ONNX Runtime rejected the run: {text}", e)
                : new InvalidOperationException($"ONNX Runtime run failed: {text}", e);
        }
        _ran = true;
    }

    /// <summary>The output of a single-output model as float32 on the host.</summary>
    public (float[] Data, long[] Shape) GetOutput()
    {
        if (_session.OutputNames.Count != 1)
            throw new InvalidOperationException($"the model has {_session.OutputNames.Count} outputs ({string.Join(", ", _session.OutputNames)}): use GetOutput(name)");
        return GetOutput(_session.OutputNames[0]);
    }

    /// <summary>One named output of the last run as float32 on the host.</summary>
    public unsafe (float[] Data, long[] Shape) GetOutput(string name)
    {
        if (!_ran) throw new InvalidOperationException("Run has not produced an output yet");
        var names = _binding.GetOutputNames();
        var index = Array.IndexOf(names, name);
        if (index < 0) throw new ArgumentException($"the model has no output '{name}' (outputs: {string.Join(", ", names)})");
        using var values = _binding.GetOutputValues();
        var value = values[index];
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        var count = checked((int)info.ElementCount);
        var result = new float[count];
        switch (info.ElementDataType)
        {
            case TensorElementType.Float when _deviceAllocator is null:
                value.GetTensorDataAsSpan<float>().CopyTo(result);
                break;
            case TensorElementType.Float:
                fixed (float* p = result) CudaInfo.CopyToHost(p, DataPointer(value), count * 4L, Options.DeviceId);
                break;
            case TensorElementType.Float16:
                var bits = new ushort[count];
                if (_deviceAllocator is null)
                    MemoryMarshal.Cast<Float16, ushort>(value.GetTensorDataAsSpan<Float16>()).CopyTo(bits);
                else
                    fixed (ushort* p = bits) CudaInfo.CopyToHost(p, DataPointer(value), count * 2L, Options.DeviceId);
                for (var i = 0; i < count; i++) result[i] = (float)BitConverter.UInt16BitsToHalf(bits[i]);
                break;
            default:
                throw new ArgumentException($"output '{name}' is {info.ElementDataType}: OrtSession reads float and float16 outputs only");
        }
        return (result, shape);
    }

    public double? DeviceMemoryMB() => Options.Provider == OrtProvider.Cuda ? CudaInfo.MemoryInUseMB() : HostInfo.PeakWorkingSetMB;

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var v in _inputs.Values) v.Dispose();
        _inputs.Clear();
        _deviceAllocator?.Dispose();
        if (!ReferenceEquals(_memory, OrtMemoryInfo.DefaultInstance)) _memory.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    // ---- construction -----------------------------------------------------------------------------------------------

    private static SessionOptions CreateSessionOptions(OrtSessionOptions o)
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = o.GraphOptimization,
            IntraOpNumThreads = o.IntraOpThreads,
            InterOpNumThreads = o.InterOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            if (o.CustomOpLibrary is { } library)
            {
                if (!File.Exists(library))
                    throw new BackendUnavailableException($"custom-op library not found: {library}: {OrtOpLibrary.BuildHint}");
                try
                {
                    so.RegisterCustomOpLibrary(Path.GetFullPath(library));
                }
                catch (OnnxRuntimeException e)
                {
                    throw new BackendUnavailableException($"ONNX Runtime could not load the custom-op library {library}: {OneLine(e.Message)}");
                }
            }
            if (o.Provider == OrtProvider.Cuda) AppendCuda(so, o);
            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds the CUDA EP with <see cref="OrtSessionOptions.CudaProviderSettings"/> (the process's overrides last); a machine
    /// without it (no provider library, CUDA libraries or GPU) gets a clear error.
    /// </summary>
    internal static void AppendCuda(SessionOptions so, OrtSessionOptions o)
    {
        try
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(o.CudaProviderSettings(OrtSessionOptions.CudaOverrides()));
            so.AppendExecutionProvider_CUDA(cuda);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new BackendUnavailableException($"ONNX Runtime CUDA EP unavailable: {OrtErrors.Clean(e.Message)} {CudaHint}");
        }
    }

    /// <summary>A graph with custom-domain ops and no op library: say which ops and how to get the library.</summary>
    private static void RequireNoCustomOps(byte[] model, string? path)
    {
        IReadOnlyList<(string Domain, string OpType)> ops;
        try
        {
            ops = OnnxGraphScan.CustomOps(model);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"cannot load {path ?? "the ONNX model"}: {e.Message}");
        }
        if (ops.Count == 0) return;
        throw new BackendUnavailableException(
            $"{path ?? "the model"} uses custom op{(ops.Count > 1 ? "s" : "")} {string.Join(", ", ops.Select(o => $"{o.Domain}::{o.OpType}"))} " +
            $"but no custom-op library was registered for domain '{ops[0].Domain}': {OrtOpLibrary.BuildHint}");
    }

    private static Exception LoadError(OnnxRuntimeException e, string? path, OrtSessionOptions o)
    {
        var text = OneLine(e.Message);
        if (o.Provider == OrtProvider.Cuda && (text.Contains("CUDA", StringComparison.OrdinalIgnoreCase) ||
                                               text.Contains("cudnn", StringComparison.OrdinalIgnoreCase) ||
                                               text.Contains("cublas", StringComparison.OrdinalIgnoreCase)))
            return new BackendUnavailableException($"ONNX Runtime CUDA EP unavailable: {text} {CudaHint}");
        return new InvalidDataException($"ONNX Runtime cannot load {path ?? "the model"}: {text}", e);
    }

    private void CheckIoPrecision()
    {
        if (Options.Fp16Io is not { } want) return;
        foreach (var (name, meta) in _session.InputMetadata.Concat(_session.OutputMetadata))
        {
            var isFp16 = meta.ElementDataType == TensorElementType.Float16;
            if (isFp16 != want)
                throw new ArgumentException(
                    $"Fp16Io = {want} but the model's {(_session.InputMetadata.ContainsKey(name) ? "input" : "output")} '{name}' is {meta.ElementDataType}");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static unsafe IntPtr DataPointer(OrtValue value) =>
        (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(value.GetTensorMutableRawData())); // device memory: never dereferenced here

    private static ushort[] ToHalfBits(float[] data)
    {
        var bits = new ushort[data.Length];
        for (var i = 0; i < data.Length; i++) bits[i] = BitConverter.HalfToUInt16Bits((Half)data[i]);
        return bits;
    }

    private static Float16[] ToFloat16(float[] data)
    {
        var bits = ToHalfBits(data);
        var result = new Float16[bits.Length];
        for (var i = 0; i < bits.Length; i++) result[i] = new Float16(bits[i]);
        return result;
    }

    private static string OneLine(string s) => OrtErrors.Clean(s);

    /// <summary>What the CUDA EP of the NuGet package needs, appended to its errors.</summary>
    private const string CudaHint =
        "(the CUDA EP needs an NVIDIA GPU and the CUDA 13 libraries cudart, cublas, curand and cuDNN 9 on LD_LIBRARY_PATH)";
}

/// <summary>ONNX Runtime error text as one readable line.</summary>
internal static partial class OrtErrors
{
    /// <summary>
    /// Drops ONNX Runtime's source-location prefix ("[ErrorCode:Fail] …/provider_bridge_ort.cc:2043 … [ONNXRuntimeError] :
    /// 1 : FAIL : ") and line breaks, keeping the reason.
    /// </summary>
    public static string Clean(string message)
    {
        var text = message.ReplaceLineEndings(" ").Trim();
        var m = Prefix().Match(text);
        return m.Success ? text[(m.Index + m.Length)..].Trim() : text;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\[ONNXRuntimeError\] : \d+ : \w+ : ")]
    private static partial System.Text.RegularExpressions.Regex Prefix();
}
