using System.Diagnostics;
using System.Runtime.InteropServices;
using SwinBench.Results;

namespace SwinBench.Tests.Cli;

/// <summary>
/// Runs that survive interruption, with the real CLI as a child process on a tiny CPU sweep (the mask-construction
/// question at the sizes of a four-image manifest plus its 384x512 case: five cases of two variants, no model to
/// build): Ctrl-C keeps the finished cases and exits 130, <c>--resume</c> finishes the run, and a writer killed in
/// the middle of an append leaves a results.csv whose every row is whole.
/// </summary>
public sealed class RunResumeCliTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string Manifest()
    {
        var path = _tmp.File("tiny-manifest.csv");
        File.WriteAllText(path, "dataset,name,height,width,channels,format\nSet5,a,16,16,3,png\nSet5,b,24,16,3,png\nSet14,c,16,32,3,png\nSet14,d,32,32,3,png\n");
        return path;
    }

    private string[] Sweep(string outDir, params string[] extra) =>
        ["run", "--sweep", "mask-kernel", "--device", "cpu", "--manifest", Manifest(), "--synthetic", "--iterations", "1", "--out", outDir, .. extra];

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private const int SigInt = 2;

    /// <summary>The rows of the file, read strictly (a row with a missing or extra field, or broken quoting, throws).</summary>
    private static IReadOnlyList<ResultRow> WholeRows(string dir)
    {
        var store = new ResultsStore(dir);
        var rows = store.Read();
        Assert.All(rows, r => Assert.True(r.RunId.Length > 0 && r.Status.Length > 0 && r.GitCommit.Length > 0, r.ToString()));
        Assert.Equal(rows.Count + 1, File.ReadLines(store.CsvPath).Count());
        return rows;
    }

    private static void WaitFor(Func<bool> condition, Process p, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(p.HasExited, $"the sweep exited (code {(p.HasExited ? p.ExitCode : 0)}) before {what}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"no {what} within 4 minutes");
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void Ctrl_c_stops_after_the_current_measurement_keeps_the_finished_cases_writes_the_report_and_exits_130_and_resume_finishes_the_run()
    {
        var outDir = _tmp.File("run");
        var csv = Path.Combine(outDir, ResultsStore.FileName);
        using (var p = SwinBenchProcess.Start(new Dictionary<string, string>(), Sweep(outDir)))
        {
            WaitFor(() => File.Exists(csv), p, "first finished case");
            Assert.Equal(0, Kill(p.Id, SigInt));
            var r = SwinBenchProcess.Finish(p, ["run (interrupted)"]);
            Assert.True(r.ExitCode == 130, r.ToString());
            Assert.Contains("interrupt: stopping after the current measurement", r.Stderr);
            Assert.Contains($"--out {outDir} --resume", r.Stderr);
        }
        var kept = WholeRows(outDir);
        var cases = kept.GroupBy(x => (x.Task, x.Dataset, x.SizeClass, x.H, x.W)).ToList();
        Assert.InRange(cases.Count, 1, 4); // the finished cases, whole; the sweep stopped before its last
        Assert.All(cases, c => Assert.Equal(2, c.Count()));
        Assert.All(kept, x => Assert.True(x.IsOk || x.Status.StartsWith("unavailable: ", StringComparison.Ordinal), x.Status));
        Assert.True(File.Exists(Path.Combine(outDir, "REPORT.md")), "the report covers the finished cases");

        var resumed = SwinBenchProcess.Run(Sweep(outDir, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"kept {cases.Count} finished case(s) of run {kept[0].RunId}", resumed.Stdout);
        var all = WholeRows(outDir);
        Assert.Equal(10, all.Count);
        Assert.All(all, x => Assert.True(x.RunId == kept[0].RunId && (x.IsOk || x.Status.StartsWith("unavailable: ", StringComparison.Ordinal)), $"{x.RunId} {x.Status}"));
        // the kept cases were not measured again
        var keptTimes = kept.ToDictionary(x => x.Key, x => x.TimestampUtc);
        Assert.Equal(keptTimes, all.Where(x => keptTimes.ContainsKey(x.Key)).ToDictionary(x => x.Key, x => x.TimestampUtc));
    }

    [Fact]
    public void A_writer_killed_in_the_middle_of_an_append_leaves_a_results_csv_whose_every_row_is_whole()
    {
        // a large earlier run in the folder makes each append's rewrite long enough to be caught in the act
        var outDir = _tmp.File("killed");
        var store = new ResultsStore(outDir);
        var seed = Enumerable.Range(0, 30000).Select(i => new ResultRow
        {
            RunId = "seed-20260101T000000Z", TimestampUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), Question = "seed",
            Task = "lightweight-x2", Variant = $"v{i}", Image = $"image, \"{i}\"", Status = "ok", GitCommit = "seed",
        }).ToList();
        store.Append(seed);
        var caught = false;
        for (var attempt = 0; attempt < 4 && !caught; attempt++)
        {
            using var p = SwinBenchProcess.Start(new Dictionary<string, string>(), Sweep(outDir, attempt > 0 ? ["--resume"] : []));
            var before = WholeRows(outDir).Count;
            try
            {
                WaitFor(() => Directory.EnumerateFiles(outDir, ResultsStore.FileName + ".tmp-*").Any(), p, "append");
            }
            catch
            {
                p.Kill();
                throw;
            }
            p.Kill(); // SIGKILL: no handler runs
            p.WaitForExit();
            caught = Directory.EnumerateFiles(outDir, ResultsStore.FileName + ".tmp-*").Any(); // killed before the rename
            var rows = WholeRows(outDir);
            Assert.True(rows.Count >= before, $"{rows.Count} rows after the kill, {before} before");
            Assert.Equal(seed.Select(x => x.Variant), rows.Where(x => x.Question == "seed").Select(x => x.Variant));
        }
        Assert.True(caught, "no kill landed in the middle of an append in four attempts");
    }
}
