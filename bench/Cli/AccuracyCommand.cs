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
        var variants = new VariantSelection(mask: "hoisted", precision: "fp16");
        var limit = new Option<int>("--limit") { Description = "first N images only (0 = all)", DefaultValueFactory = _ => 0 };
        var common = new SweepOptions();
        var cmd = new Command("accuracy", "full dataset pass: PSNR/SSIM vs ground truth and fidelity of a variant vs the FP32 original");
        foreach (var o in new Option[] { task, dataset, weights }) cmd.Options.Add(o);
        variants.AddTo(cmd);
        cmd.Options.Add(limit);
        common.AddTo(cmd, common.Out, common.DataRoot, common.Synthetic, common.ManifestFile);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var t = BenchTask.Get(r.GetValue(task)!);
            var manifest = common.Manifest(r);
            var images = manifest.Get(r.GetValue(dataset)!);
            if (r.GetValue(limit) < 0) throw new ArgumentException($"--limit must be >= 0, got {r.GetValue(limit)}");
            if (r.GetValue(limit) > 0) images = images.Take(r.GetValue(limit)).ToList();
            var (variant, device) = variants.ResolveAvailable(r);
            var weightsFile = r.GetValue(weights);
            if (weightsFile is { Exists: false }) throw new FileNotFoundException($"--weights: file not found: {weightsFile.FullName}");
            var spec = new ModelSpec(t.Preset.Config, weightsFile?.FullName, t.Preset.WrapKey, Name: t.Preset.Name);
            var source = new ImageSource(common.DataRootOf(r));
            using var reference = new VariantRunner(new Variant("original", ModelOptions.Original), spec, device);
            using var session = new VariantRunner(variant, spec, device);
            var border = t.Kind.Scale;
            var results = new List<(BenchCase Case, bool Real, double Psnr, double PsnrY, double Ssim, double SsimY, double Fidelity, double MaxAbs, double Ms)>();
            CliProgress.Run($"{t.Name} {r.GetValue(dataset)} ({variant.Label} vs original)", "images", progress =>
            {
                foreach (var img in images)
                {
                    var size = t.Kind.InputSize(img);
                    var c = new BenchCase(t, img.Dataset, "image", img.Name, size.Height, size.Width);
                    var input = CaseInputs.Make(c, source, manifest);
                    long[] shape = [1, input.Input.Channels, input.Input.Height, input.Input.Width];
                    var (refOut, _) = reference.Run(input.Input.Pixels, shape);
                    session.Open(shape[2], shape[3]);
                    var sw = Stopwatch.StartNew();
                    var (outp, oshape) = session.Run(input.Input.Pixels, shape);
                    var ms = sw.Elapsed.TotalMilliseconds;
                    var gt = input.GroundTruth!;
                    int ch = (int)oshape[1], oh = (int)oshape[2], ow = (int)oshape[3];
                    var yOk = ch == 3;
                    results.Add((c, input.IsReal,
                        ImageMetrics.Psnr(outp, gt.Pixels, ch, oh, ow, border), yOk ? ImageMetrics.Psnr(outp, gt.Pixels, ch, oh, ow, border, true) : double.NaN,
                        ImageMetrics.Ssim(outp, gt.Pixels, ch, oh, ow, border), yOk ? ImageMetrics.Ssim(outp, gt.Pixels, ch, oh, ow, border, true) : double.NaN,
                        ImageMetrics.FidelityPsnr(outp, refOut), ImageMetrics.MaxAbsDiff(outp, refOut), ms));
                    TorchSharpSession.CollectGarbage();
                    progress(results.Count, images.Count);
                }
                return 0;
            });
            if (results.Count == 0) throw new ArgumentException($"dataset {r.GetValue(dataset)} has no image");
            var table = new Table().AddColumns("image", "size", "real", "PSNR", "PSNR-Y", "SSIM", "SSIM-Y", "vs FP32 (dB)", "max|d|", "ms");
            foreach (var x in results)
                table.AddRow(x.Case.Image, $"{x.Case.H}x{x.Case.W}", x.Real ? "yes" : "synthetic", $"{x.Psnr:F2}", $"{x.PsnrY:F2}", $"{x.Ssim:F4}",
                    $"{x.SsimY:F4}", QuickCommand.Db(x.Fidelity), $"{x.MaxAbs:E1}", $"{x.Ms:F0}");
            table.AddRow("[bold]mean[/]", "", "", $"{results.Average(x => x.Psnr):F2}", $"{results.Average(x => x.PsnrY):F2}",
                $"{results.Average(x => x.Ssim):F4}", $"{results.Average(x => x.SsimY):F4}", QuickCommand.Db(results.Min(x => x.Fidelity)) + " (min)",
                $"{results.Max(x => x.MaxAbs):E1}", $"{results.Sum(x => x.Ms):F0} (sum)");
            var console = TableConsole();
            console.Write(table);
            console.WriteLine($"weights: {spec.WeightsDescription}");

            var (outDir, existed) = common.OutDir(r, "accuracy", device);
            var env = RunEnvironment.Capture();
            var runId = $"accuracy-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
            var times = results.Select(x => x.Ms).Order().ToList();
            var row = new ResultRow
            {
                RunId = runId, TimestampUtc = DateTime.UtcNow, Question = "accuracy", Task = t.Name, Model = t.ModelName, Variant = variant.Options.Label, Step = 1,
                Mask = variant.Options.Mask.ToString().ToLowerInvariant(), LayerNorm = Benchmarks.RowBuilder.LayerNormLabel(variant.Options.LayerNorm),
                Plugins = variant.Options.Kernels == Kernels.None ? "none" : ModelOptions.KernelLabel(variant.Options.Kernels).TrimStart('+'),
                Backend = variant.BackendToken, Device = session.Session!.Device,
                DeviceName = session.DeviceName, Precision = variant.Precision.ToString().ToLowerInvariant(), Dataset = r.GetValue(dataset)!,
                SizeClass = "all", Image = "*", Images = results.Count, H = results.Max(x => x.Case.H), W = results.Max(x => x.Case.W),
                Megapixels = results.Sum(x => x.Case.Megapixels), MeanMs = times.Average(), MedianMs = times[times.Count / 2],
                P95Ms = times[(int)Math.Ceiling(0.95 * times.Count) - 1], MinMs = times[0], Samples = times.Count,
                FidelityPsnrDb = results.Min(x => x.Fidelity), FidelityMaxAbs = results.Max(x => x.MaxAbs), PeakMemoryMB = session.Session!.DeviceMemoryMB() ?? double.NaN,
            }.WithEnvironment(env);
            return ResultsFolder.Run(outDir, existed, () =>
            {
                new ResultsStore(outDir).Append([row]);
                Console.WriteLine($"wrote {Path.Combine(outDir, ResultsStore.FileName)}");
                return 0;
            });
        }));
        return cmd;
    }

    /// <summary>
    /// The console the table goes to: the terminal as it is, or, when stdout is redirected, a plain-text console
    /// <see cref="RedirectedWidth"/> columns wide so that a pipe or a file never gets wrapped numbers.
    /// </summary>
    internal static IAnsiConsole TableConsole()
    {
        if (!Console.IsOutputRedirected) return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>The width of the table when stdout is not a terminal.</summary>
    public const int RedirectedWidth = 240;
}
