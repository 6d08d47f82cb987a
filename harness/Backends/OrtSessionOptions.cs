using Microsoft.ML.OnnxRuntime;

namespace SwinBench.Backends;

/// <summary>The ONNX Runtime execution provider a session runs on.</summary>
public enum OrtProvider
{
    Cpu,
    Cuda,
}

/// <summary>cuDNN's convolution algorithm search of the CUDA EP (its <c>cudnn_conv_algo_search</c> option).</summary>
public enum CudnnConvAlgoSearch
{
    /// <summary>Benchmark every algorithm once per shape (ORT's default; the fastest steady state).</summary>
    Exhaustive,
    /// <summary>cuDNN's heuristics, no benchmarking.</summary>
    Heuristic,
    /// <summary>cuDNN's default algorithm.</summary>
    Default,
}

/// <summary>How an <see cref="OrtSession"/> is built: graph optimization, threads, execution provider, I/O precision, op library.</summary>
public sealed record OrtSessionOptions
{
    public OrtProvider Provider { get; init; } = OrtProvider.Cpu;

    public GraphOptimizationLevel GraphOptimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Threads of one operator (0: ONNX Runtime's default, one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads across operators (0: ONNX Runtime's default; used only by the parallel execution mode).</summary>
    public int InterOpThreads { get; init; }

    /// <summary>CUDA device of the CUDA provider.</summary>
    public int DeviceId { get; init; }

    public CudnnConvAlgoSearch CudnnConvAlgoSearch { get; init; } = CudnnConvAlgoSearch.Exhaustive;

    /// <summary>
    /// Whether the model's inputs and outputs are float16. Null: whatever the model declares. true/false: the model must
    /// declare that, else the session fails with a clear message. Either way the session takes and returns float32 on the
    /// host and converts at upload/download, outside <see cref="OrtSession.Run"/>.
    /// </summary>
    public bool? Fp16Io { get; init; }

    /// <summary>
    /// TF32 matrix math in the CUDA EP. ONNX Runtime enables it by default; SwinBench turns it off so that FP32 means
    /// FP32 on every backend (TorchSharp runs with TF32 off too).
    /// </summary>
    public bool AllowTf32 { get; init; }

    /// <summary>
    /// The CUDA EP's <c>prefer_nhwc</c>: convolutions run NHWC, with ONNX Runtime's layout transformer inserting and
    /// cancelling the transposes (the ONNX Runtime form of <see cref="Model.Kernels.ChannelsLast"/>). Ignored by the CPU EP.
    /// </summary>
    public bool PreferNhwc { get; init; }

    /// <summary>
    /// Further CUDA EP options of this session by ONNX Runtime's names (<c>cudnn_conv_use_max_workspace</c>,
    /// <c>fuse_conv_bias</c>, …), applied after the settings above and before <see cref="CudaOverridesVariable"/>'s
    /// (<see cref="CudaProviderSettings"/>). Ignored by the CPU EP.
    /// </summary>
    public IReadOnlyDictionary<string, string> CudaSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The custom-op library to register (<c>libswinbench_ort.so</c>, see <see cref="OrtOpLibrary"/>), or null.</summary>
    public string? CustomOpLibrary { get; init; }

    /// <summary>The environment variable that sets further CUDA EP options for every session of the process.</summary>
    public const string CudaOverridesVariable = "SWINBENCH_ORT_CUDA_OPTIONS";

    /// <summary>
    /// CUDA EP options from <see cref="CudaOverridesVariable"/> (<c>key=value;key=value</c>, e.g.
    /// <c>fuse_conv_bias=1;cudnn_conv_algo_search=HEURISTIC</c>), applied after every other setting; empty when unset.
    /// Results rows record them in their <c>onnxruntime</c> column (<see cref="DescribeCudaOverrides"/>).
    /// </summary>
    public static IReadOnlyList<(string Key, string Value)> CudaOverrides()
    {
        var text = Environment.GetEnvironmentVariable(CudaOverridesVariable);
        if (string.IsNullOrWhiteSpace(text)) return [];
        var result = new List<(string, string)>();
        foreach (var item in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
                throw new ArgumentException($"{CudaOverridesVariable}: '{item}' is not key=value (e.g. fuse_conv_bias=1;cudnn_conv_algo_search=HEURISTIC)");
            result.Add((item[..eq].Trim(), item[(eq + 1)..].Trim()));
        }
        return result;
    }

    /// <summary>The overrides as the results' onnxruntime column shows them: <c> cuda{fuse_conv_bias=1}</c>, or empty.</summary>
    public static string DescribeCudaOverrides()
    {
        var overrides = CudaOverrides();
        return overrides.Count == 0 ? "" : " " + DescribeCuda(overrides.Select(o => new KeyValuePair<string, string>(o.Key, o.Value)));
    }

    /// <summary>
    /// What <see cref="OrtSession.AppendCuda"/> passes to the CUDA EP, later entries winning: <c>device_id</c>,
    /// <c>cudnn_conv_algo_search</c>, <c>use_tf32</c> and <c>prefer_nhwc</c> from the properties, then
    /// <see cref="CudaSettings"/>, then <paramref name="overrides"/> (the process's <see cref="CudaOverrides"/>).
    /// </summary>
    public Dictionary<string, string> CudaProviderSettings(IEnumerable<(string Key, string Value)> overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["device_id"] = DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = CudnnConvAlgoSearch.ToString().ToUpperInvariant(),
            ["use_tf32"] = AllowTf32 ? "1" : "0",
        };
        if (PreferNhwc) settings["prefer_nhwc"] = "1";
        foreach (var (key, value) in CudaSettings) settings[key] = value;
        foreach (var (key, value) in overrides) settings[key] = value;
        return settings;
    }

    /// <summary>CUDA EP settings as one token: <c>cuda{key=value;key=value}</c>.</summary>
    private static string DescribeCuda(IEnumerable<KeyValuePair<string, string>> settings) =>
        $"cuda{{{string.Join(";", settings.Select(s => $"{s.Key}={s.Value}"))}}}";

    /// <summary>
    /// The provider, graph optimization and, on the CUDA EP, the settings this session gives it (without the device id
    /// and the process's overrides, which the results' onnxruntime column records), e.g.
    /// <c>ort-cuda:0 opt=ORT_ENABLE_ALL cuda{cudnn_conv_algo_search=EXHAUSTIVE;use_tf32=0;fuse_conv_bias=1}</c>.
    /// </summary>
    public override string ToString() =>
        $"ort-{(Provider == OrtProvider.Cuda ? $"cuda:{DeviceId}" : "cpu")} opt={GraphOptimization}" +
        (Provider == OrtProvider.Cuda ? " " + DescribeCuda(CudaProviderSettings([]).Where(s => s.Key != "device_id")) : "") +
        (IntraOpThreads > 0 ? $" intra={IntraOpThreads}" : "") + (InterOpThreads > 0 ? $" inter={InterOpThreads}" : "") +
        (Fp16Io is { } f ? $" fp16io={f}" : "") + (CustomOpLibrary is not null ? " +ops" : "");
}
