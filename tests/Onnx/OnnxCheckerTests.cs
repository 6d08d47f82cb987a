using System.Diagnostics;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>
/// Exported models through the official ONNX checker (full check, with strict shape inference) via scripts/check-onnx.sh.
/// Needs Debian's python3-onnx; without it the test is skipped, saying why.
/// </summary>
public class OnnxCheckerTests(ITestOutputHelper output)
{
    private const int NotInstalled = 77;

    [Fact]
    public void Exported_models_pass_the_onnx_checker()
    {
        var repo = RepoPaths.RepoRoot ?? throw new DirectoryNotFoundException("repository root not found");
        var script = Path.Combine(repo, "scripts", "check-onnx.sh");
        var dir = Directory.CreateTempSubdirectory("swinbench-onnx-check-");
        try
        {
            var files = new List<string>();
            foreach (var name in new[] { "tiny_classical_x4", "tiny_classical_x2_3conv" })
            {
                using var net = OnnxExports.LoadGolden(name);
                var variants = new (string Tag, OnnxExportOptions Options)[]
                {
                    ("perblock", new OnnxExportOptions { Mask = MaskMode.PerBlock }),
                    ("hoisted-decomposed", new OnnxExportOptions { Mask = MaskMode.Hoisted, LayerNorm = OnnxLayerNorm.Decomposed }),
                    ("fp16-norms32", new OnnxExportOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, KeepNormsFp32 = true }),
                    ("kernels", new OnnxExportOptions { Mask = MaskMode.Hoisted, Kernels = OnnxExportOptions.PerOpKernels }),
                    ("kernels-perblock-fp16", new OnnxExportOptions { Mask = MaskMode.PerBlock, Precision = Precision.Fp16, Kernels = OnnxExportOptions.PerOpKernels }),
                    ("swin-block", new OnnxExportOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.SwinBlock }),
                    ("swin-block-all-fp16", new OnnxExportOptions { Mask = MaskMode.PerBlock, Precision = Precision.Fp16, Kernels = OnnxExportOptions.ExportableKernels }),
                };
                foreach (var (tag, options) in variants)
                {
                    var path = Path.Combine(dir.FullName, $"{name}-{tag}.onnx");
                    OnnxExporter.ExportToFile(net, options, path);
                    files.Add(path);
                }
            }

            var (code, text) = Run("bash", [script, .. files]);
            output.WriteLine(text);
            if (code == NotInstalled)
                Assert.Skip("the ONNX checker is not available (apt-get install -y python3-onnx); the models were not checked");
            Assert.True(code == 0, $"check-onnx.sh exited {code}:\n{text}");
            Assert.Equal(files.Count, text.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
            Assert.Contains("swinbench=1", text);
            Assert.Contains("input[N,3,H,W]", text);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (int Code, string Output) Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
