using System.CommandLine;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Cli;

/// <summary><c>swinbench export-onnx</c>: one SwinIR model as an ONNX file in one variant, with an optional node-count report.</summary>
public static class ExportOnnxCommand
{
    public static Command Create()
    {
        var model = new ModelSelection();
        var variant = new VariantSelection();
        var layerNorm = new Option<string>("--layernorm") { Description = "fused (LayerNormalization) or decomposed", DefaultValueFactory = _ => "fused" };
        var keepNorms = new Option<bool>("--keep-norms-fp32") { Description = "with --precision fp16: LayerNorm and Softmax in float32" };
        var kernels = new Option<string>("--kernels")
        {
            Description = "kernels run as swinbench-domain ops: none, or tokens joined by ',' or '+' (window_mask, ln_roll_partition, " +
                          "reverse_roll_add, qkv_split, layer_norm_fp32, window_attention)",
            DefaultValueFactory = _ => "none",
        };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "the .onnx file to write (written atomically)" };
        var report = new Option<bool>("--report") { Description = "print the node counts: total, by op type, shape computation" };
        var cmd = new Command("export-onnx", "write a SwinIR model as ONNX (opset 17, dynamic N/H/W) in one variant");
        model.AddTo(cmd);
        cmd.Options.Add(variant.Mask);
        cmd.Options.Add(variant.Precision);
        cmd.Options.Add(layerNorm);
        cmd.Options.Add(keepNorms);
        cmd.Options.Add(kernels);
        cmd.Options.Add(output);
        cmd.Options.Add(report);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var outPath = r.GetValue(output)?.FullName;
            var printReport = r.GetValue(report);
            if (outPath is null && !printReport) throw new ArgumentException("give --out FILE, --report, or both");
            var (config, name, wrapKey) = model.ResolveConfig(r);
            var options = new OnnxExportOptions
            {
                Mask = Choice(r.GetValue(variant.Mask)!, "--mask", ("perblock", MaskMode.PerBlock), ("hoisted", MaskMode.Hoisted)),
                LayerNorm = Choice(r.GetValue(layerNorm)!, "--layernorm", ("fused", OnnxLayerNorm.Fused), ("decomposed", OnnxLayerNorm.Decomposed)),
                Precision = Choice(r.GetValue(variant.Precision)!, "--precision", ("fp32", Precision.Fp32), ("fp16", Precision.Fp16)),
                KeepNormsFp32 = r.GetValue(keepNorms),
                Kernels = ModelOptions.ParseKernels(r.GetValue(kernels)!),
                ModelName = name,
            };
            options.CheckExportable();
            if (options.KeepNormsFp32 && options.Precision != Precision.Fp16)
                throw new ArgumentException("--keep-norms-fp32 applies to --precision fp16 only");
            if (outPath is not null && !Directory.Exists(Path.GetDirectoryName(outPath)))
                throw new DirectoryNotFoundException($"{outPath}: output folder does not exist");

            var (net, weights) = ModelFactory.Create(config, ModelOptions.Original, r.GetValue(model.Weights)?.FullName, wrapKey, r.GetValue(model.Seed));
            using (net)
            {
                Console.WriteLine($"model   {name}: {config}");
                Console.WriteLine($"weights {weights.Description}");
                Console.WriteLine($"variant {options.Label}");
                var onnx = OnnxExporter.BuildModel(net, options);
                var graphReport = OnnxGraphReport.Of(onnx);
                if (outPath is not null)
                {
                    var bytes = OnnxExporter.Save(onnx, outPath);
                    Console.WriteLine($"wrote {outPath} ({bytes / 1048576.0:F1} MiB, {graphReport.Nodes} nodes, opset {OnnxExporter.Opset}" +
                        $"{(graphReport.CustomNodes > 0 ? $" + swinbench {OnnxExporter.CustomOpset}" : "")})");
                }
                else Console.WriteLine($"{graphReport.Nodes} nodes");
                if (printReport) Console.Write(graphReport.ToText());
            }
            return 0;
        }));
        return cmd;
    }

    private static T Choice<T>(string value, string option, params (string Name, T Value)[] choices)
    {
        foreach (var (n, v) in choices)
            if (string.Equals(n, value, StringComparison.OrdinalIgnoreCase)) return v;
        throw new ArgumentException($"{option} '{value}' is not one of: {string.Join(", ", choices.Select(c => c.Name))}");
    }
}
