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
        return overrides.Count == 0 ? "" : $" cuda{{{string.Join(";", overrides.Select(o => $"{o.Key}={o.Value}"))}}}";
    }

    public override string ToString() =>
        $"ort-{(Provider == OrtProvider.Cuda ? $"cuda:{DeviceId}" : "cpu")} opt={GraphOptimization}" +
        (Provider == OrtProvider.Cuda ? $" cudnn={CudnnConvAlgoSearch}" + (PreferNhwc ? " nhwc" : "") : "") +
        (IntraOpThreads > 0 ? $" intra={IntraOpThreads}" : "") + (InterOpThreads > 0 ? $" inter={InterOpThreads}" : "") +
        (Fp16Io is { } f ? $" fp16io={f}" : "") + (CustomOpLibrary is not null ? " +ops" : "");
}
