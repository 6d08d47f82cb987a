using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using SwinBench.Backends;
using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.IO;
using SwinBench.Metrics;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench accuracy</c>: a whole dataset through one variant, by default the official model (per-block masks, FP32,
/// no kernels): PSNR/SSIM (RGB and Y, border = the SR scale, uint8-rounded like the official test) against the ground
/// truth, and, for any other variant, fidelity against the official model on the same device and the speedup over it.
/// Rows per image and per set go to results.csv (<see cref="AccuracyResults"/>), then charts and REPORT.md.
/// </summary>
public static class AccuracyCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "benchmark task, e.g. lightweight-x2, classical-x4, color-dn15", DefaultValueFactory = _ => "lightweight-x2" };
        var dataset = new Option<string>("--dataset") { Description = "dataset of the manifest", DefaultValueFactory = _ => "Set5" };
        var weights = new Option<FileInfo?>("--weights") { Description = "official weights of the task's preset (absent: random init, and no PSNR/SSIM against the ground truth)" };
        var variants = new VariantSelection();
        var limit = new Option<int>("--limit") { Description = "first N images only (0 = all)", DefaultValueFactory = _ => 0 };
        var common = new SweepOptions();
        var cmd = new Command("accuracy", "full dataset pass of a variant (default: the official model): PSNR/SSIM-Y vs ground truth, fidelity vs the official model");
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
            var (chosen, device) = variants.ResolveAvailable(r);
            var weightsFile = r.GetValue(weights);
            if (weightsFile is { Exists: false }) throw InputFileException.NotAFile(weightsFile.FullName);
            var spec = new ModelSpec(t.Preset.Config, weightsFile?.FullName, t.Preset.WrapKey, Name: t.Preset.Name);
            var official = QuestionSpec.BaselineVariant("official", ModelOptions.Original);
            var compared = (chosen.Backend, chosen.Options) != (official.Backend, official.Options);
            var question = compared ? new QuestionSpec(AccuracyResults.Question, "accuracy", official, chosen) : new QuestionSpec(AccuracyResults.Question, "accuracy", official);
            var source = new ImageSource(common.DataRootOf(r));

            Console.WriteLine($"accuracy {t.Name} on {images[0].Dataset} ({images.Count} images): variant {chosen.Label} on {device}" +
                              (compared ? ", compared with the official model (per-block masks, FP32) on the same device" : " (the official model: per-block masks, FP32, no kernels)"));
            using var reference = new VariantRunner(official, spec, device);
            using var session = compared ? new VariantRunner(chosen, spec, device) : reference;
            var results = CliProgress.Run($"{t.Name} {images[0].Dataset}", "images", progress =>
                Measure(t, images, source, manifest, reference, compared ? session : null, weightsFile is not null, progress));
            AccuracyCommand.TableConsole().Write(AccuracyResults.ConsoleTable(results, compared));
            Console.WriteLine($"weights: {spec.WeightsDescription}");
            if (results.Where(x => !x.FiniteOutput).Select(x => x.Case.Image).ToList() is { Count: > 0 } bad)
                Console.Error.WriteLine($"warning: non-finite outputs (NaN or Inf) for {string.Join(", ", bad)}: their metrics are – or n/a");
            if (results.Any(x => !x.Meaningful))
                Console.WriteLine("PSNR/SSIM against the ground truth need a real image and official weights: – where " +
                                  (weightsFile is null ? "the weights are a random init" : "the image is synthetic (no data root)"));

            var (outDir, existed) = common.OutDir(r, AccuracyResults.Question, device);
            var env = RunEnvironment.Capture();
            var runId = $"accuracy-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
            var memory = session.Session!.DeviceMemoryMB() ?? double.NaN;
            var rows = question.Variants.SelectMany(v => AccuracyResults.Rows(question, v, results, device,
                    v.IsBaseline ? x => x.ReferenceMs : x => x.Ms, compared && !v.IsBaseline))
                .Select(row => (row with { RunId = runId, TimestampUtc = DateTime.UtcNow, DeviceName = session.DeviceName, PeakMemoryMB = row.Image == ResultRow.WholeSetImage ? memory : double.NaN })
                    .WithEnvironment(env))
                .ToList();
            return ResultsFolder.Run(outDir, existed, () =>
            {
                new ResultsStore(outDir).AppendToQuestion(rows);
                Console.WriteLine($"wrote {Path.Combine(outDir, ResultsStore.FileName)}");
                return ResultsVerbs.Execute(outDir, withReport: true, Console.Out, Console.Error);
            });
        }));
        return cmd;
    }

    /// <summary>
    /// Runs every image through the official model and, when <paramref name="variant"/> is given, the variant (each
    /// timed once, after its session is open and one untimed pass of the first image).
    /// </summary>
    private static List<AccuracyImage> Measure(BenchTask t, IReadOnlyList<DatasetImage> images, ImageSource source, DatasetManifest manifest,
        VariantRunner reference, VariantRunner? variant, bool officialWeights, Action<int, int> progress)
    {
        var border = AccuracyResults.Border(t.Kind);
        var results = new List<AccuracyImage>();
        foreach (var img in images)
        {
            var size = t.Kind.InputSize(img);
            var c = new BenchCase(t, img.Dataset, "image", img.Name, size.Height, size.Width);
            var input = CaseInputs.Make(c, source, manifest);
            long[] shape = [1, input.Input.Channels, input.Input.Height, input.Input.Width];
            if (results.Count == 0)
            {
                // one untimed pass of the first image per session: its time then holds no first-use costs
                Timed(reference, input.Input.Pixels, shape);
                if (variant is not null) Timed(variant, input.Input.Pixels, shape);
            }
            var (refOut, refMs) = Timed(reference, input.Input.Pixels, shape);
            var (outp, ms) = variant is null ? (refOut, refMs) : Timed(variant, input.Input.Pixels, shape);
            var gt = input.GroundTruth!;
            var (ch, oh, ow) = (gt.Channels, gt.Height, gt.Width);
            var meaningful = input.IsReal && officialWeights;
            double Metric(Func<float[], float[], int, int, int, int, bool, double> f, bool y) =>
                meaningful && (ch is 1 or 3 || !y) ? f(outp, gt.Pixels, ch, oh, ow, border, y) : double.NaN;
            results.Add(new AccuracyImage(c, input.IsReal, meaningful,
                Metric(ImageMetrics.Psnr, false), Metric(ImageMetrics.Psnr, true), Metric(ImageMetrics.Ssim, false), Metric(ImageMetrics.Ssim, true),
                ImageMetrics.FidelityPsnr(outp, refOut), ImageMetrics.MaxAbsDiff(outp, refOut), ms, refMs, outp.All(float.IsFinite) && refOut.All(float.IsFinite)));
            TorchSharpSession.CollectGarbage();
            progress(results.Count, images.Count);
        }
        return results;
    }

    private static (float[] Output, double Ms) Timed(VariantRunner runner, float[] pixels, long[] shape)
    {
        runner.Open(shape[2], shape[3]);
        var sw = Stopwatch.StartNew();
        var (output, _) = runner.Run(pixels, shape);
        return (output, sw.Elapsed.TotalMilliseconds);
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
