using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Peers;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// The peers question: how fast is the same SwinIR in PyTorch (eager FP32 per-block, eager FP16 hoisted, and
/// torch.compile's default, max-autotune-no-cudagraphs and reduce-overhead modes), on the sweep's cases? Not a
/// BenchmarkDotNet class: the peers run in a Python process (<see cref="PeerRunner"/>), which times with CUDA events.
/// Each case's rows (backend <c>pytorch</c>) are appended to the sweep's results.csv as soon as the case finishes.
/// </summary>
public static class PeersQuestion
{
    /// <summary>
    /// The question's sweep: classical x2 and lightweight x2 at 384x512, 114x172 (Set5's median LR size, 172x114, turned
    /// on its side: the same pixels, so Set5 itself is left out) and Urban100's median size.
    /// </summary>
    public static Sweep Sweep(DatasetManifest m)
    {
        string[] tasks = ["classical-x2", "lightweight-x2"];
        var cases = tasks.SelectMany(t => new[] { BenchCase.Custom(BenchTask.Get(t), 384, 512), BenchCase.Custom(BenchTask.Get(t), 114, 172) }
                .Concat(BenchCase.For(BenchTask.Get(t), m, new[] { "Urban100" }.Where(m.Contains), SizePick.Median)))
            .ToList();
        return new Sweep("peers-gpu",
            "CUDA: SwinBench's PyTorch SwinIR as the peer (eager FP32 per-block, eager FP16 hoisted, torch.compile default / max-autotune-no-cudagraphs / reduce-overhead, FP16); classical x2 and lightweight x2 at 384x512, 114x172 and Urban100's median size",
            [], cases, [Precision.Fp32, Precision.Fp16], "cuda", WarmupCount: 5, IterationCount: 20);
    }

    /// <summary>
    /// Runs the peers on the sweep's cases and merges each row into <paramref name="outDir"/>/results.csv as soon as it
    /// arrives (<see cref="ResultsStore.AppendToQuestion"/>: speedups recomputed), so a stopped run keeps every mode
    /// that finished. Without <paramref name="join"/> the rows are their own question, <c>peers</c>, whose baseline is
    /// eager FP32 per-block; with it they join the latest run of that SwinBench question in the folder (its run id, not
    /// baselines, steps after its variants), so their speedups are over that question's baseline for the same case.
    /// Returns one row per (case, mode), in order.
    /// </summary>
    public static IReadOnlyList<ResultRow> Run(Sweep sweep, string outDir, PeerRunnerOptions options, Action<string> log, string? join = null)
    {
        var store = new ResultsStore(outDir);
        var env = EnvironmentInfo.Capture();
        var runId = ResumePoint.NewRunId(sweep.Name);
        if (join is not null)
            runId = store.LatestRunId(join)
                    ?? throw new ArgumentException($"--join {join}: {store.CsvPath} has no row of question '{join}' to join; run that question into the folder first");
        var joinedSteps = join is null ? 0 : store.Read().Where(r => r.RunId == runId && r.Question == join).Select(r => r.Step + 1).DefaultIfEmpty(0).Max();
        var cases = PeerPhase.PeerCases(sweep, sweep.Cases);
        var byId = cases.ToDictionary(c => c.Id);
        var runner = new PeerRunner(options with
        {
            Device = sweep.Device,
            Warmup = sweep.WarmupCount,
            Iterations = sweep.IterationCount,
        });
        var rowsByCase = cases.ToDictionary(c => c.Id, _ => new SortedDictionary<int, ResultRow>());
        log($"peers: {cases.Count} cases x {runner.Options.Modes.Count} modes on {sweep.Device} with {options.Python} -> {outDir}" +
            (join is null ? "" : $" (joining question {join}, run {runId})"));
        runner.Run(cases, m =>
        {
            if (!byId.TryGetValue(m.Case, out var c) || !runner.Options.Modes.Any(x => x.Name == m.Mode))
            {
                log($"peers: ignoring a row for an unknown case or mode: '{m.Case}' {m.Mode}");
                return;
            }
            var row = PeerRows.ToRow(m, c, runId, env);
            if (join is not null) row = row with { Question = join, IsBaseline = false, Step = joinedSteps + row.Step };
            var rows = rowsByCase[m.Case];
            rows[runner.Options.Modes.ToList().FindIndex(x => x.Name == m.Mode)] = row;
            var merged = store.AppendToQuestion(rows.Values);
            foreach (var key in rows.Keys.ToList())
                rows[key] = merged.First(r => r.Key == rows[key].Key); // with the speedups the file now holds
        }, line => log("  | " + line));
        return cases.SelectMany(c => rowsByCase[c.Id].Values).ToList();
    }
}
