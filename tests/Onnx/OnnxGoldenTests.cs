using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>Every golden model, exported in each standard variant, against the official outputs in ONNX Runtime (CPU).</summary>
public class OnnxGoldenTests
{
    public static TheoryData<string, MaskMode, OnnxLayerNorm> ModelsAndVariants()
    {
        var data = new TheoryData<string, MaskMode, OnnxLayerNorm>();
        foreach (var m in Golden.Models)
            foreach (var (mask, ln) in OnnxExports.Variants)
                data.Add(m.Name, mask, ln);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndVariants))]
    public void One_export_matches_the_official_output_at_every_case_size(string model, MaskMode mask, OnnxLayerNorm layerNorm)
    {
        var golden = Golden.Model(model);
        byte[] bytes;
        using (var net = OnnxExports.LoadGolden(model))
            bytes = OnnxExporter.Export(net, new OnnxExportOptions { Mask = mask, LayerNorm = layerNorm, ModelName = model });
        using var ort = new OrtCpu(bytes);
        foreach (var c in golden.Cases)
        {
            var input = Npy.Read(c.Input);
            var expected = Npy.Read(c.Output);
            var (y, shape) = ort.Run(input.Data, input.Shape);
            Assert.Equal(c.OutShape, shape);
            var maxDiff = OrtCpu.MaxAbsDiff(y, expected.Data);
            Assert.True(maxDiff <= 1e-4, $"{model} {c.H}x{c.W} {mask}/{layerNorm}: max|d| = {maxDiff:E3} > 1e-4");
        }
    }
}
