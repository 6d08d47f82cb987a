using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SwinBench.Fixtures;
using SwinBench.IO;
using SwinBench.Model;
using SwinBench.Peers;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Peers;

/// <summary>
/// The real peers/ scripts through a real Python: the golden check of SwinBench's PyTorch SwinIR (both mask modes, FP32,
/// CPU) passes on the official outputs and fails on a perturbed one; run_peers.py's mode table is PeerMode's. Skipped
/// where no Python (with torch, for the model tests) is installed.
/// </summary>
public sealed class PythonPeerTests
{
    private static readonly string[] Candidates = ["python3", "/usr/bin/python3", PeerRunnerOptions.DefaultPython];

    /// <summary>The first interpreter for which <paramref name="probe"/> exits 0 within 2 minutes, or null.</summary>
    private static string? FindPython(string probe)
    {
        foreach (var name in Candidates)
        {
            var exe = PeerRunner.ResolveInterpreter(name);
            if (exe is null) continue;
            var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(probe);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEnd();
            if (p.WaitForExit(120_000) && p.ExitCode == 0) return exe;
        }
        return null;
    }

    private static readonly Lazy<string?> TorchPython = new(() => FindPython("import torch"));
    private static readonly Lazy<string?> AnyPython = new(() => FindPython("import sys; assert sys.version_info >= (3, 8)"));

    private static string RequireTorchPython() =>
        TorchPython.Value ?? throw SkipException("no Python with torch here (python3 -c 'import torch' fails; Debian: apt-get install python3-torch)");

    private static Exception SkipException(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException("unreachable");
    }

    private static IReadOnlyList<PeerMeasurement> RunTiny(string python, string goldenDir) =>
        new PeerRunner(new PeerRunnerOptions
        {
            Python = python,
            Device = "cpu",
            Warmup = 0,
            Iterations = 1,
            GoldenDir = goldenDir,
            Modes = [PeerMode.Get("eager-fp32-perblock"), PeerMode.Get("compile-default")],
        }).Run([new PeerCase(BenchCase.Custom(BenchTask.Get("lightweight-x2"), 12, 16))]);

    [Fact]
    public void The_golden_check_passes_in_both_mask_modes_and_the_eager_row_is_measured()
    {
        var python = RequireTorchPython();
        var rows = RunTiny(python, TestData.GoldenDir);
        var eager = rows[0];
        Assert.True(eager.IsOk, eager.Status);
        Assert.Equal("ok", eager.GoldenStatus);
        Assert.InRange(eager.GoldenMaxAbsDiff, 0, 1e-4);
        Assert.Equal(1, eager.Iterations);
        Assert.True(eager.MedianMs > 0);
        // torch.compile runs where torch >= 2 has its toolchain; otherwise the row says why (never a failure)
        Assert.True(rows[1].IsOk || rows[1].Status.StartsWith("unavailable: pytorch: ", StringComparison.Ordinal), rows[1].Status);
    }

    [Fact]
    public void A_golden_output_that_differs_fails_the_check_and_every_row_says_so()
    {
        var python = RequireTorchPython();
        using var dir = new TempDir();
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.GoldenDir, "index.json")))!.AsObject();
        const string name = "tiny_lightweight_x2";
        var entry = index[name]!.DeepClone();
        var firstCase = entry["cases"]![0]!;
        entry["cases"] = new JsonArray(firstCase.DeepClone());
        File.WriteAllText(dir.File("index.json"), new JsonObject { [name] = entry }.ToJsonString());
        File.Copy(Path.Combine(TestData.GoldenDir, name + ".pth"), dir.File(name + ".pth"));
        var input = firstCase["input"]!.GetValue<string>();
        var output = firstCase["output"]!.GetValue<string>();
        File.Copy(Path.Combine(TestData.GoldenDir, input), dir.File(input));
        var (shape, data) = Npy.Read(Path.Combine(TestData.GoldenDir, output));
        data[data.Length / 2] += 1e-3f;
        Npy.Write(dir.File(output), new NpyArray(shape, data));

        var eager = RunTiny(python, dir.Path)[0];
        Assert.InRange(eager.GoldenMaxAbsDiff, 0.9e-3, 1.1e-3);
        Assert.StartsWith("failed: golden check: max|d| = ", eager.Status);
        Assert.Contains("2 of 2 failed", eager.Status); // one case, both mask modes
    }

    [Fact]
    public void The_csharp_port_matches_the_pytorch_peer_on_the_architectures_the_official_fixtures_lack()
    {
        var python = RequireTorchPython();
        using var dir = new TempDir();
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(TestData.RepoRoot, "peers", "swinir_torch.py"));
        psi.ArgumentList.Add("--export");
        psi.ArgumentList.Add(dir.Path);
        using (var p = Process.Start(psi)!)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, stderr.Result);
        }
        var models = GoldenIndex.Load(dir.Path);
        Assert.Equal(["nearest+conv", "", "", "pixelshuffle", "pixelshuffle"], models.Select(m => m.Config.Upsampler));
        foreach (var m in models)
        foreach (var c in m.Cases)
        foreach (var mask in new[] { MaskMode.PerBlock, MaskMode.Hoisted })
        {
            var diff = Golden.MaxDiff(m, c, ModelOptions.Original with { Mask = mask });
            Assert.True(diff <= 1e-4f, $"{m.Name} {Path.GetFileName(c.Input)} {mask}: max|d| = {diff:E3}");
        }
    }

    [Fact]
    public void Run_peers_statistics_are_the_results_files_statistics()
    {
        var python = AnyPython.Value ?? throw SkipException("no python3 >= 3.8 here");
        double[] times = [12.5, 10.25, 11.0, 14.75, 10.5, 13.0, 11.25, 12.0, 10.75, 30.0];
        var text = RunPython(python, $"import json, run_peers; print(json.dumps(run_peers.summarize({JsonSerializer.Serialize(times)})))");
        var s = JsonNode.Parse(text)!;
        var expected = LatencyStatistics.Of(times);
        Assert.Equal(expected.MeanMs, s["mean_ms"]!.GetValue<double>(), 1e-12);
        Assert.Equal(expected.MedianMs, s["median_ms"]!.GetValue<double>(), 1e-12);
        Assert.Equal(expected.P5Ms, s["p5_ms"]!.GetValue<double>(), 1e-12);
        Assert.Equal(expected.P95Ms, s["p95_ms"]!.GetValue<double>(), 1e-12);
        Assert.Equal(expected.MinMs, s["min_ms"]!.GetValue<double>(), 1e-12);
        Assert.Equal(expected.Ci999HalfwidthMs, s["ci999_ms"]!.GetValue<double>(), 1e-6);
        Assert.Equal(4.780912585 * 1.0, s["ci999_ms"]!.GetValue<double>() / (Std(times) / Math.Sqrt(times.Length)), 1e-5); // t(0.9995, 9), tables
        Assert.Equal(times.Length, s["iterations"]!.GetValue<int>());
    }

    private static double Std(double[] v)
    {
        var mean = v.Average();
        return Math.Sqrt(v.Sum(t => (t - mean) * (t - mean)) / (v.Length - 1));
    }

    /// <summary>Runs a snippet with peers/ on the import path; returns stdout (asserts exit code 0).</summary>
    private static string RunPython(string python, string code)
    {
        var peers = Path.Combine(TestData.RepoRoot, "peers");
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"import sys; sys.path.insert(0, {JsonSerializer.Serialize(peers)}); {code}");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr.Result);
        return stdout;
    }

    [Fact]
    public void Run_peers_modes_are_PeerMode_All()
    {
        var python = AnyPython.Value ?? throw SkipException("no python3 >= 3.8 here");
        var text = RunPython(python, "import json, run_peers; print(json.dumps(run_peers.MODES))");
        var modes = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(PeerMode.All.Select(m => m.Name), modes.Select(kv => kv.Key));
        foreach (var m in PeerMode.All)
        {
            var spec = modes[m.Name]!;
            Assert.Equal((m.Precision, m.Mask, m.CompileMode),
                (spec["precision"]!.GetValue<string>(), spec["mask"]!.GetValue<string>(), spec["compile"]?.GetValue<string>()));
        }
    }
}
