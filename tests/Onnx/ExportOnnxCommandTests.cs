using System.CommandLine;
using SwinBench.Cli;

namespace SwinBench.Tests.Onnx;

/// <summary><c>swinbench export-onnx</c> end to end: a file with the report, and one-line errors for bad flags.</summary>
public class ExportOnnxCommandTests
{
    private static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var root = new RootCommand { ExportOnnxCommand.Create() };
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (root.Parse(["export-onnx", .. args]).Invoke(), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void Writes_the_model_and_prints_the_report()
    {
        var m = Golden.Model("tiny_lightweight_x2");
        var dir = Directory.CreateTempSubdirectory("swinbench-export-");
        try
        {
            var config = Path.Combine(dir.FullName, "tiny.json");
            File.WriteAllText(config, m.Config.ToJson());
            var path = Path.Combine(dir.FullName, "tiny.onnx");
            var (code, stdout, stderr) = Invoke("--config", config, "--weights", m.Checkpoint, "--mask", "hoisted", "--layernorm", "decomposed",
                "--precision", "fp16", "--keep-norms-fp32", "--kernels", "window_mask,qkv_split", "--out", path, "--report");
            Assert.True(code == 0, stderr);
            Assert.True(new FileInfo(path).Length > 0);
            Assert.Contains("hoisted/ln-decomposed/fp16+norms32/window_mask+qkv_split", stdout);
            Assert.Contains("swinbench::QkvSplit", stdout);
            Assert.Contains("shape nodes", stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--mask sideways", "--mask")]
    [InlineData("--layernorm fp32", "--layernorm")]
    [InlineData("--kernels roll", "unknown kernel 'roll'")]
    [InlineData("--kernels aligned_rows", "kernel 'aligned_rows' needs")]
    [InlineData("--keep-norms-fp32", "--precision fp16")]
    [InlineData("", "--out FILE, --report")]
    public void Bad_flags_are_one_line_errors(string flags, string message)
    {
        var args = new List<string> { "--preset", "lightweight-x2" };
        args.AddRange(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (flags.Length > 0) args.Add("--report");
        var (code, _, stderr) = Invoke([.. args]);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains(message, stderr);
    }
}
