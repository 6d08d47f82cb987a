using System.CommandLine;
using SwinBench.Benchmarks;
using SwinBench.Results;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench quick</c>, the README's main command: a small CPU sweep (per-block vs hoisted masks on lightweight x2 at
/// Set5's and Set14's median sizes) through BenchmarkDotNet, then CSV, charts and report, and a table.
/// </summary>
public static class QuickCommand
{
    public static Command Create()
    {
        var common = new SweepOptions();
        var cmd = new Command("quick", "small sweep (per-block vs hoisted, lightweight x2) on the CPU or --device: CSV, charts, report and a table");
        common.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var sweep = common.Apply(r, Sweep.Get("quick", common.Manifest(r)));
            var (outDir, existed) = common.OutDir(r, sweep);
            return ResultsFolder.Run(outDir, existed, () =>
            {
                Console.WriteLine($"quick on {sweep.Device}: {sweep.Description} -> {outDir}");
                var rows = SweepRunner.Run(sweep, outDir, [], Console.WriteLine);
                ResultFormat.PrintTable(rows, Console.Out);
                var report = ResultsVerbs.Execute(outDir, withReport: true, Console.Out, Console.Error);
                return report != 0 ? report : rows.All(x => x.IsOk) ? 0 : 1;
            });
        }));
        return cmd;
    }

    internal static string Db(double v) => double.IsPositiveInfinity(v) ? "identical" : double.IsNaN(v) ? "n/a" : $"{v:F2} dB";
}
