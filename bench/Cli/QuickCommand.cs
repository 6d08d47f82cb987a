using System.CommandLine;
using System.Diagnostics;
using SwinBench.Backends;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Cli;

/// <summary><c>swinbench quick</c>: PerBlock vs Hoisted masks on a small lightweight-x2 input on the CPU, as a table.</summary>
public static class QuickCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "input side (LR pixels)", DefaultValueFactory = _ => 64 };
        var reps = new Option<int>("--reps") { Description = "timed runs per variant (after one warm-up)", DefaultValueFactory = _ => 5 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var cmd = new Command("quick", "small sweep: per-block vs hoisted masks on lightweight-x2, printed as a table");
        cmd.Options.Add(size);
        cmd.Options.Add(reps);
        cmd.Options.Add(device);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var dev = TorchDevices.Resolve(r.GetValue(device)!);
            var n = r.GetValue(size);
            var repeats = r.GetValue(reps);
            if (n < 5) throw new ArgumentException($"--size {n} is too small (at least 5)");
            if (repeats < 1) throw new ArgumentException($"--reps must be >= 1, got {repeats}");
            var preset = Presets.Get("lightweight-x2");
            random.manual_seed(1);
            using var x = rand(1, 3, n, n);
            Console.WriteLine($"lightweight-x2 (SwinIR-S, random init), input 1x3x{n}x{n}, {dev}, {repeats} runs after 1 warm-up");
            Tensor? reference = null;
            double? baseline = null;
            Console.WriteLine($"{"variant",-28} {"median ms",10} {"min ms",10} {"speedup",8} {"max|d| vs perblock",20} {"masks/forward",14}");
            foreach (var mode in new[] { MaskMode.PerBlock, MaskMode.Hoisted })
            {
                var options = new ModelOptions { Mask = mode };
                using var runner = new TorchSharpRunner(ModelFactory.CreateRandom(preset.Config, options, seed: 0), dev);
                using var y = runner.Run(x); // warm-up
                var before = runner.Model.Masks.MasksBuilt;
                var times = new List<double>();
                for (var i = 0; i < repeats; i++)
                {
                    var sw = Stopwatch.StartNew();
                    using var yi = runner.Run(x);
                    sw.Stop();
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                var masksPerForward = (runner.Model.Masks.MasksBuilt - before) / (double)repeats;
                times.Sort();
                var median = times[times.Count / 2];
                baseline ??= median;
                reference ??= y.clone();
                var maxd = (y - reference).abs().max().item<float>();
                Console.WriteLine($"{options.Label,-28} {median,10:F1} {times[0],10:F1} {baseline / median,7:F2}x {maxd,20:E2} {masksPerForward,14:F0}");
            }
            reference?.Dispose();
            return 0;
        }));
        return cmd;
    }
}
