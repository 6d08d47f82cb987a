using System.Diagnostics;
using System.Runtime.InteropServices;
using SwinBench.Results;
using Xunit;

namespace SwinBench.Tests.Results;

public class EnvironmentInfoTests
{
    [Fact]
    public void Capture_fills_the_host_fields_and_leaves_backend_fields_to_callers()
    {
        var env = EnvironmentInfo.Capture();
        Assert.Equal(Environment.MachineName, env.Machine);
        Assert.Equal(RuntimeInformation.FrameworkDescription, env.DotNet);
        Assert.NotEqual(EnvironmentInfo.NotAvailable, env.Os);
        Assert.Contains("logical CPUs", env.Cpu);
        Assert.Equal(EnvironmentInfo.NotAvailable, env.Libtorch);
        Assert.Equal(EnvironmentInfo.NotAvailable, env.TorchSharp);
        Assert.Equal(EnvironmentInfo.NotAvailable, env.OnnxRuntime);
        Assert.Equal(EnvironmentInfo.NotAvailable, env.Cuda);
        Assert.False(string.IsNullOrWhiteSpace(env.GitCommit));
        if (File.Exists("/etc/os-release"))
        {
            var pretty = File.ReadLines("/etc/os-release").First(l => l.StartsWith("PRETTY_NAME=")).Split('=', 2)[1].Trim('"');
            Assert.StartsWith(pretty, env.Os);
        }
    }

    [Fact]
    public void Capture_passes_the_result_through_enrich()
    {
        var env = EnvironmentInfo.Capture(e => e with { Libtorch = "2.10.0", Cuda = "12.8" });
        Assert.Equal("2.10.0", env.Libtorch);
        Assert.Equal("12.8", env.Cuda);
        Assert.Equal(RuntimeInformation.FrameworkDescription, env.DotNet);
    }

    [Fact]
    public void Environment_columns_round_trip_through_a_row()
    {
        var env = EnvironmentInfo.Capture(e => e with { Gpu = "NVIDIA H100", OnnxRuntime = "1.22" });
        var row = new ResultRow().WithEnvironment(env);
        Assert.Equal(env, row.GetEnvironment());
    }

    [Fact]
    public void Git_commit_is_short_head_with_dirty_for_changes_outside_results()
    {
        if (!GitRuns()) Assert.Skip("needs git on the PATH");
        var repo = ResultRowsForTests.TempDir("git");
        Git(repo, "init", "-q");
        File.WriteAllText(Path.Combine(repo, "a.txt"), "a");
        Git(repo, "add", "a.txt");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "a");
        var head = Git(repo, "rev-parse", "--short", "HEAD").Trim();

        Assert.Equal(head, EnvironmentInfo.CurrentGitCommit(repo));
        Directory.CreateDirectory(Path.Combine(repo, "results", "run"));
        File.WriteAllText(Path.Combine(repo, "results", "run", "results.csv"), "x");
        Assert.Equal(head, EnvironmentInfo.CurrentGitCommit(repo));
        File.WriteAllText(Path.Combine(repo, "a.txt"), "changed");
        Assert.Equal(head + "-dirty", EnvironmentInfo.CurrentGitCommit(Path.Combine(repo, "results")));
    }

    [Fact]
    public void Git_commit_is_unknown_outside_a_repository()
    {
        if (!GitRuns()) Assert.Skip("needs git on the PATH");
        var outside = ResultRowsForTests.TempDir("nogit");
        if (TryGit(outside, "rev-parse", "--is-inside-work-tree") is not null)
            Assert.Skip($"the temp folder {outside} is inside a git repository here");
        Assert.Equal("unknown", EnvironmentInfo.CurrentGitCommit(outside));
    }

    /// <summary>Whether <c>git --version</c> runs.</summary>
    private static bool GitRuns()
    {
        try
        {
            return TryGit(Path.GetTempPath(), "--version") is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no git executable
        }
    }

    private static string Git(string dir, params string[] args) =>
        TryGit(dir, args) ?? throw new InvalidOperationException($"git {string.Join(' ', args)} failed");

    private static string? TryGit(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : null;
    }
}
