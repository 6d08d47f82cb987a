#:project ../harness/SwinBench.Harness.csproj
// Regenerate a results folder's charts and REPORT.md from its results.csv with the current code, and bring a CSV
// written before the question column existed up to date: name its question, mark its baseline (step 0), label its
// variants backend:options, and recompute its speedups by the current definition (ResultMath.FillSpeedups).
// Run from the repository root:  dotnet run notebooks/regenerate-results.cs -- RESULTS_DIR [QUESTION]
using SwinBench.Reporting;
using SwinBench.Results;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: dotnet run notebooks/regenerate-results.cs -- RESULTS_DIR [QUESTION]");
    return 2;
}
var dir = args[0];
var store = new ResultsStore(dir);
if (!store.Exists)
{
    Console.Error.WriteLine($"error: no {ResultsStore.FileName} in {Path.GetFullPath(dir)}");
    return 2;
}
var rows = store.Read().ToList();
if (args.Length == 2)
{
    var question = args[1];
    var legacy = rows.Where(r => r.Question.Length == 0).ToList();
    foreach (var r in legacy)
    {
        r.Question = question;
        r.IsBaseline = r.Step == 0 && r.Precision == "fp32";
        if (!r.Variant.Contains(':')) r.Variant = $"{r.Backend}:{r.Variant}";
    }
    ResultMath.FillSpeedups(rows);
    Console.WriteLine($"{legacy.Count} rows given question {question}");
}
File.Delete(store.CsvPath);
store.Append(rows);
var charts = Charts.RenderAll(rows, Path.Combine(dir, ResultsStore.ChartsFolder), dir);
foreach (var c in charts) Console.WriteLine(c);
Console.WriteLine(ReportWriter.Write(dir, rows, charts));
return 0;
