using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SwinBench.Benchmarks;
using SwinBench.Model;
using SwinBench.Peers;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Peers;

/// <summary>
/// PeerRunner against a fake interpreter: a /bin/sh script standing in for Python that saves the request it was given
/// and prints canned JSON lines (what run_peers.py would print), so the request, the parsing, the filling of rows the
/// script did not write, and the results rows are tested without PyTorch.
/// </summary>
public sealed class PeerRunnerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly PeerCase Light = new(BenchCase.Custom(BenchTask.Get("lightweight-x2"), 24, 32));
    private static readonly PeerCase Classical = new(BenchCase.Custom(BenchTask.Get("classical-x2"), 16, 20));

    public void Dispose() => _dir.Dispose();

    /// <summary>A fake interpreter: copies the request (argument 3) to request.json, then runs <paramref name="body"/>.</summary>
    private string FakePython(string body)
    {
        var path = _dir.File("fake-python");
        File.WriteAllText(path, $"#!/bin/sh\ncp \"$3\" \"{_dir.File("request.json")}\"\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A canned line; <paramref name="extra"/> adds or overrides fields.</summary>
    private static string Line(PeerCase c, string mode, string status = "ok", double median = 10, object? extra = null)
    {
        var o = new JsonObject
        {
            ["case"] = c.Id, ["task"] = c.Case.Task.Name, ["h"] = c.Case.H, ["w"] = c.Case.W, ["mode"] = mode,
            ["precision"] = PeerMode.Get(mode).Precision, ["mask"] = PeerMode.Get(mode).Mask, ["compile_mode"] = PeerMode.Get(mode).CompileMode,
            ["device"] = "cuda", ["device_name"] = "Fake GPU", ["weights"] = "seeded:0", ["status"] = status, ["warmup"] = 2,
            ["torch"] = "2.11.0+cu130", ["cuda"] = "13.0", ["golden_status"] = "ok", ["golden_max_abs_diff"] = 3e-7,
        };
        if (status == "ok")
        {
            o["median_ms"] = median; o["mean_ms"] = median + 0.5; o["p5_ms"] = median - 1; o["p95_ms"] = median + 2;
            o["min_ms"] = median - 1.5; o["ci999_ms"] = 0.25; o["iterations"] = 20; o["peak_memory_mb"] = 1234.5;
            o["samples_ms"] = new JsonArray(median + 3, median - 1, median, median + 0.5);
        }
        if (extra is not null)
            foreach (var (k, v) in JsonSerializer.SerializeToNode(extra)!.AsObject()) o[k] = v?.DeepClone();
        return o.ToJsonString();
    }

    private static string Echo(params string[] lines) => string.Concat(lines.Select(l => $"printf '%s\\n' '{l}'\n"));

    private PeerRunner Runner(string python, params string[] modes) => new(new PeerRunnerOptions
    {
        Python = python,
        Script = _dir.File("run_peers.py"),
        Modes = modes.Length == 0 ? PeerMode.All : modes.Select(PeerMode.Get).ToList(),
        Warmup = 2,
        Iterations = 20,
        GoldenDir = "skip",
    });

    public PeerRunnerTests() => File.WriteAllText(_dir.File("run_peers.py"), "# stand-in: the fake interpreter never reads it\n");

    [Fact]
    public void Rows_are_parsed_typed_and_in_request_order_and_the_request_carries_the_preset_config()
    {
        var python = FakePython(Echo(
            "progress lines on stdout that are not JSON are ignored",
            Line(Classical, "eager-fp32-perblock", median: 50),
            Line(Light, "eager-fp16-hoisted", median: 4, extra: new { fidelity_psnr_db = "inf", fidelity_max_abs = 0.0 }),
            Line(Light, "eager-fp32-perblock", median: 8),
            Line(Classical, "eager-fp16-hoisted", "unavailable: pytorch: FP16 is not supported on cpu")));
        var seen = new List<PeerMeasurement>();
        var rows = Runner(python, "eager-fp32-perblock", "eager-fp16-hoisted").Run([Light, Classical], seen.Add);

        Assert.Equal(4, rows.Count);
        Assert.Equal(4, seen.Count);
        Assert.Equal([(Light.Id, "eager-fp32-perblock"), (Light.Id, "eager-fp16-hoisted"), (Classical.Id, "eager-fp32-perblock"), (Classical.Id, "eager-fp16-hoisted")],
            rows.Select(r => (r.Case, r.Mode)));
        var fp32 = rows[0];
        Assert.True(fp32.IsOk);
        Assert.Equal((8.0, 8.5, 7.0, 10.0, 6.5, 0.25, 20, 2), (fp32.MedianMs, fp32.MeanMs, fp32.P5Ms, fp32.P95Ms, fp32.MinMs, fp32.Ci999Ms, fp32.Iterations, fp32.Warmup));
        Assert.Equal(("Fake GPU", "2.11.0+cu130", "13.0", 1234.5), (fp32.DeviceName, fp32.Torch, fp32.Cuda, fp32.PeakMemoryMB));
        Assert.True(double.IsNaN(fp32.CompileSeconds));
        Assert.Equal([11.0, 7.0, 8.0, 8.5], fp32.SamplesMs);
        Assert.True(double.IsPositiveInfinity(rows[1].FidelityPsnrDb));
        Assert.Equal("unavailable: pytorch: FP16 is not supported on cpu", rows[3].Status);
        Assert.True(double.IsNaN(rows[3].MedianMs));

        var request = JsonNode.Parse(File.ReadAllText(_dir.File("request.json")))!;
        Assert.Equal(["eager-fp32-perblock", "eager-fp16-hoisted"], request["modes"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal((20, 2, "cuda", "skip"), (request["iterations"]!.GetValue<int>(), request["warmup"]!.GetValue<int>(),
            request["device"]!.GetValue<string>(), request["golden"]!.GetValue<string>()));
        var cases = request["cases"]!.AsArray();
        Assert.Equal([Light.Id, Classical.Id], cases.Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal((16, 20), (cases[1]!["h"]!.GetValue<int>(), cases[1]!["w"]!.GetValue<int>()));
        Assert.Equal(Presets.Get("classical-x2").Config, SwinIRConfig.FromJson(cases[1]!["config"]!.ToJsonString()));
        Assert.Equal(Presets.Get("lightweight-x2").Config, SwinIRConfig.FromJson(cases[0]!["config"]!.ToJsonString()));
    }

    [Fact]
    public void Modes_the_script_did_not_answer_get_a_failed_row_each()
    {
        var python = FakePython(Echo(Line(Light, "eager-fp32-perblock")));
        var seen = new List<PeerMeasurement>();
        var rows = Runner(python, "eager-fp32-perblock", "compile-default").Run([Light], seen.Add);
        Assert.Equal(["ok", "failed: run_peers.py wrote no row for this case and mode"], rows.Select(r => r.Status));
        Assert.Equal(("compile-default", "fp16", "hoisted", "default"), (rows[1].Mode, rows[1].Precision, rows[1].Mask, rows[1].CompileMode));
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void A_script_that_dies_gives_failed_rows_with_its_exit_code_and_last_stderr_line()
    {
        var python = FakePython(Echo(Line(Light, "eager-fp32-perblock")) + "echo 'Traceback (most recent call last):' >&2\necho 'MemoryError: out of memory' >&2\nexit 3");
        var rows = Runner(python, "eager-fp32-perblock", "eager-fp16-hoisted").Run([Light]);
        Assert.True(rows[0].IsOk);
        Assert.Equal("failed: run_peers.py exited with code 3: MemoryError: out of memory", rows[1].Status);
    }

    [Fact]
    public void An_unreadable_row_fails_the_modes_without_a_row_and_names_the_problem()
    {
        var python = FakePython(Echo("{\"case\": \"x\", \"mode\": \"eager-fp32-perblock\", \"status\": \"ok\", \"median_ms\": \"fast\"}"));
        var rows = Runner(python, "eager-fp32-perblock").Run([Light]);
        var status = Assert.Single(rows).Status;
        Assert.StartsWith("failed: run_peers.py wrote an unreadable row: ", status);
        Assert.Contains("median_ms", status);
    }

    [Fact]
    public void Joined_rows_take_the_latest_run_of_the_question_and_its_baseline()
    {
        var outDir = _dir.File("results");
        var baseline = new ResultRow
        {
            RunId = "mask-run-1", Question = "mask-hoisting", Task = "lightweight-x2", Model = "SwinIR-S", Variant = "original",
            Step = 0, IsBaseline = true, Backend = "torchsharp", Device = "cuda", Precision = "fp32", Dataset = Light.Case.Dataset,
            SizeClass = Light.Case.SizeClass, Image = Light.Case.Image, Images = 1, H = 24, W = 32, MedianMs = 60, MeanMs = 60, Samples = 5,
            TimestampUtc = DateTime.UtcNow,
        };
        new ResultsStore(outDir).Append([baseline, baseline with { Variant = "hoisted", Step = 1, IsBaseline = false, MedianMs = 30 }]);
        var python = FakePython(Echo(Line(Light, "eager-fp32-perblock", median: 40), Line(Light, "compile-default", median: 15)));
        var sweep = PeersQuestion.Sweep(SwinBench.Datasets.DatasetManifest.Default) with { Cases = [Light.Case] };
        var written = PeersQuestion.Run(sweep, outDir, Runner(python, "eager-fp32-perblock", "compile-default").Options, _ => { }, join: "mask-hoisting");

        var rows = new ResultsStore(outDir).Read();
        Assert.Equal(4, rows.Count);
        var peers = rows.Where(r => r.Backend == "pytorch").ToList();
        Assert.All(peers, r => Assert.Equal(("mask-run-1", "mask-hoisting", false), (r.RunId, r.Question, r.IsBaseline)));
        Assert.Equal([2, 4], peers.Select(r => r.Step)); // after the question's steps 0 and 1
        Assert.Equal(60 / LatencyStatistics.Of([43.0, 39.0, 40.0, 40.5]).MedianMs, peers[0].Speedup, 1e-12);
        Assert.Equal(60 / LatencyStatistics.Of([18.0, 14.0, 15.0, 15.5]).MedianMs, peers[1].Speedup, 1e-12);
        Assert.Equal(peers.Select(r => r.Speedup), written.Select(r => r.Speedup));

        var missing = Assert.Throws<ArgumentException>(() => PeersQuestion.Run(sweep, outDir, Runner(python).Options, _ => { }, join: "backends"));
        Assert.Contains("no row of question 'backends' to join", missing.Message);
    }

    [Fact]
    public void A_script_stopped_by_the_timeout_keeps_the_rows_it_wrote_in_results_csv()
    {
        var python = FakePython(Echo(Line(Light, "eager-fp32-perblock", median: 40)) + "sleep 60");
        var sweep = PeersQuestion.Sweep(SwinBench.Datasets.DatasetManifest.Default) with { Cases = [Light.Case] };
        var options = Runner(python, "eager-fp32-perblock", "compile-default").Options with { Timeout = TimeSpan.FromSeconds(2) };
        var outDir = _dir.File("results");
        var clock = Stopwatch.StartNew();
        var written = PeersQuestion.Run(sweep, outDir, options, _ => { });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the runner waited {clock.Elapsed} for a 2 s timeout");
        var rows = new ResultsStore(outDir).Read();
        Assert.Equal(["ok", "error: pytorch: run_peers.py did not finish within 2 s"], rows.Select(r => r.Status));
        Assert.Equal(rows.Select(r => r.Status), written.Select(r => r.Status));
    }

    [Fact]
    public void An_out_of_memory_row_keeps_its_status_in_the_result_row_and_compile_counts_are_read()
    {
        var big = new PeerCase(BenchCase.Custom(BenchTask.Get("lightweight-x2"), 480, 640));
        const string oom = "failed: out of memory at 480x640 (tried to allocate 2.00 GiB)";
        var python = FakePython(Echo(
            Line(Light, "compile-dynamic", median: 5, extra: new { compile_s = 41.5, compiles = 1, compiles_total = 1 }),
            Line(big, "compile-dynamic", oom),
            Line(Light, "eager-fp32-perblock", "failed: RuntimeError: boom"),
            Line(big, "eager-fp32-perblock", median: 900)));
        var rows = Runner(python, "eager-fp32-perblock", "compile-dynamic").Run([Light, big]);
        var dynamicLight = rows[1];
        Assert.Equal(("compile-dynamic", "traced", "default", 41.5, 1, 1),
            (dynamicLight.Mode, dynamicLight.Mask, dynamicLight.CompileMode, dynamicLight.CompileSeconds, dynamicLight.Compiles, dynamicLight.CompilesTotal));
        Assert.Null(rows[2].Compiles);
        Assert.Equal(oom, rows[3].Status);

        var env = new EnvironmentInfo();
        var results = rows.Zip(new[] { Light, Light, big, big }, (m, c) => PeerRows.ToRow(m, c, "run-1", env)).ToList();
        Assert.Equal(["error: pytorch: RuntimeError: boom", "ok", "ok", oom], results.Select(r => r.Status));
        Assert.Equal((480, 640, 5), (results[3].H, results[3].W, results[3].Step));
        Assert.True(double.IsNaN(results[3].MedianMs));
    }

    [Fact]
    public void A_missing_interpreter_gives_unavailable_rows_for_every_case_and_mode()
    {
        var missing = _dir.File("no-such-dir/python");
        var rows = Runner(missing).Run([Light, Classical]);
        Assert.Equal(2 * PeerMode.All.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal($"unavailable: pytorch: python interpreter not found: {missing} (give --python PATH)", r.Status));
        Assert.Equal(PeerMode.All.Select(m => m.Name), rows.Take(PeerMode.All.Count).Select(r => r.Mode));

        var onPath = Runner("swinbench-no-such-python-on-path").Run([Light]);
        Assert.All(onPath, r => Assert.StartsWith("unavailable: pytorch: python interpreter not found: swinbench-no-such-python-on-path", r.Status));
    }

    [Fact]
    public void A_missing_script_gives_unavailable_rows()
    {
        var python = FakePython(Echo(Line(Light, "eager-fp32-perblock")));
        var runner = new PeerRunner(Runner(python).Options with { Script = _dir.File("gone.py") });
        Assert.All(runner.Run([Light]), r => Assert.StartsWith("unavailable: pytorch: run_peers.py not found", r.Status));
    }

    [Fact]
    public void Parse_names_the_problem_of_a_bad_line()
    {
        Assert.Contains("not valid JSON", Assert.Throws<FormatException>(() => PeerMeasurement.Parse("{oops")).Message);
        Assert.Contains("not a JSON object", Assert.Throws<FormatException>(() => PeerMeasurement.Parse("[1]")).Message);
        Assert.Contains("no 'status'", Assert.Throws<FormatException>(() => PeerMeasurement.Parse("{\"case\": \"a\", \"mode\": \"m\"}")).Message);
        Assert.Contains("'h' must be an integer", Assert.Throws<FormatException>(() =>
            PeerMeasurement.Parse("{\"case\": \"a\", \"mode\": \"m\", \"status\": \"ok\", \"h\": 1.5}")).Message);
        Assert.Contains("sample 1 is -2", Assert.Throws<FormatException>(() =>
            PeerMeasurement.Parse("{\"case\": \"a\", \"mode\": \"m\", \"status\": \"ok\", \"samples_ms\": [1, -2]}")).Message);
    }

    [Fact]
    public void The_question_writes_pytorch_rows_with_speedups_over_the_eager_fp32_row_into_results_csv()
    {
        var python = FakePython(Echo(
            Line(Light, "eager-fp32-perblock", median: 40),
            Line(Light, "eager-fp16-hoisted", median: 10, extra: new { fidelity_psnr_db = 61.5, fidelity_max_abs = 0.002 }),
            Line(Light, "compile-default", "failed: RuntimeError: boom")));
        var sweep = PeersQuestion.Sweep(SwinBench.Datasets.DatasetManifest.Default) with { Cases = [Light.Case], Device = "cuda", IterationCount = 20 };
        var outDir = _dir.File("results");
        var options = Runner(python, "eager-fp32-perblock", "eager-fp16-hoisted", "compile-default").Options;
        var written = PeersQuestion.Run(sweep, outDir, options, _ => { });

        var rows = new ResultsStore(outDir).Read();
        Assert.Equal(3, rows.Count);
        Assert.Equal(written.Select(r => r.Variant), rows.Select(r => r.Variant));
        Assert.All(rows, r => Assert.Equal(("pytorch", "lightweight-x2", "SwinIR-S", 24, 32, "cuda"), (r.Backend, r.Task, r.Model, r.H, r.W, r.Device)));
        Assert.All(rows, r => Assert.Equal("peers", r.Question));
        var (fp32, fp16, compiled) = (rows[0], rows[1], rows[2]);
        Assert.Equal((true, false, false), (fp32.IsBaseline, fp16.IsBaseline, compiled.IsBaseline));
        // the latency columns are the CSV's own statistics of the samples, not the script's summary
        var stats = LatencyStatistics.Of([13.0, 9.0, 10.0, 10.5]);
        Assert.Equal((stats.MedianMs, stats.MeanMs, stats.P5Ms, stats.P95Ms, stats.MinMs, stats.Ci999HalfwidthMs, 4),
            (fp16.MedianMs, fp16.MeanMs, fp16.P5Ms, fp16.P95Ms, fp16.MinMs, fp16.Ci999HalfwidthMs, fp16.Samples));
        Assert.Equal("device-in-use", fp16.MemoryScope);
        Assert.Equal((0, "perblock", "fp32", 1.0), (fp32.Step, fp32.Mask, fp32.Precision, fp32.Speedup));
        Assert.Equal((1, "hoisted", "fp16", 61.5), (fp16.Step, fp16.Mask, fp16.Precision, fp16.FidelityPsnrDb));
        Assert.Equal(LatencyStatistics.Of([43.0, 39.0, 40.0, 40.5]).MedianMs / stats.MedianMs, fp16.Speedup, 1e-12);
        Assert.Equal("2.11.0+cu130 (pytorch)", fp16.Libtorch);
        Assert.Equal("Fake GPU", fp16.DeviceName); // a CUDA row keeps the card the script names
        Assert.Equal("error: pytorch: RuntimeError: boom", compiled.Status);
        Assert.True(double.IsNaN(compiled.Speedup));
    }

    [Fact]
    public void A_cpu_peer_row_names_the_cpu_as_swinbench_rows_do()
    {
        var m = PeerMeasurement.Parse(Line(Light, "eager-fp32-perblock")) with { Device = "cpu", DeviceName = "cpu" }; // what run_peers.py writes on the CPU
        var row = PeerRows.ToRow(m, Light, "run", EnvironmentInfo.Capture());
        Assert.Equal(("cpu", SwinBench.Backends.HostInfo.CpuModel), (row.Device, row.DeviceName));
    }
}
