using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using SwinBench.Backends;
using SwinBench.Datasets;
using SwinBench.Metrics;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench accuracy</c>: a whole dataset through one variant and the FP32 original: PSNR/SSIM (RGB and Y, border
/// = scale, uint8-rounded like the official test) against the ground truth, fidelity against the original, and time.
/// </summary>
public static class AccuracyCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "benchmark task, e.g. lightweight-x2, classical-x4, color-dn15", DefaultValueFactory = _ => "lightweight-x2" };
        var dataset = new Option<string>("--dataset") { Description = "dataset of the manifest", DefaultValueFactory = _ => "Set5" };
        var weights = new Option<FileInfo?>("--weights") { Description = "official weights of the task's preset (absent: random init; PSNR vs ground truth is then meaningless)" };
        var mask = new Option<string>("--mask") { Description = "variant under test: perblock or hoisted", DefaultValueFactory = _ => "hoisted" };
        var precision = new Option<string>("--precision") { Description = "variant under test: fp32 or fp16", DefaultValueFactory = _ => "fp16" };
        var limit = new Option<int>("--limit") { Description = "first N images only (0 = all)", DefaultValueFactory = _ => 0 };
        var common = new SweepOptions();
        var cmd = new Command("accuracy", "full dataset pass: PSNR/SSIM vs ground truth and fidelity of a variant vs FP32");
        foreach (var o in new Option[] { task, dataset, weights, mask, precision, limit }) cmd.Options.Add(o);
        common.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var t = BenchTask.Get(r.GetValue(task)!);
            var manifest = common.Manifest(r);
            var images = manifest.Get(r.GetValue(dataset)!);
            if (r.GetValue(limit) > 0) images = images.Take(r.GetValue(limit)).ToList();
            var dev = TorchDevices.Resolve(r.GetValue(common.Device) ?? "cpu");
            var variant = new ModelOptions
            {
                Mask = r.GetValue(mask) == "perblock" ? MaskMode.PerBlock : r.GetValue(mask) == "hoisted" ? MaskMode.Hoisted
                    : throw new ArgumentException($"--mask '{r.GetValue(mask)}' is not one of: perblock, hoisted"),
                Precision = r.GetValue(precision) == "fp32" ? Precision.Fp32 : r.GetValue(precision) == "fp16" ? Precision.Fp16
                    : throw new ArgumentException($"--precision '{r.GetValue(precision)}' is not one of: fp32, fp16"),
            };
            var weightsPath = r.GetValue(weights)?.FullName;
            var sweep = common.Apply(r, new Benchmarks.Sweep("accuracy", "", [], [], [variant.Precision], dev.ToString()));
            var source = new ImageSource(sweep.DataRoot);
            var (refModel, w) = ModelFactory.Create(t.Preset.Config, ModelOptions.Original, weightsPath, t.Preset.WrapKey);
            var (varModel, _) = ModelFactory.Create(t.Preset.Config, variant, weightsPath, t.Preset.WrapKey);
            using var reference = new TorchSharpSession(refModel, dev);
            using var session = new TorchSharpSession(varModel, dev);
            var border = t.Kind.Scale;
            var results = new List<(BenchCase Case, bool Real, double Psnr, double PsnrY, double Ssim, double SsimY, double Fidelity, double MaxAbs, double Ms)>();
            AnsiConsole.Progress().Start(ctx =>
            {
                var bar = ctx.AddTask($"{t.Name} {r.GetValue(dataset)} ({variant.Label} vs original)", maxValue: images.Count);
                foreach (var img in images)
                {
                    var size = t.Kind.InputSize(img);
                    var c = new BenchCase(t, img.Dataset, "image", img.Name, size.Height, size.Width);
                    var input = CaseInputs.Make(c, source, manifest);
                    long[] shape = [1, input.Input.Channels, input.Input.Height, input.Input.Width];
                    reference.SetInput(input.Input.Pixels, shape);
                    reference.Run();
                    var (refOut, _) = reference.GetOutput();
                    session.SetInput(input.Input.Pixels, shape);
                    var sw = Stopwatch.StartNew();
                    session.Run();
                    var ms = sw.Elapsed.TotalMilliseconds;
                    var (outp, oshape) = session.GetOutput();
                    var gt = input.GroundTruth!;
                    int ch = (int)oshape[1], oh = (int)oshape[2], ow = (int)oshape[3];
                    var yOk = ch == 3;
                    results.Add((c, input.IsReal,
                        ImageMetrics.Psnr(outp, gt.Pixels, ch, oh, ow, border), yOk ? ImageMetrics.Psnr(outp, gt.Pixels, ch, oh, ow, border, true) : double.NaN,
                        ImageMetrics.Ssim(outp, gt.Pixels, ch, oh, ow, border), yOk ? ImageMetrics.Ssim(outp, gt.Pixels, ch, oh, ow, border, true) : double.NaN,
                        ImageMetrics.FidelityPsnr(outp, refOut), ImageMetrics.MaxAbsDiff(outp, refOut), ms));
                    TorchSharpSession.CollectGarbage();
                    bar.Increment(1);
                }
            });
            var table = new Table().AddColumns("image", "size", "real", "PSNR", "PSNR-Y", "SSIM", "SSIM-Y", "vs FP32 (dB)", "max|d|", "ms");
            foreach (var x in results)
                table.AddRow(x.Case.Image, $"{x.Case.H}x{x.Case.W}", x.Real ? "yes" : "synthetic", $"{x.Psnr:F2}", $"{x.PsnrY:F2}", $"{x.Ssim:F4}",
                    $"{x.SsimY:F4}", QuickCommand.Db(x.Fidelity), $"{x.MaxAbs:E1}", $"{x.Ms:F0}");
            table.AddRow("[bold]mean[/]", "", "", $"{results.Average(x => x.Psnr):F2}", $"{results.Average(x => x.PsnrY):F2}",
                $"{results.Average(x => x.Ssim):F4}", $"{results.Average(x => x.SsimY):F4}", QuickCommand.Db(results.Min(x => x.Fidelity)) + " (min)",
                $"{results.Max(x => x.MaxAbs):E1}", $"{results.Sum(x => x.Ms):F0} (sum)");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"weights: {Markup.Escape(w.Description)}");

            var outDir = common.OutDir(r, sweep with { Name = "accuracy" });
            var env = RunEnvironment.Capture();
            var runId = $"accuracy-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
            var times = results.Select(x => x.Ms).Order().ToList();
            var row = new ResultRow
            {
                RunId = runId, TimestampUtc = DateTime.UtcNow, Task = t.Name, Model = t.ModelName, Variant = variant.Label, Step = 1,
                Mask = variant.Mask.ToString().ToLowerInvariant(), LayerNorm = "fused", Backend = session.Backend, Device = session.Device,
                DeviceName = session.DeviceName, Precision = variant.Precision.ToString().ToLowerInvariant(), Dataset = r.GetValue(dataset)!,
                SizeClass = "all", Image = "*", Images = results.Count, H = results.Max(x => x.Case.H), W = results.Max(x => x.Case.W),
                Megapixels = results.Sum(x => x.Case.Megapixels), MeanMs = times.Average(), MedianMs = times[times.Count / 2],
                P95Ms = times[(int)Math.Ceiling(0.95 * times.Count) - 1], MinMs = times[0], Samples = times.Count,
                FidelityPsnrDb = results.Min(x => x.Fidelity), FidelityMaxAbs = results.Max(x => x.MaxAbs), PeakMemoryMB = session.DeviceMemoryMB() ?? double.NaN,
            }.WithEnvironment(env);
            new ResultsStore(outDir).Append([row]);
            Console.WriteLine($"wrote {Path.Combine(outDir, ResultsStore.FileName)}");
            return 0;
        }));
        return cmd;
    }
}
