namespace SwinBench.Model;

/// <summary>The runtime a variant runs on; <see cref="Variant.BackendToken"/> is its CSV/CLI name.</summary>
public enum Backend
{
    /// <summary>The TorchSharp port (harness/Model) run directly: <c>torchsharp</c>.</summary>
    TorchSharp,
    /// <summary>ONNX Runtime on the graph SwinBench's emitter writes for the variant's options: <c>ort</c>.</summary>
    OnnxRuntime,
    /// <summary>TensorRT on the same graph, the kernels as IPluginV3 plugins: <c>tensorrt</c>.</summary>
    TensorRt,
}

/// <summary>
/// One benchmark variant as data: a name for tables, the model options (mask, precision, LayerNorm, kernels), the
/// backend it runs on, and whether it is the baseline of its question. Everything else (the ONNX export options, the
/// session) is derived from these by the harness. Ordered by <see cref="Order"/> then name, so a question's variants
/// keep the order they were declared in.
/// </summary>
public sealed record Variant(string Name, ModelOptions Options, Backend Backend = Backend.TorchSharp) : IComparable<Variant>
{
    /// <summary>The baseline of its question: the ratio column and the CSV speedup divide by this variant's time.</summary>
    public bool IsBaseline { get; init; }

    /// <summary>Position in its question (declaration order).</summary>
    public int Order { get; init; }

    public Precision Precision => Options.Precision;

    /// <summary>"torchsharp", "ort" or "tensorrt".</summary>
    public string BackendToken => TokenOf(Backend);

    /// <summary>The backend's token: the value of the CSV backend column and of <c>--backend</c>.</summary>
    public static string TokenOf(Backend backend) => backend switch
    {
        Backend.TorchSharp => "torchsharp",
        Backend.OnnxRuntime => "ort",
        Backend.TensorRt => "tensorrt",
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };

    /// <summary>Parses a backend token (torchsharp, ort, tensorrt; case-insensitive).</summary>
    public static Backend ParseBackend(string text) =>
        Enum.GetValues<Backend>().FirstOrDefault(b => TokenOf(b).Equals(text.Trim(), StringComparison.OrdinalIgnoreCase), (Backend)(-1)) is var b && Enum.IsDefined(b)
            ? b
            : throw new ArgumentException($"unknown backend '{text}'; use one of: {string.Join(", ", Enum.GetValues<Backend>().Select(TokenOf))}");

    /// <summary>Backend and options, e.g. <c>ort:hoisted/fp16/ln-fused+window_attention</c>.</summary>
    public string Label => $"{BackendToken}:{Options.Label}";

    public int CompareTo(Variant? other) =>
        other is null ? 1 : Order != other.Order ? Order.CompareTo(other.Order) : string.CompareOrdinal(Name, other.Name);

    /// <summary>The column text in BenchmarkDotNet's table.</summary>
    public override string ToString() => Name;
}
