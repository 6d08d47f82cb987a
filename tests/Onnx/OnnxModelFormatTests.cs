using Microsoft.ML.OnnxRuntime;
using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>The serialized model as ONNX Runtime sees it: IR/opset, dynamic input/output, metadata, batches, files.</summary>
public class OnnxModelFormatTests
{
    private static byte[] ExportTiny(OnnxExportOptions options)
    {
        using var net = OnnxExports.LoadGolden("tiny_lightweight_x2");
        return OnnxExporter.Export(net, options);
    }

    [Fact]
    public void Header_input_output_and_metadata_are_as_specified()
    {
        var bytes = ExportTiny(new OnnxExportOptions { Mask = MaskMode.Hoisted, ModelName = "tiny_lightweight_x2" });
        Assert.Equal([0x08, 0x08], bytes[..2]); // ModelProto field 1 (ir_version) = 8, written first
        using var session = new InferenceSession(bytes);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("input", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 3, -1, -1], input.Value.Dimensions);
        Assert.Equal(["N", "", "H", "W"], input.Value.SymbolicDimensions);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("output", output.Key);
        Assert.Equal(["N", "", "H*2", "W*2"], output.Value.SymbolicDimensions);

        var meta = session.ModelMetadata;
        Assert.Equal("swinbench", meta.ProducerName);
        Assert.Equal("tiny_lightweight_x2", meta.GraphName);
        var props = meta.CustomMetadataMap;
        Assert.Equal("tiny_lightweight_x2", props["model"]);
        Assert.Equal("hoisted", props["mask"]);
        Assert.Equal("fused", props["layernorm"]);
        Assert.Equal("fp32", props["precision"]);
        Assert.Equal("false", props["keep_norms_fp32"]);
        Assert.Equal("none", props["kernels"]);
        Assert.Equal("2", props["scale"]);
        Assert.Equal(OnnxExporter.SwinBenchVersion, props["swinbench_version"]);
        Assert.Equal(Golden.Model("tiny_lightweight_x2").Config, SwinIRConfig.FromJson(props["config"]));
    }

    [Fact]
    public void Export_is_deterministic_and_every_parameter_is_an_initializer()
    {
        using var net = OnnxExports.LoadGolden("tiny_classical_x2_3conv");
        var options = new OnnxExportOptions { Mask = MaskMode.PerBlock };
        Assert.Equal(OnnxExporter.Export(net, options), OnnxExporter.Export(net, options));
        var graph = OnnxExporter.BuildModel(net, options).Graph;
        var names = graph.Initializers.Select(t => t.Name).ToHashSet();
        foreach (var (key, _) in net.named_parameters())
        {
            var expected = key.EndsWith("relative_position_bias_table", StringComparison.Ordinal)
                ? key.Replace("relative_position_bias_table", "relative_position_bias") // gathered at export time
                : IsLinearWeight(key) ? key + "_t" : key;
            Assert.Contains(expected, names);
        }
        Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Gather" && n.Inputs[0].Contains("relative_position", StringComparison.Ordinal));

        static bool IsLinearWeight(string key) => key.EndsWith(".weight", StringComparison.Ordinal)
            && (key.Contains(".qkv.") || key.Contains(".proj.") || key.Contains(".fc1.") || key.Contains(".fc2."));
    }

    [Fact]
    public void Batches_run_with_the_same_model()
    {
        var bytes = ExportTiny(new OnnxExportOptions { Mask = MaskMode.PerBlock });
        var c = Golden.Model("tiny_lightweight_x2").Cases[0];
        var one = Npy.Read(c.Input);
        var expected = Npy.Read(c.Output);
        var flipped = one.Data.Select(v => 1 - v).ToArray();
        using var ort = new OrtCpu(bytes);
        var (single, _) = ort.Run(flipped, one.Shape);
        var (pair, shape) = ort.Run([.. one.Data, .. flipped], [2, .. one.Shape[1..]]);
        Assert.Equal([2, .. c.OutShape[1..]], shape);
        var half = pair.Length / 2;
        Assert.True(OrtCpu.MaxAbsDiff(pair[..half], expected.Data) <= 1e-4);
        Assert.True(OrtCpu.MaxAbsDiff(pair[half..], single) <= 1e-5);
    }

    [Fact]
    public void Too_small_input_is_an_onnx_runtime_error_not_a_crash()
    {
        var bytes = ExportTiny(new OnnxExportOptions());
        using var ort = new OrtCpu(bytes);
        // window 8: a 3-pixel side would need a reflect pad of 5 (the model needs each side >= 5)
        Assert.ThrowsAny<OnnxRuntimeException>(() => ort.Run(new float[3 * 3 * 16], [1, 3, 3, 16]));
        var (_, shape) = ort.Run(new float[3 * 5 * 16], [1, 3, 5, 16]); // the smallest accepted side
        Assert.Equal([1, 3, 10, 32], shape);
    }

    [Fact]
    public void Export_to_file_writes_the_same_bytes_atomically()
    {
        using var net = OnnxExports.LoadGolden("tiny_color_dn");
        var dir = Directory.CreateTempSubdirectory("swinbench-onnx-");
        try
        {
            var path = Path.Combine(dir.FullName, "dn.onnx");
            File.WriteAllText(path, "old");
            var options = new OnnxExportOptions { Mask = MaskMode.Hoisted, LayerNorm = OnnxLayerNorm.Decomposed };
            OnnxExporter.ExportToFile(net, options, path);
            Assert.Equal(OnnxExporter.Export(net, options), File.ReadAllBytes(path));
            Assert.Equal(["dn.onnx"], dir.GetFiles().Select(f => f.Name));
            Assert.Throws<DirectoryNotFoundException>(() => OnnxExporter.ExportToFile(net, options, Path.Combine(dir.FullName, "missing", "x.onnx")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
