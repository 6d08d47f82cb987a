using System.Reflection;
using SwinBench.IO;
using SwinBench.Model;

namespace SwinBench.Onnx;

/// <summary>
/// Writes an ONNX model (opset 17, IR version 8) straight from a <see cref="SwinIR"/>: its config, the export options and
/// the weights in <c>named_parameters()</c> (as initializers). Input <c>input</c> float32 (N, C, H, W) in [0, 1] with
/// dynamic N, H, W; output <c>output</c> float32 (N, C, H·scale, W·scale). One exported model serves every input size
/// the model accepts (each side at least window/2 + 1, like <see cref="SwinIR.MinInputSide"/>).
/// </summary>
public static class OnnxExporter
{
    public const long Opset = 17;
    public const long IrVersion = 8;
    public const long CustomOpset = 1;

    /// <summary>The SwinBench version recorded in the metadata (the harness assembly's informational version).</summary>
    public static string SwinBenchVersion { get; } =
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The model as an in-memory ONNX graph (what <see cref="Export"/> serializes; the report reads it).</summary>
    public static OnnxModel BuildModel(SwinIR model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.CheckExportable();
        var config = model.Config;
        var builder = new OnnxGraphBuilder(options.Precision == Precision.Fp16 ? OnnxDataType.Float16 : OnnxDataType.Float);
        var weights = new ModelWeights(model);
        new SwinIROnnxGraph(builder, config, options, weights, model.Blocks.Select(b => b.ShiftSize).ToList()).Forward();
        var unused = weights.Unused.ToList();
        if (unused.Count > 0)
            throw new InvalidOperationException($"the ONNX graph does not use {unused.Count} parameter(s): {string.Join(", ", unused.Take(5))}");

        var graph = builder.Build(string.IsNullOrEmpty(options.ModelName) ? "swinir" : options.ModelName);
        var opsets = new List<OnnxOpset> { new("", Opset) };
        if (graph.Nodes.Any(n => n.Domain == OnnxGraphBuilder.CustomDomain))
            opsets.Add(new OnnxOpset(OnnxGraphBuilder.CustomDomain, CustomOpset));
        return new OnnxModel
        {
            IrVersion = IrVersion,
            Opsets = opsets,
            ProducerName = "swinbench",
            ProducerVersion = SwinBenchVersion,
            DocString = $"SwinIR ({config}) exported by SwinBench: {options.Label}",
            Metadata = Metadata(config, options),
            Graph = graph,
        };
    }

    /// <summary>The serialized ONNX model.</summary>
    public static byte[] Export(SwinIR model, OnnxExportOptions options) => OnnxProto.Serialize(BuildModel(model, options));

    /// <summary>Writes the serialized model to <paramref name="path"/> atomically (a temporary file renamed over it).</summary>
    public static void ExportToFile(SwinIR model, OnnxExportOptions options, string path) => Save(BuildModel(model, options), path);

    /// <summary>Serializes <paramref name="model"/> to <paramref name="path"/> atomically; returns the file size in bytes.</summary>
    public static long Save(OnnxModel model, string path)
    {
        var bytes = OnnxProto.Serialize(model);
        AtomicFile.Write(path, s => s.Write(bytes));
        return bytes.Length;
    }

    private static List<KeyValuePair<string, string>> Metadata(SwinIRConfig config, OnnxExportOptions options) =>
    [
        new("model", options.ModelName),
        new("config", config.ToJson()),
        new("scale", config.OutputScale.ToString()),
        new("window_size", config.WindowSize.ToString()),
        new("mask", options.Mask.ToString().ToLowerInvariant()),
        new("layernorm", options.LayerNorm.ToString().ToLowerInvariant()),
        new("precision", options.Precision.ToString().ToLowerInvariant()),
        new("keep_norms_fp32", (options.KeepNormsFp32 && options.Precision == Precision.Fp16).ToString().ToLowerInvariant()),
        new("kernels", options.KernelsText),
        new("swinbench_version", SwinBenchVersion),
    ];
}
