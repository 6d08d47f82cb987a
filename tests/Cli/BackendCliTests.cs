using SwinBench.Fixtures;
using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Cli;

/// <summary>
/// <c>infer</c> and <c>golden</c> on every backend through SessionFactory: ONNX Runtime on the CPU reproduces every
/// official output, tiles run through a session, and a backend or kernel that cannot run is one line on stderr.
/// </summary>
public sealed class BackendCliTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string Config(GoldenModel m)
    {
        var path = _tmp.File($"{m.Name}.json");
        File.WriteAllText(path, m.Config.ToJson());
        return path;
    }

    private static float MaxDiff(string a, string b)
    {
        var (x, y) = (Npy.Read(a), Npy.Read(b));
        Assert.Equal(y.Shape, x.Shape);
        return x.Data.Zip(y.Data, (p, q) => Math.Abs(p - q)).Max();
    }

    public static TheoryData<string, int> Cases() => Golden.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Infer_on_ort_reproduces_the_official_output(string model, int caseIndex)
    {
        var m = Golden.Model(model);
        var c = m.Cases[caseIndex];
        var output = _tmp.File("out.npy");
        var r = SwinBenchProcess.Run("infer", "--backend", "ort", "--config", Config(m), "--weights", m.Checkpoint,
            "--input", c.Input, "--output", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("variant ort:perblock/fp32/ln-fused on cpu", r.Stdout);
        var maxDiff = MaxDiff(output, c.Output);
        Assert.True(maxDiff <= 1e-4, $"max|d| {maxDiff}");
    }

    [Fact]
    public void Tiled_infer_on_ort_matches_tiled_torchsharp_and_reports_progress()
    {
        var m = Golden.Model("tiny_lightweight_x2");
        var c = m.Cases.First(x => x.H >= 24 && x.W >= 24);
        string[] Args(string backend, string output) =>
            ["infer", "--backend", backend, "--config", Config(m), "--weights", m.Checkpoint, "--input", c.Input, "--output", output,
             "--tile", "16", "--tile-overlap", "4"];
        var ts = SwinBenchProcess.Run(Args("torchsharp", _tmp.File("ts.npy")));
        Assert.True(ts.ExitCode == 0, ts.ToString());
        var ort = SwinBenchProcess.Run(Args("ort", _tmp.File("ort.npy")));
        Assert.True(ort.ExitCode == 0, ort.ToString());
        var maxDiff = MaxDiff(_tmp.File("ort.npy"), _tmp.File("ts.npy"));
        Assert.True(maxDiff <= 1e-4, $"max|d| {maxDiff}");
        // stderr is redirected here: progress comes as plain lines, the last one complete
        var tiles = TiledCount(c.H, c.W, 16, 4);
        Assert.Contains($"{tiles}/{tiles} tiles (100%)", ort.Stderr);
        Assert.DoesNotContain("tiles", ort.Stdout);
    }

    private static int TiledCount(int h, int w, int tile, int overlap) => SwinBench.Backends.TiledInference.TileCount(h, w, tile, overlap);

    [Fact]
    public void TensorRt_where_it_cannot_run_is_one_line_naming_it()
    {
        if (SwinBench.Backends.SessionFactory.TensorRtUnavailableReason("cpu") is null) Assert.Skip("TensorRT runs here");
        var m = Golden.Model("tiny_lightweight_x2");
        var output = _tmp.File("o.npy");
        var r = SwinBenchProcess.Run("infer", "--backend", "tensorrt", "--config", Config(m), "--input", m.Cases[0].Input, "--output", output);
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("error: tensorrt: ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Equal("", r.Stdout);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_kernel_without_an_onnx_op_is_one_line_naming_it()
    {
        // cuda_graph is a mode of the TorchSharp swin_block handles, not an op: the exporter refuses it by name
        var r = SwinBenchProcess.Run("golden", "--backend", "ort", "--kernels", "swin_block,cuda_graph");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("error: ort: kernel mode 'cuda_graph' cannot be exported to ONNX", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Equal("", r.Stdout);
        Assert.DoesNotContain(" at ", r.Stderr);
    }

    [Fact]
    public void Cuda_graph_on_the_cpu_is_one_line_naming_it()
    {
        var m = Golden.Model("tiny_lightweight_x2");
        var output = _tmp.File("g.npy");
        var r = SwinBenchProcess.Run("infer", "--kernels", "swin_block,cuda_graph", "--config", Config(m), "--input", m.Cases[0].Input,
            "--output", output);
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("error: torchsharp: cuda_graph needs CUDA tensors", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Unknown_backend_and_kernel_name_the_option()
    {
        var r = SwinBenchProcess.Run("golden", "--backend", "tensorflow");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--backend", r.Stderr);
        Assert.Contains("torchsharp, ort, tensorrt", r.Stderr);
        r = SwinBenchProcess.Run("golden", "--kernels", "fattn");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--kernels: unknown kernel 'fattn'", r.Stderr);
    }

    [Fact]
    public void Golden_prints_a_verdict_per_row_and_overall()
    {
        var pass = SwinBenchProcess.Run("golden", "--mask", "hoisted", "--extra-size", "32");
        Assert.True(pass.ExitCode == 0, pass.ToString());
        var rows = pass.Stdout.Split('\n').Where(l => l.Contains(" vs ")).ToList();
        Assert.Equal(Golden.Models.Sum(m => m.Cases.Count) + 1, rows.Count(l => l.TrimEnd().EndsWith("PASS")));
        Assert.Contains(rows, l => l.Contains("32x32 synthetic vs CPU orig.*"));
        Assert.Contains("* extra row: a synthetic 32x32 input", pass.Stdout);
        Assert.Contains("golden: PASS", pass.Stdout);

        // a tolerance no float computation meets: every fixture row fails, and the exit code says so
        var fail = SwinBenchProcess.Run("golden", "--tolerance", "1e-30", "--extra-size", "0");
        Assert.Equal(1, fail.ExitCode);
        Assert.Contains("golden: FAIL", fail.Stdout);
        Assert.Contains(fail.Stdout.Split('\n'), l => l.TrimEnd().EndsWith("FAIL"));
    }
}
