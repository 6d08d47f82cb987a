using SwinBench.Peers;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// The peer variants of a question (<see cref="QuestionSpec.Peers"/>) for one task's cases of a sweep run: one
/// <see cref="PeerRunner"/> call (one Python process, so a dynamic-shape <c>torch.compile</c> compiles once) for the
/// variants of every case, and one more for the variants of one case per run (<see cref="PeerVariant.OneCasePerRun"/>,
/// on <see cref="OneCaseOf"/>). Each peer row joins its case's rows, the case's speedups are filled again (the baseline
/// may be a peer) and the case is written again. Rows that arrive after Ctrl-C are dropped: their case stays
/// unfinished and a resumed run measures it again.
/// </summary>
public static class PeerPhase
{
    public static void Run(SweepRun run, QuestionSpec question, IReadOnlyDictionary<BenchCase, List<ResultRow>> caseRows, ResultsStore store,
        EnvironmentInfo env, SweepRunOptions options)
    {
        var cases = caseRows.Keys.ToList();
        Call(run, question, cases, question.Peers.Where(p => !p.OneCasePerRun).ToList(), caseRows, store, env, options);
        var one = OneCaseOf(run.Sweep);
        if (cases.Contains(one)) Call(run, question, [one], question.Peers.Where(p => p.OneCasePerRun).ToList(), caseRows, store, env, options);
    }

    /// <summary>The peer variants a case of <paramref name="question"/> gets in <paramref name="sweep"/>.</summary>
    public static IEnumerable<PeerVariant> PeersOf(QuestionSpec question, BenchCase c, Sweep sweep) =>
        question.Peers.Where(p => !p.OneCasePerRun || c == OneCaseOf(sweep));

    /// <summary>The case that gets the one-case-per-run peer variants: the sweep's first median-size case (else its first).</summary>
    public static BenchCase OneCaseOf(Sweep sweep) => sweep.Cases.FirstOrDefault(c => c.SizeClass == "median") ?? sweep.Cases[0];

    /// <summary>The interpreter of the peers: the option, else the GPU machine's venv when it exists, else python3 on the PATH.</summary>
    public static string Python(SweepRunOptions options) =>
        options.Python ?? (File.Exists(PeerRunnerOptions.DefaultPython) ? PeerRunnerOptions.DefaultPython : "python3");

    /// <summary>The peer runner's cases: each case with the sweep's official weights of its preset (null: seeded random init).</summary>
    public static List<PeerCase> PeerCases(Sweep sweep, IEnumerable<BenchCase> cases) =>
        cases.Select(c => new PeerCase(c, sweep.Weights.TryGetValue(c.Task.PresetName, out var w) ? w : null)).ToList();

    private static void Call(SweepRun run, QuestionSpec question, IReadOnlyList<BenchCase> cases, IReadOnlyList<PeerVariant> peers,
        IReadOnlyDictionary<BenchCase, List<ResultRow>> caseRows, ResultsStore store, EnvironmentInfo env, SweepRunOptions options)
    {
        if (peers.Count == 0 || cases.Count == 0 || options.Stop.IsCancellationRequested) return;
        var sweep = run.Sweep;
        var peerCases = PeerCases(sweep, cases);
        var byId = peerCases.ToDictionary(c => c.Id);
        var runner = new PeerRunner(new PeerRunnerOptions
        {
            Python = Python(options),
            Device = sweep.Device,
            Warmup = sweep.WarmupCount,
            Iterations = sweep.IterationCount,
            Modes = peers.Select(p => p.Mode).ToList(),
        });
        options.Log($"peers: {string.Join(", ", peers.Select(p => p.Name))} on {cases.Count} case(s) of {cases[0].Task.Name} with {runner.Options.Python}");
        runner.Run(peerCases, m =>
        {
            if (options.Stop.IsCancellationRequested) return;
            if (!byId.TryGetValue(m.Case, out var c) || peers.FirstOrDefault(p => p.Mode.Name == m.Mode) is not { } peer)
            {
                options.Log($"peers: ignoring a row for an unknown case or mode: '{m.Case}' {m.Mode}");
                return;
            }
            var row = RowBuilder.FromPeer(question, peer, m, c, run.Id, env);
            var rows = caseRows[c.Case];
            rows.RemoveAll(r => r.Variant == row.Variant);
            rows.Add(row);
            ResultMath.FillSpeedups(rows);
            store.Append(rows);
            options.Log($"  {c.Case} {peer.Name}: {(row.IsOk ? $"{row.MedianMs:F2} ms" : row.Status)}");
        }, line => options.Log("  | " + line));
    }
}
