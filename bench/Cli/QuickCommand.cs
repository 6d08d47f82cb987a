using System.CommandLine;
using SwinBench.Benchmarks;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench quick</c>, the README's first command: a small CPU sweep (<see cref="Sweep.Quick"/>: by default
/// TorchSharp vs ONNX Runtime plain and with the swinbench ops; <c>--question mask-hoisting</c>: per-block vs hoisted
/// masks) through BenchmarkDotNet, printed as a header, one line per round and one table; CSV, charts and report in the
/// results folder.
/// </summary>
public static class QuickCommand
{
    public static Command Create()
    {
        var common = new SweepOptions();
        var question = new Option<string?>("--question")
        {
            Description = $"what quick asks: {string.Join(" or ", Sweep.QuickQuestions.Select(q => q.Name))} (default {Sweep.QuickQuestions[0].Name})",
        };
        var cmd = new Command("quick", "small sweep on the CPU or --device (TorchSharp vs ONNX Runtime, lightweight x4 at Set5's median size): CSV, charts, report and a table");
        cmd.Options.Add(question);
        common.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var sweep = common.Apply(r, Sweep.Quick(common.Manifest(r), r.GetValue(question)));
            var (outDir, existed) = common.OutDir(r, sweep);
            var spec = sweep.Questions[0];
            var header = $"quick: {spec.Name} on {sweep.Device}: {spec.Title}; {string.Join(", ", sweep.Cases)}; " +
                         $"{sweep.Rounds} rounds of {sweep.IterationCount} forward pass(es) per variant -> {outDir}";
            return SweepVerb.Execute(sweep, outDir, existed, header, new SweepRunOptions());
        }));
        return cmd;
    }

    internal static string Db(double v) => double.IsPositiveInfinity(v) ? "identical" : double.IsNaN(v) ? "n/a" : $"{v:F2} dB";
}
