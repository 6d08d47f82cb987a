namespace SwinBench.Tests.Cli;

/// <summary>The notebooks run as documented: <c>dotnet run notebooks/NAME.cs -- RESULTS_DIR</c> from the repository root.</summary>
public sealed class NotebookTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("swinbench-notebook-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void Speedup_table_notebook_prints_the_table_and_writes_its_chart()
    {
        var root = RepoPaths.RepoRoot!;
        File.Copy(Path.Combine(root, "results", "h100-2026-11-26", "results.csv"), Path.Combine(_tmp, "results.csv"));
        var r = SwinBenchProcess.RunDotnet(root, "run", "notebooks/speedup-table.cs", "--", _tmp);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("| lightweight-x2 | Urban100 | median | 346x512 | 1.00x |", r.Stdout);
        Assert.True(new FileInfo(Path.Combine(_tmp, "notebook_fp16_fidelity.png")).Length > 5000);
    }
}
