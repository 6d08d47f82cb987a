using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>One case of one question as the runner runs it: the benchmark cases to time and the variants that cannot run here.</summary>
public sealed record PlannedCase(QuestionSpec Question, BenchCase Case, IReadOnlyList<BenchmarkCase> Runnable,
    IReadOnlyList<(Variant Variant, string Reason)> Unavailable);

/// <summary>How <see cref="SweepRunner.Run"/> runs a sweep besides the sweep itself.</summary>
public sealed record SweepRunOptions
{
    /// <summary>BenchmarkDotNet globs over <c>Namespace.Class.Method</c> and parameters; none: all.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>Continue the latest run in the results folder (<see cref="ResumePoint"/>) instead of starting one.</summary>
    public bool Resume { get; init; }

    /// <summary>Set by Ctrl-C: the runner stops after the current measurement and keeps the finished cases.</summary>
    public CancellationToken Stop { get; init; }

    /// <summary>How sessions are opened (tests put a failing stand-in here).</summary>
    public SessionOpener? Open { get; init; }

    /// <summary>The Python interpreter of the peer variants (null: the GPU machine's venv when it exists, else python3).</summary>
    public string? Python { get; init; }

    /// <summary>Progress lines (one per round, and the peers' lines).</summary>
    public Action<string> Log { get; init; } = _ => { };
}

/// <summary>What a sweep run did: its id, the rows of the run now in the results file, and whether Ctrl-C stopped it.</summary>
public sealed record SweepResult(string RunId, IReadOnlyList<ResultRow> Rows, int Planned, int Resumed, bool Interrupted);

/// <summary>
/// Runs a <see cref="Sweep"/> through BenchmarkDotNet, one case of one question at a time (all its variants together,
/// so the baseline is there), in <see cref="Sweep.Rounds"/> rounds of alternating variant order whose samples make one
/// row per variant (with each round's median, for paired speedups: <see cref="ResultMath.SpeedupOf"/>), and appends
/// that case's rows to results.csv as soon as it finishes. A question with peer variants gets them from one
/// <see cref="PeerPhase"/> per task, after the task's cases, and each case's rows are written again with the peers and
/// their speedups. With <see cref="SweepRunOptions.Resume"/> the cases the folder's latest run finished are skipped and
/// the others measured again, whole. BenchmarkDotNet's log goes to <c>raw/benchmarkdotnet.log</c>, its artifacts to
/// <c>raw/bdn</c>, and the manifest the cases came from to <c>raw/manifest.csv</c>.
/// </summary>
public static class SweepRunner
{
    /// <summary>The file of BenchmarkDotNet's log in the results folder's raw/.</summary>
    public const string BenchmarkLog = "benchmarkdotnet.log";

    public static SweepResult Run(Sweep sweep, string outDir, SweepRunOptions options)
    {
        TorchDevices.Resolve(sweep.Device); // fail early, with the reason, when the device is not here
        var cuda = TorchDevices.IsCuda(sweep.Device);
        if (sweep.CpuThreads is { } threads && !cuda) TorchSharp.torch.set_num_threads(threads);
        var store = new ResultsStore(outDir);
        var env = RunEnvironment.Capture();
        var resume = options.Resume ? ResumePoint.Of(store, sweep, env) : ResumePoint.Start(sweep);
        var raw = Directory.CreateDirectory(Path.Combine(outDir, ResultsStore.RawFolder)).FullName;
        File.Copy(sweep.Manifest.Source, Path.Combine(outDir, Reporting.StudyManifest.RunManifest), overwrite: true);
        using var bdnLog = new StreamLogger(Path.Combine(raw, BenchmarkLog), append: true);
        var run = new SweepRun(sweep, resume.RunId, options.Open);
        var plan = Plan(run, SwinBenchConfig.For(sweep, Path.Combine(raw, "bdn"), bdnLog), options.Filters);
        var todo = plan.Where(p => !resume.IsComplete(p, sweep)).ToList();
        resume.ForgetIncomplete(store, todo);
        var progress = new RoundProgress(todo.Count(p => p.Runnable.Count > 0) * Math.Max(1, sweep.Rounds), options.Log);
        var interrupted = false;
        var group = new List<(PlannedCase Planned, List<ResultRow> Rows)>();
        foreach (var planned in todo)
        {
            if (group.Count > 0 && !SameGroup(group[0].Planned, planned)) EndGroup(run, group, store, env, options);
            if (options.Stop.IsCancellationRequested || MeasureCase(run, planned, progress, options.Stop) is not { } rows)
            {
                interrupted = true;
                break;
            }
            rows = rows.Select(r => (r with { RunId = run.Id, TimestampUtc = DateTime.UtcNow }).WithEnvironment(env)).ToList();
            ResultMath.FillSpeedups(rows);
            store.Append(rows);
            group.Add((planned, rows));
            run.Sessions.ReleaseCaseSessions();
            run.ForgetCase(planned.Case);
        }
        EndGroup(run, group, store, env, options);
        var written = store.Read().Where(r => r.RunId == run.Id).ToList();
        return new SweepResult(run.Id, written, plan.Count, plan.Count - todo.Count, interrupted || options.Stop.IsCancellationRequested);
    }

    /// <summary>Cases of one question and task share kept sessions and one peer phase.</summary>
    private static bool SameGroup(PlannedCase a, PlannedCase b) => a.Question == b.Question && a.Case.Task == b.Case.Task;

    /// <summary>The end of a question's task: its kept sessions are disposed, then its peer variants run on its cases.</summary>
    private static void EndGroup(SweepRun run, List<(PlannedCase Planned, List<ResultRow> Rows)> group, ResultsStore store,
        EnvironmentInfo env, SweepRunOptions options)
    {
        run.Sessions.Clear();
        if (group.Count > 0 && group[0].Planned.Question.Peers.Count > 0 && !options.Stop.IsCancellationRequested)
            PeerPhase.Run(run, group[0].Planned.Question, group.ToDictionary(g => g.Planned.Case, g => g.Rows), store, env, options);
        group.Clear();
    }

    /// <summary>The plan of <see cref="Plan(SweepRun, ManualConfig, IReadOnlyList{string})"/> with a configuration that logs nothing.</summary>
    public static IReadOnlyList<PlannedCase> Plan(SweepRun run, IReadOnlyList<string>? filters = null) =>
        Plan(run, SwinBenchConfig.For(run.Sweep, Path.Combine(Path.GetTempPath(), "swinbench-bdn"), new StreamLogger(StreamWriter.Null)), filters ?? []);

    /// <summary>
    /// What a sweep runs: per question and case, the BenchmarkDotNet cases (parameters: the question, the variant, the
    /// case and the run) that pass <paramref name="filters"/> (BenchmarkDotNet globs; none: all), and the variants that cannot run
    /// on the sweep's device, with <see cref="SessionFactory.UnavailableReason"/>.
    /// </summary>
    public static IReadOnlyList<PlannedCase> Plan(SweepRun run, ManualConfig config, IReadOnlyList<string> filters)
    {
        var sweep = run.Sweep;
        var filter = filters.Count > 0 ? new GlobFilter(filters.ToArray()) : null;
        var plan = new List<PlannedCase>();
        foreach (var spec in sweep.Questions)
        {
            var type = spec.Benchmark ?? throw new ArgumentException($"question {spec.Name} has no benchmark class: a sweep cannot run it");
            var template = BenchmarkConverter.TypeToBenchmarks(type, config).BenchmarksCases.Single();
            var variants = spec.VariantsFor(sweep.Precisions);
            foreach (var c in sweep.Cases)
            {
                var selected = variants.Select(v => (Variant: v, Case: Create(template, spec, v, c, run))).Where(x => filter?.Predicate(x.Case) ?? true).ToList();
                if (selected.Count == 0) continue;
                var unavailable = selected.Select(x => (x.Variant, Reason: SessionFactory.UnavailableReason(x.Variant, sweep.Device))).Where(x => x.Reason is not null).ToList();
                plan.Add(new PlannedCase(spec, c, selected.Where(x => unavailable.All(u => u.Variant != x.Variant)).Select(x => x.Case).ToList(),
                    unavailable.Select(u => (u.Variant, u.Reason!)).ToList()));
            }
        }
        return plan;
    }

    private static readonly ParameterDefinition SpecParameter = new(nameof(Question.Spec), false, [], false, typeof(QuestionSpec), 0);
    private static readonly ParameterDefinition VariantParameter = new(nameof(Question.Variant), false, [], false, typeof(Variant), 1);
    private static readonly ParameterDefinition CaseParameter = new(nameof(Question.Case), false, [], false, typeof(BenchCase), 2);
    private static readonly ParameterDefinition RunParameter = new(nameof(Question.Run), false, [], false, typeof(SweepRun), 3);

    /// <summary>The benchmark case of one variant and input of a question in a run: the question's method with these four parameter values.</summary>
    private static BenchmarkCase Create(BenchmarkCase template, QuestionSpec spec, Variant v, BenchCase c, SweepRun run) =>
        BenchmarkCase.Create(template.Descriptor, template.Job, new ParameterInstances(
        [
            new ParameterInstance(SpecParameter, spec, SummaryStyle.Default),
            new ParameterInstance(VariantParameter, v, SummaryStyle.Default),
            new ParameterInstance(CaseParameter, c, SummaryStyle.Default),
            new ParameterInstance(RunParameter, run, SummaryStyle.Default),
        ]), template.Config);

    public static Variant VariantOf(BenchmarkCase bc) => (Variant)bc.Parameters[nameof(Question.Variant)];

    public static BenchCase CaseOf(BenchmarkCase bc) => (BenchCase)bc.Parameters[nameof(Question.Case)];

    /// <summary>
    /// Runs the case's variants <see cref="Sweep.Rounds"/> times, reversing their order every other round, records each
    /// round's timed samples (ms per operation) in the run, and returns the case's rows; a variant that failed is not run
    /// again. Null when <paramref name="stop"/> was set before the case's last round: its rows would not be whole.
    /// </summary>
    private static List<ResultRow>? MeasureCase(SweepRun run, PlannedCase planned, RoundProgress progress, CancellationToken stop)
    {
        var active = planned.Runnable.ToList();
        var rounds = planned.Runnable.Count == 0 ? 0 : Math.Max(1, run.Sweep.Rounds);
        for (var round = 0; round < rounds; round++)
        {
            if (round > 0 && stop.IsCancellationRequested) return null;
            if (active.Count > 0)
            {
                var order = round % 2 == 0 ? active : Enumerable.Reverse(active).ToList();
                var summary = BenchmarkRunner.Run(new BenchmarkRunInfo(order.ToArray(), order[0].Descriptor.Type, order[0].Config));
                foreach (var report in summary.Reports)
                {
                    var key = new MeasurementKey(planned.Question.Name, VariantOf(report.BenchmarkCase), planned.Case);
                    var samples = report.Success ? SamplesMs(report) : null;
                    run.Samples.AddRound(key, round, samples);
                    if (samples is not { Count: > 0 }) active.Remove(report.BenchmarkCase);
                }
            }
            progress.RoundDone(planned.Case.ToString());
        }
        return RowBuilder.Rows(planned, run);
    }

    /// <summary>The timed samples of a report in ms per operation: the workload iterations of the result stage.</summary>
    public static List<double> SamplesMs(BenchmarkReport report) =>
        report.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Result && m.Operations > 0)
            .Select(m => m.Nanoseconds / m.Operations / 1e6)
            .ToList();
}
