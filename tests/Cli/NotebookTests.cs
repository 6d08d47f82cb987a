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
        File.Copy(Path.Combine(root, "results", "2026-11-26_h100_0432197_baseline-gpu", "results.csv"), Path.Combine(_tmp, "results.csv"));
        var r = SwinBenchProcess.RunDotnet(root, "run", "notebooks/speedup-table.cs", "--", _tmp);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("| lightweight-x2 | Urban100 | median | 346x512 | 1.00x |", r.Stdout);
        Assert.True(new FileInfo(Path.Combine(_tmp, "charts", "notebook_fp16_fidelity.png")).Length > 5000);
    }

    [Fact]
    public void Without_fp16_rows_the_notebook_writes_no_chart_and_says_why()
    {
        var root = RepoPaths.RepoRoot!;
        var rows = SwinBench.Results.ResultCsv.ReadFile(Path.Combine(root, "results", "2026-11-26_h100_0432197_baseline-gpu", "results.csv"))
            .Where(r => r.Precision == "fp32").ToList();
        new SwinBench.Results.ResultsStore(_tmp).Append(rows);
        var r = SwinBenchProcess.RunDotnet(root, "run", "notebooks/speedup-table.cs", "--", _tmp);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("no chart: ", r.Stdout);
        Assert.Contains("has no FP16 rows", r.Stdout);
        Assert.False(Directory.Exists(Path.Combine(_tmp, "charts")));
    }
}
