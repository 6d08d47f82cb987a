using System.Diagnostics;

namespace SwinBench.Tests.Cli;

/// <summary>Runs the real swinbench executable (built next to the tests) as a child process.</summary>
public static class SwinBenchProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>
        /// The stderr lines SwinBench wrote: without libtorch's own warnings (<c>[W1208 00:17:33.4 NNPACK.cpp:56] …</c>),
        /// which some CPUs get on their first convolution.
        /// </summary>
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[W\d{4} [\d:.]+ \w+\.cpp:\d+\]")).ToArray();

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs swinbench with <paramref name="environment"/> added to this process's environment.</summary>
    public static Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var p = Start(environment, args);
        return Finish(p, args);
    }

    /// <summary>Starts swinbench with its output redirected; <see cref="Finish"/> collects it.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "swinbench.dll");
        Assert.True(File.Exists(dll), $"swinbench.dll not found next to the tests: {dll}");
        return StartDotnet(null, environment, [dll, .. args]);
    }

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/> (null: the current one), 5 minutes at most.</summary>
    public static Result RunDotnet(string? workingDirectory, params string[] args)
    {
        using var p = StartDotnet(workingDirectory, new Dictionary<string, string>(), args);
        return Finish(p, args);
    }

    /// <summary>Waits (5 minutes at most) for a process started here and returns its exit code and output.</summary>
    public static Result Finish(Process p, IReadOnlyList<string> args)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static Process StartDotnet(string? workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        return Process.Start(psi)!;
    }
}
