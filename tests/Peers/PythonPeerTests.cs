using System.Diagnostics;
using System.Text;
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
/// The real peers/ scripts through a real Python: the golden check of SwinBench's PyTorch SwinIR (every mask mode, FP32,
/// CPU) passes on the official outputs and fails on a perturbed one; run_peers.py's mode table is PeerMode's; its
/// compile modes say why they cannot run on torch 1.x, compile once for several sizes on torch 2; a case too large to
/// allocate gives out-of-memory rows and the next case still runs; its out-of-memory texts are FailureStatus's. Skipped
/// where no Python (with torch, for the model tests) is installed; CI installs Debian's python3-torch
/// (scripts/setup-platform.sh).
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

    private static IReadOnlyList<PeerMeasurement> RunTiny(string python, string goldenDir, IReadOnlyList<PeerCase>? cases = null, params string[] modes) =>
        new PeerRunner(new PeerRunnerOptions
        {
            Python = python,
            Device = "cpu",
            Warmup = 0,
            Iterations = 1,
            GoldenDir = goldenDir,
            Modes = (modes.Length == 0 ? ["eager-fp32-perblock", "compile-default"] : modes).Select(PeerMode.Get).ToList(),
        }).Run(cases ?? [new PeerCase(BenchCase.Custom(BenchTask.Get("lightweight-x2"), 12, 16))]);

    /// <summary>The torch version the interpreter imports, as (major, minor).</summary>
    private static (int Major, int Minor) TorchVersion(string python)
    {
        var v = RunPython(python, "import torch; print(torch.__version__.split('+')[0])").Trim().Split('.');
        return (int.Parse(v[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(v[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_golden_check_passes_in_every_mask_mode_and_the_eager_row_is_measured()
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
    public void Compile_modes_say_why_on_torch_1_and_the_dynamic_compile_serves_every_size_on_torch_2()
    {
        var python = RequireTorchPython();
        var task = BenchTask.Get("lightweight-x2");
        PeerCase[] cases = [new(BenchCase.Custom(task, 12, 16)), new(BenchCase.Custom(task, 20, 13)), new(BenchCase.Custom(task, 9, 24))];
        var rows = RunTiny(python, "skip", cases, "eager-fp32-perblock", "compile-dynamic", "compile-default");
        Assert.Equal(9, rows.Count);
        Assert.All(rows.Where(r => r.Mode == "eager-fp32-perblock"), r => Assert.True(r.IsOk, r.Status));
        var compiled = rows.Where(r => r.Mode != "eager-fp32-perblock").ToList();
        var (major, minor) = TorchVersion(python);
        if (major < 2)
        {
            Assert.All(compiled, r => Assert.Equal($"unavailable: pytorch: torch.compile needs PyTorch >= 2.0 (this is torch {r.Torch})", r.Status));
            Assert.StartsWith($"{major}.{minor}", compiled[0].Torch);
            return;
        }
        var dynamic = rows.Where(r => r.Mode == "compile-dynamic").ToList();
        if (!dynamic[0].IsOk)
            Assert.Skip($"torch {major}.{minor} cannot compile FP16 here: {dynamic[0].Status}");
        Assert.All(dynamic, r => Assert.True(r.IsOk, r.Status));
        Assert.True(dynamic[0].Compiles >= 1, $"the first case compiled {dynamic[0].Compiles} graphs");
        Assert.Equal([0, 0], dynamic.Skip(1).Select(r => r.Compiles)); // no recompile for the other sizes
        Assert.All(dynamic, r => Assert.Equal(dynamic[0].Compiles, r.CompilesTotal));
        Assert.All(dynamic, r => Assert.InRange(r.FidelityMaxAbs, 0, 0.05)); // FP16 against the FP32 eager output
    }

    [Fact]
    public void A_case_too_large_to_allocate_gives_out_of_memory_rows_and_the_next_case_still_runs()
    {
        var python = RequireTorchPython();
        var task = BenchTask.Get("lightweight-x2");
        // 3 x 4194304^2 floats are 192 TiB, more than a process can map: the CPU allocator refuses at once
        const int huge = 4194304;
        PeerCase[] cases = [new(BenchCase.Custom(task, huge, huge)), new(BenchCase.Custom(task, 12, 16))];
        var rows = RunTiny(python, "skip", cases, "eager-fp32-perblock");
        Assert.Equal($"failed: out of memory at {huge}x{huge} (tried to allocate 196608.00 GiB)", rows[0].Status);
        Assert.True(rows[1].IsOk, rows[1].Status);
        var row = PeerRows.ToRow(rows[0], cases[0], "run", new EnvironmentInfo());
        Assert.Equal(rows[0].Status, row.Status);
    }

    [Fact]
    public void The_traced_mask_is_the_official_shifted_window_mask()
    {
        var python = RequireTorchPython();
        var text = RunPython(python, "import torch, swinir_torch as sw; print(all(torch.equal(sw.shifted_window_mask(h, w, ws, s), " +
            "sw.traced_window_mask(h, w, ws, s, torch.float32, 'cpu')) for h, w, ws, s in [(16, 24, 8, 4), (8, 8, 8, 4), (56, 42, 7, 3), (64, 8, 8, 4)]))");
        Assert.Equal("True", text.Trim());
    }

    [Fact]
    public void Run_peers_out_of_memory_texts_are_FailureStatus_texts()
    {
        var python = AnyPython.Value ?? throw SkipException("no python3 >= 3.8 here");
        string[] messages =
        [
            "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.56 GiB is free.",
            "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 23.99 GiB total capacity; 21.46 GiB already allocated; 0 bytes free)",
            "CUDA out of memory. Tried to allocate 512 bytes (GPU 0; 1.00 GiB total capacity)",
            "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: you tried to allocate 911360 bytes.",
            "[enforce fail at alloc_cpu.cpp:83] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 1048577 bytes. Error code 12",
            "CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported at some other API call",
            "CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
            "The size of tensor a (64) must match the size of tensor b (60) at non-singleton dimension 2",
        ];
        var text = RunPython(python, "import json, run_peers; print(json.dumps([run_peers.oom_status(RuntimeError(m), 480, 640) for m in " +
            JsonSerializer.Serialize(messages) + "]))");
        var fromPython = JsonNode.Parse(text)!.AsArray().Select(n => n?.GetValue<string>()).ToList();
        Assert.Equal(messages.Select(m => FailureStatus.OutOfMemory(m, 480, 640)), fromPython);
        Assert.Equal("failed: out of memory at 480x640 (tried to allocate 512 bytes)", fromPython[2]);
        Assert.Null(fromPython[^1]);
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
        Assert.Contains("3 of 3 failed", eager.Status); // one case, each of the three mask modes
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
            var stderr = new StringBuilder();
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
            p.BeginErrorReadLine();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, stderr.ToString());
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
            Assert.Equal((m.Precision, m.Mask, m.CompileMode, m.Dynamic),
                (spec["precision"]!.GetValue<string>(), spec["mask"]!.GetValue<string>(), spec["compile"]?.GetValue<string>(), spec["dynamic"]!.GetValue<bool>()));
        }
    }
}
