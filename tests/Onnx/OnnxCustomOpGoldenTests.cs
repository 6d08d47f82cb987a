using SwinBench.Backends;
using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>
/// Graphs with kernels as <c>swinbench</c> ops, run by ONNX Runtime (CPU EP) through <see cref="OrtSession"/> with the
/// op library of plugins-cu, against the official outputs of every golden model at every case size.
/// </summary>
public class OnnxCustomOpGoldenTests
{
    /// <summary>
    /// Every golden model with all per-op kernels and with <c>swin_block</c>, and on one model each per-op kernel alone and
    /// every exportable kernel together, in both mask modes.
    /// </summary>
    public static TheoryData<string, MaskMode, string> ModelsAndKernels()
    {
        var data = new TheoryData<string, MaskMode, string>();
        string Tokens(Kernels k) => ModelOptions.TokenList(k).Replace(" ", "");
        foreach (var mask in new[] { MaskMode.Hoisted, MaskMode.PerBlock })
        {
            foreach (var m in Golden.Models)
            {
                data.Add(m.Name, mask, Tokens(OnnxExportOptions.PerOpKernels));
                data.Add(m.Name, mask, Tokens(Kernels.SwinBlock));
            }
            foreach (var row in ModelOptions.KernelTokens.Where(r => OnnxExportOptions.PerOpKernels.HasFlag(r.Flag)))
                data.Add("tiny_classical_x4", mask, row.Token);
            data.Add("tiny_classical_x4", mask, Tokens(OnnxExportOptions.ExportableKernels));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndKernels))]
    public void Kernel_graph_matches_the_official_output(string model, MaskMode mask, string kernels)
    {
        var library = OrtOpLibrary.Find();
        Assert.True(library is not null, "libswinbench_ort.so not found: run scripts/build-plugins.sh first");
        var golden = Golden.Model(model);
        var options = new OnnxExportOptions { Mask = mask, Kernels = ModelOptions.ParseKernels(kernels), ModelName = model };
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
            Assert.True(maxDiff <= 1e-4, $"{model} {c.H}x{c.W} {mask} kernels {kernels}: max|d| = {maxDiff:E3} > 1e-4");
        }
    }
}
