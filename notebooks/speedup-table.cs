#:project ../harness/SwinBench.Harness.csproj
// Explore a SwinBench results CSV: speedup of each variant over the FP32 original per task and dataset size,
// and one custom chart (FP16 fidelity against input size).
// Run from the repository root:  dotnet run notebooks/speedup-table.cs -- results/h100-2026-11-26
using ScottPlot;
using SwinBench.Results;

var dir = args.Length > 0 ? args[0] : "results/h100-2026-11-26";
var rows = new ResultsStore(dir).Read().Where(r => r.IsOk).ToList();
if (rows.Count == 0)
{
    Console.Error.WriteLine($"no ok rows in {Path.Combine(dir, ResultsStore.FileName)}");
    return 1;
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

// custom chart: how FP16 fidelity varies with the input size, per task
var plot = new Plot();
foreach (var task in rows.Select(r => r.Task).Distinct().Order())
{
    var fp16 = rows.Where(r => r.Task == task && r.Precision == "fp16" && double.IsFinite(r.FidelityPsnrDb)).OrderBy(r => r.Megapixels).ToList();
    if (fp16.Count == 0) continue;
    var s = plot.Add.Scatter(fp16.Select(r => r.Megapixels).ToArray(), fp16.Select(r => r.FidelityPsnrDb).ToArray());
    s.LegendText = task;
}
plot.Title("FP16 fidelity vs input size");
plot.XLabel("input megapixels");
plot.YLabel("PSNR of FP16 vs FP32 output (dB)");
plot.ShowLegend();
var outPng = Path.Combine(dir, "notebook_fp16_fidelity.png");
plot.SavePng(outPng, 900, 500);
Console.WriteLine($"wrote {outPng}");
return 0;
