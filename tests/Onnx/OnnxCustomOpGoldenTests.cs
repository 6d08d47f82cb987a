using SwinBench.Backends;
using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>
/// Graphs with the <c>swinbench</c> custom ops, run by ONNX Runtime (CPU EP) through <see cref="OrtSession"/> with the
/// op library of plugins-cu, against the official outputs of every golden model at every case size.
/// </summary>
public class OnnxCustomOpGoldenTests
{
    public static TheoryData<string, MaskMode, string> ModelsAndOps()
    {
        var data = new TheoryData<string, MaskMode, string>();
        foreach (var m in Golden.Models)
        {
            data.Add(m.Name, MaskMode.Hoisted, "all");
            data.Add(m.Name, MaskMode.PerBlock, "all");
        }
        foreach (var op in new[] { "WindowMask", "RollPartition", "ReverseRollAdd", "QkvSplit", "LayerNormFp32" })
            data.Add("tiny_classical_x4", MaskMode.Hoisted, op);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndOps))]
    public void Custom_op_graph_matches_the_official_output(string model, MaskMode mask, string ops)
    {
        var library = OrtOpLibrary.Find();
        Assert.True(library is not null, "libswinbench_ort.so not found: run scripts/build-plugins.sh first");
        var golden = Golden.Model(model);
        var options = new OnnxExportOptions { Mask = mask, CustomOps = OnnxExportOptions.ParseCustomOps(ops), ModelName = model };
        byte[] bytes;
        using (var net = OnnxExports.LoadGolden(model))
            bytes = OnnxExporter.Export(net, options);
        Assert.NotEmpty(OnnxGraphScan.CustomOps(bytes));
        using var session = OrtSession.FromBytes(bytes, new OrtSessionOptions { CustomOpLibrary = library });
        foreach (var c in golden.Cases)
        {
            var input = Npy.Read(c.Input);
            var expected = Npy.Read(c.Output);
            session.SetInput(input.Data, input.Shape);
            session.Run();
            var (y, shape) = session.GetOutput();
            Assert.Equal(c.OutShape, shape);
            var maxDiff = OrtCpu.MaxAbsDiff(y, expected.Data);
            Assert.True(maxDiff <= 1e-4, $"{model} {c.H}x{c.W} {mask} ops {ops}: max|d| = {maxDiff:E3} > 1e-4");
        }
    }
}
