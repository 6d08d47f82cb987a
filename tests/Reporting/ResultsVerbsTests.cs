using System.CommandLine;
using SwinBench.Cli;
using SwinBench.Results;
using SwinBench.Tests.Results;
using Xunit;

namespace SwinBench.Tests.Reporting;

public class ResultsVerbsTests
{
    [Fact]
    public void Report_renders_charts_and_report_from_the_csv_alone()
    {
        var dir = ResultRowsForTests.TempDir("verb-report");
        new ResultsStore(dir).Append(SyntheticResults.Rows());
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        Assert.Equal(0, ResultsVerbs.Execute(dir, withReport: true, stdout, stderr));

        Assert.Equal("", stderr.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "REPORT.md")));
        Assert.True(File.Exists(Path.Combine(dir, "charts", "results_speedup_fp32.png")));
        Assert.Contains(Path.Combine(dir, "charts", "results_backends.png"), stdout.ToString());
    }

    [Fact]
    public void Plot_writes_charts_only_and_accepts_the_csv_path()
    {
        var dir = ResultRowsForTests.TempDir("verb-plot");
        var store = new ResultsStore(dir);
        store.Append(SyntheticResults.Rows());

        Assert.Equal(0, ResultsVerbs.Execute(store.CsvPath, withReport: false, new StringWriter(), new StringWriter()));

        Assert.True(File.Exists(Path.Combine(dir, "charts", "results_accuracy.png")));
        Assert.False(File.Exists(Path.Combine(dir, "REPORT.md")));
    }

    [Fact]
    public void A_missing_folder_or_csv_is_an_error_naming_the_path()
    {
        var missing = Path.Combine(ResultRowsForTests.TempDir("verb-missing"), "nope");
        var stderr = new StringWriter();
        Assert.Equal(2, ResultsVerbs.Execute(missing, true, new StringWriter(), stderr));
        Assert.Contains(missing, stderr.ToString());

        var empty = ResultRowsForTests.TempDir("verb-nocsv");
        stderr = new StringWriter();
        Assert.Equal(2, ResultsVerbs.Execute(empty, false, new StringWriter(), stderr));
        Assert.Contains(Path.Combine(empty), stderr.ToString());
        Assert.Contains("results.csv", stderr.ToString());
    }

    [Fact]
    public void A_corrupt_csv_is_an_error_naming_the_file_and_line()
    {
        var dir = ResultRowsForTests.TempDir("verb-corrupt");
        File.WriteAllText(Path.Combine(dir, "results.csv"), ResultCsv.ToText([ResultRowsForTests.Full()]) + "a,\"b\n");
        var stderr = new StringWriter();
        Assert.Equal(2, ResultsVerbs.Execute(dir, true, new StringWriter(), stderr));
        Assert.Contains(Path.Combine(dir, "results.csv") + ": line 3", stderr.ToString());
        Assert.False(File.Exists(Path.Combine(dir, "REPORT.md")));
    }

    [Fact]
    public void The_verbs_require_in_and_run_from_the_command_line()
    {
        var root = new RootCommand { PlotCommand.Create(), ReportCommand.Create() };
        Assert.NotEmpty(root.Parse(["plot"]).Errors);
        Assert.NotEmpty(root.Parse(["report"]).Errors);

        var dir = ResultRowsForTests.TempDir("verb-cli");
        new ResultsStore(dir).Append(SyntheticResults.Rows());
        var parse = root.Parse(["report", "--in", dir]);
        Assert.Empty(parse.Errors);
        var output = new StringWriter();
        Assert.Equal(0, parse.Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() }));
        Assert.Contains(Path.Combine(dir, "REPORT.md"), output.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "REPORT.md")));
        var error = new StringWriter();
        Assert.Equal(2, root.Parse(["plot", "--in", Path.Combine(dir, "missing")]).Invoke(
            new InvocationConfiguration { Output = new StringWriter(), Error = error }));
        Assert.Equal($"error: results folder not found: {Path.Combine(dir, "missing")}", error.ToString().Trim());
    }
}
