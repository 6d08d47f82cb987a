using System.CommandLine;
using SwinBench.Benchmarks;
using SwinBench.Peers;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench peers</c>: the peers question (<see cref="PeersQuestion"/>) on the peers-gpu sweep's cases, through a
/// Python interpreter with PyTorch; rows with backend <c>pytorch</c> go into the results folder (give <c>--out</c> the
/// folder of a SwinBench sweep to compare in one results.csv). An interpreter without PyTorch is found before anything is
/// written (<see cref="Unavailable"/>) and, like every backend that cannot run here, exits 3 with one line; so does a run
/// whose every row came back <c>unavailable: pytorch: …</c>.
/// </summary>
public static class PeersCommand
{
    public static Command Create()
    {
        var python = new Option<string>("--python")
        {
            Description = $"Python interpreter with PyTorch (default {PeerRunnerOptions.DefaultPython})",
            DefaultValueFactory = _ => PeerRunnerOptions.DefaultPython,
        };
        var modes = new Option<string[]>("--modes")
        {
            Description = $"peer modes (default: all): {string.Join(", ", PeerMode.All.Select(m => m.Name))}",
            AllowMultipleArgumentsPerToken = true,
        };
        var warmup = new Option<int?>("--warmup") { Description = "warm-up calls per mode (default: the sweep's)" };
        var golden = new Option<string?>("--golden") { Description = "golden fixture folder for the check run first, or 'skip' (default: ../shared/fixtures/golden)" };
        var timeout = new Option<int?>("--timeout") { Description = "seconds before the Python process is stopped (default: none)" };
        var join = new Option<string?>("--join") { Description = "join the latest run of this question in --out (e.g. mask-hoisting, backends): speedups over its baseline" };
        var common = new SweepOptions();
        var cmd = new Command("peers", "time SwinBench's PyTorch SwinIR (eager and torch.compile) on the peers-gpu cases; rows with backend pytorch");
        foreach (var o in new Option[] { python, modes, warmup, golden, timeout, join }) cmd.Options.Add(o);
        common.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var sweep = common.Apply(r, PeersQuestion.Sweep(common.Manifest(r)));
            if (r.GetValue(warmup) is { } wu)
                sweep = wu >= 0 ? sweep with { WarmupCount = wu } : throw new ArgumentException($"--warmup must be >= 0, got {wu}");
            var chosen = (r.GetValue(modes) ?? []).SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(PeerMode.Get).ToList();
            var seconds = r.GetValue(timeout);
            if (seconds is <= 0) throw new ArgumentException($"--timeout must be > 0 seconds, got {seconds}");
            var options = new PeerRunnerOptions
            {
                Python = r.GetValue(python)!,
                Modes = chosen.Count > 0 ? chosen : PeerMode.All,
                GoldenDir = r.GetValue(golden),
                Timeout = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
            };
            if (Unavailable(options.Python) is { } reason) throw new Backends.BackendUnavailableException(reason);
            return Execute(sweep, common.OutDir(r, sweep).Dir, options, r.GetValue(join));
        }));
        return cmd;
    }

    /// <summary>Runs the peers question on <paramref name="sweep"/>'s cases into <paramref name="outDir"/>, prints a table, writes the report; the exit code.</summary>
    public static int Execute(Sweep sweep, string outDir, PeerRunnerOptions options, string? join = null)
    {
        var rows = PeersQuestion.Run(sweep, outDir, options, Console.WriteLine, join);
        if (rows.Count > 0 && rows.All(x => x.Status.StartsWith("unavailable:", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine($"error: {rows[0].Status["unavailable: ".Length..]} (every peer row is unavailable; recorded in {outDir})");
            return CliErrors.Unavailable;
        }
        Console.WriteLine();
        Console.WriteLine($"{"case",-40} {"mode",-36} {"median ms",10} {"p95 ms",9} {"speedup",8} {"PSNR vs FP32",13}  status");
        foreach (var x in rows)
            Console.WriteLine($"{$"{x.Task} {x.Dataset}/{x.SizeClass} {x.H}x{x.W}",-40} {x.Variant,-36} {Number(x.MedianMs),10} {Number(x.P95Ms),9} " +
                              $"{(double.IsFinite(x.Speedup) ? $"{x.Speedup:F2}x" : "–"),8} {QuickCommand.Db(x.FidelityPsnrDb),13}  {x.Status}");
        var report = ResultsVerbs.Execute(outDir, withReport: true, Console.Out, Console.Error);
        // a peer that cannot run here (status "unavailable: ...") is recorded, not a failure
        return report != 0 ? report : rows.All(x => x.IsOk || x.Status.StartsWith("unavailable:", StringComparison.Ordinal)) ? 0 : 1;
    }

    private static string Number(double v) => double.IsFinite(v) ? v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "–";

    /// <summary>
    /// Why the peers cannot run with <paramref name="python"/> (no such interpreter, no run_peers.py, no importable torch),
    /// as <c>pytorch: …</c>; null when they can.
    /// </summary>
    public static string? Unavailable(string python)
    {
        var exe = PeerRunner.ResolveInterpreter(python);
        if (exe is null) return $"pytorch: python interpreter not found: {python} (give --python PATH to a Python with PyTorch)";
        if (PeerRunner.FindScript() is null) return "pytorch: peers/run_peers.py not found beside the checkout or the assembly";
        var psi = new System.Diagnostics.ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "import torch" }) psi.ArgumentList.Add(a);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                p.Kill(entireProcessTree: true);
                return $"pytorch: {exe} did not import torch within 2 minutes";
            }
            var last = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            return p.ExitCode == 0 ? null : $"pytorch: {exe} cannot import torch ({last ?? $"exit {p.ExitCode}"}); install PyTorch for it or give --python PATH";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"pytorch: cannot start {exe}: {e.Message}";
        }
    }
}
