#:project ../harness/SwinBench.Harness.csproj
// Explore a SwinBench results CSV: speedup of each variant over the FP32 original per task and dataset size,
// and one custom chart (FP16 fidelity against input size).
// Run from the repository root:  dotnet run notebooks/speedup-table.cs -- [RESULTS_DIR]
// (default: results/2026-11-26_h100_0432197_baseline-gpu). The chart goes to RESULTS_DIR/charts/.
using ScottPlot;
using SwinBench.Results;

var dir = args.Length > 0 ? args[0] : "results/2026-11-26_h100_0432197_baseline-gpu";
var store = new ResultsStore(dir);
if (!store.Exists)
{
    Console.Error.WriteLine($"error: no {ResultsStore.FileName} in {Path.GetFullPath(dir)} (run from the repository root, or pass a results folder)");
    return 2;
}
var rows = store.Read().Where(r => r.IsOk).ToList();
if (rows.Count == 0)
{
    Console.Error.WriteLine($"error: no ok rows in {store.CsvPath}");
    return 2;
}
ResultMath.FillSpeedups(rows);

var variants = rows.Select(r => r.Variant).Distinct().OrderBy(v => rows.First(r => r.Variant == v).Step).ToList();
Console.WriteLine($"# speedup over the FP32 original ({rows.Count} rows from {dir})");
Console.WriteLine($"| task | dataset | size | HxW | {string.Join(" | ", variants)} |");
Console.WriteLine($"|---|---|---|---|{string.Concat(variants.Select(_ => "---|"))}");
foreach (var g in rows.GroupBy(r => (r.Task, r.Dataset, r.SizeClass, r.H, r.W)).OrderBy(g => g.Key.Task).ThenBy(g => g.Key.H * g.Key.W))
{
    var cells = variants.Select(v => g.FirstOrDefault(r => r.Variant == v) is { } r ? $"{r.Speedup:F2}x" : "");
    Console.WriteLine($"| {g.Key.Task} | {g.Key.Dataset} | {g.Key.SizeClass} | {g.Key.H}x{g.Key.W} | {string.Join(" | ", cells)} |");
}

// custom chart: how FP16 fidelity varies with the input size, per task (skipped when the CSV has no FP16 fidelity)
var fp16Rows = rows.Where(r => r.Precision == "fp16" && double.IsFinite(r.FidelityPsnrDb)).ToList();
if (fp16Rows.Count == 0)
{
    Console.WriteLine($"no chart: {dir} has no FP16 rows with a finite fidelity PSNR");
    return 0;
}
var plot = new Plot();
foreach (var task in fp16Rows.Select(r => r.Task).Distinct().Order())
{
    var fp16 = fp16Rows.Where(r => r.Task == task).OrderBy(r => r.Megapixels).ToList();
    var s = plot.Add.Scatter(fp16.Select(r => r.Megapixels).ToArray(), fp16.Select(r => r.FidelityPsnrDb).ToArray());
    s.LegendText = task;
}
plot.Title("FP16 fidelity vs input size");
plot.XLabel("input megapixels");
plot.YLabel("PSNR of FP16 vs FP32 output (dB)");
plot.ShowLegend();
var chartsDir = Directory.CreateDirectory(Path.Combine(dir, ResultsStore.ChartsFolder)).FullName;
var outPng = Path.Combine(chartsDir, "notebook_fp16_fidelity.png");
plot.SavePng(outPng, 900, 500);
Console.WriteLine($"wrote {outPng}");
return 0;
