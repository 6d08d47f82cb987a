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
                Console.WriteLine();
                Console.WriteLine($"{"case",-36} {"variant",-26} {"median ms",10} {"p95 ms",9} {"speedup",8} {"PSNR vs FP32",13}");
                foreach (var x in rows.OrderBy(x => x.Dataset).ThenBy(x => x.Step))
                    Console.WriteLine($"{$"{x.Task} {x.Dataset}/{x.SizeClass} {x.H}x{x.W}",-36} {x.Variant,-26} {x.MedianMs,10:F1} {x.P95Ms,9:F1} {x.Speedup,7:F2}x {Db(x.FidelityPsnrDb),13}");
                var report = ResultsVerbs.Execute(outDir, withReport: true, Console.Out, Console.Error);
                return report != 0 ? report : rows.All(x => x.IsOk) ? 0 : 1;
            });
        }));
        return cmd;
    }

    internal static string Db(double v) => double.IsPositiveInfinity(v) ? "identical" : double.IsNaN(v) ? "n/a" : $"{v:F2} dB";
}
