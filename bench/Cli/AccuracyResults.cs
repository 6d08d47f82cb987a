using System.Globalization;
using Spectre.Console;
using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Cli;

/// <summary>
/// One image of an accuracy pass: its case, its first-run time, quality against the ground truth (NaN unless
/// <see cref="Meaningful"/>) and fidelity against the official model (NaN when the variant is the official model).
/// </summary>
public sealed record AccuracyImage(BenchCase Case, bool Real, bool Meaningful, double Psnr, double PsnrY, double Ssim, double SsimY,
    double Fidelity, double MaxAbs, double Ms, double ReferenceMs, bool FiniteOutput);

/// <summary>
/// The rows and the console table of an accuracy pass. results.csv gets, per variant (the official model as the
/// baseline, and the variant when it differs), one row per image (size class <c>image</c>) and one row for the set
/// (image <c>*</c>): PSNR-Y and SSIM-Y are the mean over the images, latency the per-image statistics; a set of mixed
/// sizes has size class <c>mixed HxW to HxW</c> (smallest and largest input) and no single H×W (0).
/// </summary>
public static class AccuracyResults
{
    /// <summary>The question name of accuracy rows.</summary>
    public const string Question = "accuracy";

    /// <summary>Rows of one variant: one per image, then the set's.</summary>
    public static IEnumerable<ResultRow> Rows(QuestionSpec question, Variant v, IReadOnlyList<AccuracyImage> images, string device,
        Func<AccuracyImage, double> ms, bool compared)
    {
        foreach (var x in images)
        {
            var row = RowBuilder.Describe(question, v, x.Case, device) with
            {
                PsnrYDb = x.PsnrY, SsimY = x.SsimY,
                FidelityPsnrDb = compared ? x.Fidelity : double.NaN, FidelityMaxAbs = compared ? x.MaxAbs : double.NaN,
            };
            yield return LatencyStatistics.Of([ms(x)]).ApplyTo(row);
        }
        var first = images[0].Case;
        var (sizeClass, h, w) = SetSize(images.Select(x => x.Case).ToList());
        var set = RowBuilder.Describe(question, v, first with { SizeClass = sizeClass, Image = ResultRow.WholeSetImage, H = h, W = w }, device) with
        {
            Images = images.Count, Megapixels = images.Sum(x => x.Case.Megapixels),
            PsnrYDb = images.Average(x => x.PsnrY), SsimY = images.Average(x => x.SsimY),
            FidelityPsnrDb = compared ? images.Min(x => x.Fidelity) : double.NaN, FidelityMaxAbs = compared ? images.Max(x => x.MaxAbs) : double.NaN,
        };
        // the spread of times over images of different sizes is not a confidence interval of one case's latency
        yield return LatencyStatistics.Of(images.Select(ms).ToList()).ApplyTo(set) with { Ci999HalfwidthMs = double.NaN };
    }

    /// <summary><c>all</c> with the one input size, or <c>mixed HxW to HxW</c> (smallest and largest by pixels) with no size.</summary>
    public static (string SizeClass, int H, int W) SetSize(IReadOnlyList<BenchCase> cases)
    {
        var sizes = cases.Select(c => (c.H, c.W)).Distinct().OrderBy(s => (long)s.H * s.W).ToList();
        return sizes.Count == 1 ? ("all", sizes[0].H, sizes[0].W) : ($"mixed {sizes[0].H}x{sizes[0].W} to {sizes[^1].H}x{sizes[^1].W}", 0, 0);
    }

    /// <summary>The console table: one line per image and the set's mean line.</summary>
    public static Table ConsoleTable(IReadOnlyList<AccuracyImage> images, bool compared)
    {
        var table = new Table().AddColumns("image", "size", "real", "PSNR", "PSNR-Y", "SSIM", "SSIM-Y", "vs official (dB)", "max|d|", "ms");
        foreach (var x in images)
            table.AddRow(x.Case.Image, $"{x.Case.H}x{x.Case.W}", x.Real ? "yes" : "synthetic", F(x.Psnr, 2), F(x.PsnrY, 2), F(x.Ssim, 4), F(x.SsimY, 4),
                compared ? QuickCommand.Db(x.Fidelity) : "–", compared ? E(x.MaxAbs) : "–", F(x.Ms, 0));
        var (sizeClass, h, w) = SetSize(images.Select(x => x.Case).ToList());
        table.AddRow("[bold]mean[/]", h > 0 ? $"{h}x{w}" : Markup.Escape(sizeClass), "", F(images.Average(x => x.Psnr), 2), F(images.Average(x => x.PsnrY), 2),
            F(images.Average(x => x.Ssim), 4), F(images.Average(x => x.SsimY), 4),
            compared ? QuickCommand.Db(images.Min(x => x.Fidelity)) + " (min)" : "–",
            compared ? E(images.Max(x => x.MaxAbs)) : "–", F(images.Sum(x => x.Ms), 0) + " (sum)");
        return table;
    }

    private static string F(double v, int decimals) => double.IsFinite(v) ? v.ToString($"F{decimals}", CultureInfo.InvariantCulture) : "–";

    private static string E(double v) => double.IsFinite(v) ? v.ToString("E1", CultureInfo.InvariantCulture) : "–";

    /// <summary>The border the official test crops before PSNR/SSIM: the scale for super-resolution, none otherwise.</summary>
    public static int Border(TaskKind kind) => kind.Type == TaskType.SuperResolution ? kind.Scale : 0;
}
