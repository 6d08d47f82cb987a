using System.Runtime.InteropServices;
using SwinBench.Backends;
using SwinBench.Benchmarks;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Benchmarks;

/// <summary>
/// The runner end to end, in this process, with sessions from a stand-in opener (the seam of
/// <see cref="SweepRunOptions.Open"/>): sessions kept across a task's sizes, a resumed run that measures only the
/// unfinished cases, a refused resume, a case that runs out of memory while the sweep goes on, and peer variants
/// joined to their cases from a stand-in interpreter.
/// </summary>
[Collection(nameof(InProcessBenchmarkRuns))]
public sealed class SweepRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("swinbench-sweeprun-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly BenchTask Light = BenchTask.Get("lightweight-x2");

    private static Sweep Sweep(string name, params int[] sides) =>
        new(name, "per-block vs hoisted on stand-in sessions", [MaskHoistingBenchmarks.Definition],
            sides.Select(s => BenchCase.Custom(Light, s, s)).ToList(), [Precision.Fp32], "cpu", WarmupCount: 0, IterationCount: 1);

    /// <summary>A session that computes nothing; <paramref name="fail"/> (given the call number, 1 = the setup's pass) may throw.</summary>
    private sealed class StandIn(Func<int, Exception?>? fail = null) : IInferenceSession
    {
        private int _calls;
        public string Backend => "torchsharp";
        public string Device => "cpu";
        public string DeviceName => "stand-in";
        public void SetInput(float[] nchw, long[] shape) { }
        public void Run()
        {
            if (fail?.Invoke(++_calls) is { } e) throw e;
        }
        public (float[] Data, long[] Shape) GetOutput() => ([0.25f, 0.5f, 0.75f, 1f], [1, 1, 2, 2]);
        public double? DeviceMemoryMB() => null;
        public void Dispose() { }
    }

    /// <summary>An opener that records (variant, size) of each session it opens, except the FP32 reference's.</summary>
    private static SessionOpener Recording(List<string> opened, Func<Variant, int, Func<int, Exception?>?>? fail = null) => (v, _, _, h, w, _) =>
    {
        if (v.Name != "reference") opened.Add($"{v.Name} {h}x{w}");
        return new StandIn(fail?.Invoke(v, h));
    };

    private SweepResult Run(Sweep sweep, List<string> opened, bool resume = false, Func<Variant, int, Func<int, Exception?>?>? fail = null) =>
        SweepRunner.Run(sweep, _dir, new SweepRunOptions { Resume = resume, Open = Recording(opened, fail) });

    [Fact]
    public void A_resumed_run_keeps_its_finished_cases_and_measures_each_unfinished_case_again_whole()
    {
        var sweep = Sweep("resume-test", 16, 24, 32);
        var first = Run(sweep, []);
        Assert.Equal(6, first.Rows.Count);
        Assert.All(first.Rows, r => Assert.True(r.IsOk, r.Status));
        // the 24x24 case lost a row, the 32x32 case has an error row: both unfinished
        var store = new ResultsStore(_dir);
        var kept = store.Read().Where(r => !(r.H == 24 && !r.IsBaseline)).Select(r => r.H == 32 && r.IsBaseline ? r with { Status = "error: boom" } : r).ToList();
        File.Delete(store.CsvPath);
        store.Append(kept);
        var finished = kept.Where(r => r.H == 16).ToList();

        var opened = new List<string>();
        var resumed = Run(sweep, opened, resume: true);
        Assert.Equal(first.RunId, resumed.RunId);
        Assert.Equal((3, 1), (resumed.Planned, resumed.Resumed));
        Assert.Equal(["per-block fp32 24x24", "hoisted fp32 24x24", "per-block fp32 32x32", "hoisted fp32 32x32"], opened);
        var rows = store.Read();
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.True(r.IsOk && r.RunId == first.RunId, $"{r.RunId} {r.Status}"));
        Assert.Equal(finished.Select(r => (r.Variant, r.TimestampUtc)), rows.Where(r => r.H == 16).Select(r => (r.Variant, r.TimestampUtc)));

        var again = new List<string>();
        Assert.Equal((3, 3), (Run(sweep, again, resume: true).Planned, 3));
        Assert.Empty(again); // nothing left to measure
    }

    [Fact]
    public void A_resume_is_refused_in_one_line_for_another_machine_another_sweep_or_an_empty_folder()
    {
        var store = new ResultsStore(_dir);
        Assert.Equal($"--resume: {store.CsvPath} has no rows to continue; run without --resume to start",
            Assert.Throws<ArgumentException>(() => Run(Sweep("resume-test", 16), [], resume: true)).Message);
        var first = Run(Sweep("resume-test", 16), []);
        var here = store.Read()[0].Cpu;
        var moved = store.Read().Select(r => r with { Cpu = "Some Other CPU" }).ToList();
        File.Delete(store.CsvPath);
        store.Append(moved);
        Assert.Equal($"--resume: run {first.RunId} was measured on CPU 'Some Other CPU' and this machine has '{here}'; continue it on that machine or start a new run in another folder",
            Assert.Throws<ArgumentException>(() => Run(Sweep("resume-test", 16), [], resume: true)).Message);
        Assert.Equal($"--resume: the latest run in {store.Directory} is {first.RunId}, not a run of sweep other-test",
            Assert.Throws<ArgumentException>(() => Run(Sweep("other-test", 16), [], resume: true)).Message);
    }

    [Fact]
    public void A_case_that_runs_out_of_memory_becomes_a_failed_row_naming_the_size_and_the_sweep_goes_on()
    {
        // at 24x24 the baseline's session cannot be opened (an ONNX Runtime arena message) and the hoisted variant's
        // timed pass fails (libtorch's CUDA message); the cases before and after are measured
        var opened = new List<string>();
        var result = Run(Sweep("oom-test", 16, 24, 32), opened, fail: (v, side) => side != 24 ? null
            : v.IsBaseline ? _ => new OnnxRuntimeLikeException("BFCArena::AllocateRawInternal Failed to allocate memory for requested buffer of size 2147483648")
            : call => call == 2 ? new ExternalException("CUDA out of memory. Tried to allocate 1.50 GiB (GPU 0; 79.19 GiB total capacity)") : null);
        var rows = result.Rows;
        Assert.Equal(6, rows.Count);
        var failed = rows.Where(r => r.H == 24).OrderBy(r => r.Step).ToList();
        Assert.StartsWith("failed: out of memory at 24x24 (tried to allocate 2", failed[0].Status);
        Assert.StartsWith("failed: out of memory at 24x24 (tried to allocate 1.50 GiB", failed[1].Status);
        Assert.All(rows.Where(r => r.H != 24), r => Assert.True(r.IsOk, r.Status));
        Assert.Contains("hoisted fp32 32x32", opened); // the sweep went on
        Assert.True(ResumePoint.IsFinal(failed[0].Status) && ResumePoint.IsFinal(failed[1].Status));
        var again = new List<string>();
        Run(Sweep("oom-test", 16, 24, 32), again, resume: true);
        Assert.Empty(again); // an out-of-memory case is finished: a resumed run does not retry it
    }

    private sealed class OnnxRuntimeLikeException(string message) : Exception(message);

    [Fact]
    public void Sessions_are_kept_across_a_tasks_sizes_when_the_sweep_allows_and_every_case_is_prepared_and_measured()
    {
        var perCase = new List<string>();
        Run(Sweep("sizes-test", 16, 24, 32), perCase);
        Assert.Equal(6, perCase.Count); // one session per variant and case

        var acrossSizes = new List<string>();
        var result = SweepRunner.Run(Sweep("sizes-test", 16, 24, 32) with { SessionsAcrossSizes = true }, Path.Combine(_dir, "across"),
            new SweepRunOptions { Open = Recording(acrossSizes) });
        Assert.Equal(["per-block fp32 16x16", "hoisted fp32 16x16"], acrossSizes); // opened once, for the task's first case
        Assert.Equal(6, result.Rows.Count);
        Assert.All(result.Rows, r => Assert.True(r.IsOk && double.IsPositiveInfinity(r.FidelityPsnrDb) && r.DeviceName == "stand-in", r.Status));
        Assert.Equal([16, 24, 32], result.Rows.Select(r => r.H).Distinct().Order());
    }

    /// <summary>
    /// A stand-in interpreter for the peer runner: a shell script that runs python3 on a program answering every
    /// (case, mode) of the request with 11 samples around the mode's time (eager 100 ms, compile 50, max-autotune 40).
    /// </summary>
    private string StandInPython()
    {
        if (SwinBench.Peers.PeerRunner.ResolveInterpreter("python3") is null) Assert.Skip("python3 is not on the PATH: the stand-in interpreter needs it");
        var program = Path.Combine(_dir, "peers.py");
        File.WriteAllText(program, """
            import json, sys
            request = json.load(open(sys.argv[sys.argv.index("--request") + 1]))
            ms = {"eager-fp32-perblock": 100.0, "compile-dynamic": 50.0, "compile-max-autotune-no-cudagraphs": 40.0}
            for case in request["cases"]:
                for mode in request["modes"]:
                    samples = [ms[mode] + d for d in (-1, 0, 1, 0, -1, 1, 0, 0, -1, 1, 0)]
                    print(json.dumps({"case": case["id"], "task": case["task"], "h": case["h"], "w": case["w"], "mode": mode,
                                      "precision": "fp32" if mode.startswith("eager") else "fp16", "mask": "perblock",
                                      "device": request["device"], "status": "ok", "samples_ms": samples,
                                      "iterations": len(samples), "warmup": request["warmup"]}), flush=True)
            """);
        var script = Path.Combine(_dir, "python");
        File.WriteAllText(script, $"#!/bin/sh\nexec python3 {program} \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [Fact]
    public void Peer_variants_join_their_cases_with_speedups_over_the_peer_baseline_and_the_per_shape_compile_runs_on_one_case()
    {
        var python = StandInPython();
        var spec = new QuestionSpec(typeof(CountingQuestion), "peered", "a measured variant beside three peer variants",
            [new Variant("torchsharp-fp32", new ModelOptions { Mask = MaskMode.Hoisted })],
            [
                new PeerVariant("pytorch-eager-fp32", SwinBench.Peers.PeerMode.Get("eager-fp32-perblock"), 0, IsBaseline: true),
                new PeerVariant("pytorch-compile", SwinBench.Peers.PeerMode.Get("compile-dynamic"), 1),
                new PeerVariant("pytorch-compile-max-autotune", SwinBench.Peers.PeerMode.Get("compile-max-autotune-no-cudagraphs"), 3, OneCasePerRun: true),
            ]) { RowVariant = VariantColumn.Name };
        var sweep = new Sweep("peered-test", "one task, two sizes", [spec], [BenchCase.Custom(Light, 16, 16), BenchCase.Custom(Light, 24, 24)],
            [], "cpu", WarmupCount: 0, IterationCount: 1) { SessionsAcrossSizes = true };
        var result = SweepRunner.Run(sweep, _dir, new SweepRunOptions { Open = Recording([]), Python = python });

        var rows = new ResultsStore(_dir).Read();
        Assert.Equal(7, rows.Count); // 2 cases x (1 measured + 2 peers) + 1 per-shape compile
        Assert.Equal(rows.Count, result.Rows.Count);
        foreach (var c in rows.GroupBy(r => r.H))
        {
            var byName = c.ToDictionary(r => r.Variant);
            Assert.Equal(("pytorch", 0, true, 1.0), (byName["pytorch-eager-fp32"].Backend, byName["pytorch-eager-fp32"].Step, byName["pytorch-eager-fp32"].IsBaseline, byName["pytorch-eager-fp32"].Speedup));
            Assert.Equal((1, 2.0), (byName["pytorch-compile"].Step, byName["pytorch-compile"].Speedup));
            Assert.Equal(("torchsharp", 2, "ratio of medians"), (byName["torchsharp-fp32"].Backend, byName["torchsharp-fp32"].Step, byName["torchsharp-fp32"].SpeedupMethod));
            Assert.True(double.IsFinite(byName["torchsharp-fp32"].Speedup));
            Assert.Equal(c.Key == 16, byName.ContainsKey("pytorch-compile-max-autotune"));
        }
        Assert.Equal(2.5, rows.Single(r => r.Variant == "pytorch-compile-max-autotune").Speedup);
        Assert.All(rows, r => Assert.Equal(result.RunId, r.RunId));
        var reopened = new List<string>();
        var resumed = SweepRunner.Run(sweep, _dir, new SweepRunOptions { Open = Recording(reopened), Python = python, Resume = true });
        Assert.Equal((2, 2, 7), (resumed.Planned, resumed.Resumed, resumed.Rows.Count)); // both cases finished, peers included
        Assert.Empty(reopened);
    }
}

