using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>FP16 exports: float16 weights and activations behind float32 input/output, close to the FP32 export.</summary>
public class OnnxPrecisionTests
{
    public static TheoryData<string, bool> ModelsAndNormModes()
    {
        var data = new TheoryData<string, bool>();
        foreach (var m in Golden.Models)
            foreach (var keepNorms in new[] { false, true })
                data.Add(m.Name, keepNorms);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndNormModes))]
    public void Fp16_export_runs_and_stays_close_to_fp32(string model, bool keepNormsFp32)
    {
        var golden = Golden.Model(model);
        byte[] fp32, fp16;
        using (var net = OnnxExports.LoadGolden(model))
        {
            var options = new OnnxExportOptions { Mask = MaskMode.Hoisted };
            fp32 = OnnxExporter.Export(net, options);
            fp16 = OnnxExporter.Export(net, options with { Precision = Precision.Fp16, KeepNormsFp32 = keepNormsFp32 });
        }
        Assert.True(fp16.Length < 0.6 * fp32.Length, $"FP16 file {fp16.Length} B is not about half of FP32 {fp32.Length} B");
        using var ort32 = new OrtCpu(fp32);
        using var ort16 = new OrtCpu(fp16);
        foreach (var c in golden.Cases)
        {
            var input = Npy.Read(c.Input);
            var (y32, _) = ort32.Run(input.Data, input.Shape);
            var (y16, shape) = ort16.Run(input.Data, input.Shape);
            Assert.Equal(c.OutShape, shape);
            var maxDiff = OrtCpu.MaxAbsDiff(y16, y32);
            Assert.True(maxDiff <= 5e-2, $"{model} {c.H}x{c.W} fp16{(keepNormsFp32 ? "+norms32" : "")}: max|d| vs fp32 = {maxDiff:E3} > 5e-2");
        }
    }

    [Fact]
    public void Fp16_graph_casts_at_the_ends_and_keeps_norms_in_fp32_on_request()
    {
        using var net = OnnxExports.LoadGolden("tiny_lightweight_x2");
        var plain = OnnxExporter.BuildModel(net, new OnnxExportOptions { Precision = Precision.Fp16 }).Graph;
        var kept = OnnxExporter.BuildModel(net, new OnnxExportOptions { Precision = Precision.Fp16, KeepNormsFp32 = true }).Graph;
        foreach (var graph in new[] { plain, kept })
        {
            Assert.Equal(OnnxDataType.Float, graph.Inputs.Single().DataType);
            Assert.Equal(OnnxDataType.Float, graph.Outputs.Single().DataType);
            Assert.All(graph.Nodes.Where(n => n.Inputs.Contains("input")), n => Assert.Contains(n.OpType, new[] { "Cast", "Shape" }));
            Assert.Equal("Cast", graph.Nodes.Single(n => n.Outputs.Contains("output")).OpType);
            Assert.All(graph.Initializers.Where(t => t.Name.EndsWith(".weight_t", StringComparison.Ordinal) || t.Name.EndsWith("conv_first.weight", StringComparison.Ordinal)),
                t => Assert.Equal(OnnxDataType.Float16, t.DataType));
        }
        Assert.All(plain.Nodes.Where(n => n.OpType is "LayerNormalization" or "Softmax"), n => Assert.Equal(OnnxDataType.Float16, plain.ValueTypes[n.Inputs[0]]));
        Assert.All(kept.Nodes.Where(n => n.OpType is "LayerNormalization" or "Softmax"), n => Assert.Equal(OnnxDataType.Float, kept.ValueTypes[n.Inputs[0]]));
        Assert.All(kept.Nodes.Where(n => n.OpType == "LayerNormalization"), n => Assert.Equal(OnnxDataType.Float, kept.ValueTypes[n.Inputs[1]]));
    }
}
