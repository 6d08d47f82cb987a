using SwinBench.Datasets;
using SwinBench.Results;
using SwinBench.Workloads;

namespace SwinBench.Reporting;

/// <summary>The manifest a study's set totals are computed over, and where it came from (a sentence for the report).</summary>
public sealed record StudyManifest(DatasetManifest Manifest, string Note)
{
    /// <summary>The file inside a results folder that holds the manifest the sweep used.</summary>
    public static readonly string RunManifest = Path.Combine("raw", "manifest.csv");

    /// <summary>
    /// The manifest of the results folder <paramref name="resultsDir"/> (<c>raw/manifest.csv</c>), or the repository's
    /// <c>datasets/manifest.csv</c> when the folder has none (or no folder is given); <see cref="Note"/> says which.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder's manifest is not a valid manifest (the message names the file and line).</exception>
    public static StudyManifest For(string? resultsDir)
    {
        var path = resultsDir is null ? null : Path.Combine(resultsDir, RunManifest);
        if (path is not null && File.Exists(path))
        {
            try
            {
                return new StudyManifest(DatasetManifest.Load(path), $"set sizes from the run's manifest ({RunManifest.Replace('\\', '/')})");
            }
            catch (FormatException e)
            {
                throw new InvalidDataException(e.Message, e);
            }
        }
        var fallback = DatasetManifest.Default;
        var where = resultsDir is null ? "no results folder given" : $"the run folder has no {RunManifest.Replace('\\', '/')}";
        return new StudyManifest(fallback, $"set sizes from the repository's {DatasetManifest.RelativePath} ({where}): they are the sweep's only if the manifest has not changed since");
    }
}

/// <summary>
/// The study's answers (<see cref="StudyResult"/>, one per task, benchmark set and variant) computed from the rows of the
/// study question and a manifest of the sets' image sizes.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Set total</b>: per task and variant, the median latencies of its ok cases as a <see cref="PiecewiseLinear"/>
/// function of the input's megapixels padded to a multiple of the model's window (<see cref="PaddedMegapixels"/>); the
/// set total is its sum over the set's images at their input sizes (LR = HR / scale for super-resolution, the full
/// size for denoising: <see cref="TaskKind.InputSize(DatasetImage)"/>). A set has a total only when every case measured
/// from it is ok for the variant.</item>
/// <item><b>Speedups</b>: the baseline's (or the compile reference's) set total over the variant's; the interval is the
/// envelope (lowest low, highest high) of the per-case intervals (<see cref="ResultMath.SpeedupOf"/>) of the set's
/// cases, widened to hold the set's own value.</item>
/// <item>A variant measured at a single case of a task (e.g. a per-shape compile) has no set totals: it is a
/// <see cref="StudySpot"/>, compared with the compile reference at that case.</item>
/// </list>
/// </remarks>
public static class StudyAnalysis
{
    /// <summary>The question whose rows form the study.</summary>
    public const string Question = "study";

    /// <summary>The role token of the study's compile reference (the second speedup column).</summary>
    public const string CompileVariant = "pytorch-compile";

    /// <summary>The megapixels of an <paramref name="h"/>×<paramref name="w"/> input padded to a multiple of <paramref name="window"/>, as the model pads it.</summary>
    public static double PaddedMegapixels(int h, int w, int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        static long Up(int side, int window) => ((long)side + window - 1) / window * window;
        return Up(h, window) * Up(w, window) / 1e6;
    }

    /// <summary>The padded megapixels of an input size (see <see cref="PaddedMegapixels(int, int, int)"/>).</summary>
    public static double PaddedMegapixels(ImageSize input, int window) => PaddedMegapixels(input.Height, input.Width, window);

    /// <summary>The study rows of <paramref name="rows"/> (question <see cref="Question"/>), latest per case, speedups filled.</summary>
    public static List<ResultRow> StudyRows(IEnumerable<ResultRow> rows) =>
        ReportData.Latest(ReportData.WithSpeedups(rows.Where(r => r.Question == Question)));

    /// <summary>The study's answers, or null when <paramref name="rows"/> hold no study rows.</summary>
    public static Study? Compute(IEnumerable<ResultRow> rows, StudyManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var study = StudyRows(rows);
        if (study.Count == 0) return null;
        var results = new List<StudyResult>();
        var spots = new List<StudySpot>();
        foreach (var task in study.GroupBy(r => r.Task).OrderBy(g => TaskOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
            Analyse(task.Key, task.ToList(), manifest.Manifest, results, spots);
        return new Study(study, results, spots, manifest.Note);
    }

    private static void Analyse(string taskName, List<ResultRow> rows, DatasetManifest manifest, List<StudyResult> results, List<StudySpot> spots)
    {
        var task = BenchTask.All.FirstOrDefault(t => t.Name == taskName);
        var cases = rows.Select(CaseOf).Distinct().OrderBy(c => (long)c.H * c.W).ThenBy(c => c.Dataset, StringComparer.Ordinal).ToList();
        var cell = rows.GroupBy(r => (CaseOf(r), r.Variant)).ToDictionary(g => g.Key, g => g.MaxBy(r => r.TimestampUtc)!);
        var variants = rows.GroupBy(r => r.Variant).OrderBy(g => g.Min(r => r.Step)).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var baseline = BaselineVariant(rows);
        ResultRow? At(Case c, string? variant) => variant is not null && cell.TryGetValue((c, variant), out var r) ? r : null;

        var spotVariants = variants.Where(v => cases.Count >= 2 && v.Select(CaseOf).Distinct().Count() == 1).Select(v => v.Key).ToHashSet();
        foreach (var v in spotVariants)
        {
            var row = rows.First(r => r.Variant == v);
            var c = CaseOf(row);
            spots.Add(new StudySpot(row, At(c, CompileVariant), ResultMath.SpeedupOf(At(c, baseline), row),
                ResultMath.SpeedupOf(At(c, CompileVariant), row)));
        }

        var window = task?.Preset.Config.WindowSize ?? 8;
        var curves = variants.Where(v => !spotVariants.Contains(v.Key)).ToDictionary(v => v.Key, v =>
        {
            var points = v.Where(r => r.IsOk && double.IsFinite(r.MedianMs) && r.MedianMs > 0)
                .Select(r => (PaddedMegapixels(r.H, r.W, window), r.MedianMs)).ToList();
            return points.Count == 0 ? null : new PiecewiseLinear(points);
        });

        var sets = rows.Select(r => r.Dataset).Distinct()
            .OrderBy(s => task is null ? int.MaxValue : IndexOrMax(task.Datasets, s)).ThenBy(s => s, StringComparer.Ordinal).ToList();
        foreach (var set in sets)
        {
            var setCases = cases.Where(c => c.Dataset == set).ToList();
            var images = manifest.Contains(set) ? manifest.Get(set) : null;
            var perVariant = new Dictionary<string, StudyResult>();
            foreach (var v in variants.Where(v => !spotVariants.Contains(v.Key)).Select(v => v.Key))
            {
                var own = setCases.Select(c => At(c, v)).ToList();
                var ok = own.Where(r => r is { IsOk: true }).Cast<ResultRow>().ToList();
                var status = SetStatus(setCases, own);
                if (status == ResultRow.StatusOk && task is null) status = $"no set total: unknown task {taskName}";
                if (status == ResultRow.StatusOk && images is null) status = $"no set total: the manifest does not list {set}";
                var curve = curves[v];
                var total = status == ResultRow.StatusOk && curve is not null
                    ? images!.Sum(i => curve.At(PaddedMegapixels(task!.Kind.InputSize(i), window)))
                    : double.NaN;
                var any = rows.Where(r => r.Variant == v).ToList();
                perVariant[v] = new StudyResult
                {
                    Task = taskName, Set = set, Variant = v, Step = any.Min(r => r.Step), Backend = any[0].Backend,
                    Precision = any[0].Precision, Status = status, Images = images?.Count ?? 0, Cases = ok.Count,
                    SetTotalMs = total,
                    MedianImageMs = ok.FirstOrDefault(r => r.SizeClass == "median")?.MedianMs ?? double.NaN,
                    FidelityPsnrDb = MinOrNaN(ok.Select(r => r.FidelityPsnrDb)),
                    FidelityMaxAbs = MaxOrNaN(ok.Select(r => r.FidelityMaxAbs)),
                    PsnrYDb = MeanOrNaN(ok.Select(r => r.PsnrYDb)),
                    SsimY = MeanOrNaN(ok.Select(r => r.SsimY)),
                    PeakMemoryMB = MaxOrNaN(ok.Select(r => r.PeakMemoryMB)),
                    MemoryScope = string.Join(", ", ok.Select(r => r.MemoryScope).Where(s => s.Length > 0).Distinct()),
                    Gpu = any.Select(r => r.Gpu).FirstOrDefault(g => g.Length > 0 && g != EnvironmentInfo.NotAvailable) ?? "",
                };
            }
            foreach (var (v, result) in perVariant)
            {
                var vsBase = SetSpeedup(result, baseline is null ? null : perVariant.GetValueOrDefault(baseline), setCases, c => At(c, baseline), c => At(c, v));
                var vsCompile = SetSpeedup(result, perVariant.GetValueOrDefault(CompileVariant), setCases, c => At(c, CompileVariant), c => At(c, v));
                results.Add(result with
                {
                    SpeedupVsBaseline = vsBase.Value, SpeedupVsBaselineLow = vsBase.Low, SpeedupVsBaselineHigh = vsBase.High,
                    SpeedupVsCompile = vsCompile.Value, SpeedupVsCompileLow = vsCompile.Low, SpeedupVsCompileHigh = vsCompile.High,
                });
            }
        }
    }

    /// <summary>
    /// The set speedup of <paramref name="result"/> over <paramref name="reference"/>: the ratio of their set totals, with
    /// the envelope of the per-case intervals widened to hold that ratio; NaN where a total is missing.
    /// </summary>
    private static Speedup SetSpeedup(StudyResult result, StudyResult? reference, IReadOnlyList<Case> cases,
        Func<Case, ResultRow?> referenceRow, Func<Case, ResultRow?> row)
    {
        if (reference is null || !reference.HasTotal || !result.HasTotal) return Speedup.Missing("no set total");
        var value = reference.SetTotalMs / result.SetTotalMs;
        var perCase = cases.Select(c => row(c) is { } r ? ResultMath.SpeedupOf(referenceRow(c), r) : Speedup.Missing("")).ToList();
        if (perCase.Count == 0 || perCase.Any(s => !double.IsFinite(s.Low) || double.IsNaN(s.High)))
            return new Speedup(value, double.NaN, double.NaN, "", "");
        return new Speedup(value, Math.Min(value, perCase.Min(s => s.Low)), Math.Max(value, perCase.Max(s => s.High)), "", "");
    }

    /// <summary><c>ok</c> when every case has an ok row; else the first case's status that is not, or "not measured".</summary>
    private static string SetStatus(IReadOnlyList<Case> cases, IReadOnlyList<ResultRow?> own)
    {
        for (var i = 0; i < cases.Count; i++)
        {
            if (own[i] is null) return $"not measured: {cases[i].Dataset} {cases[i].SizeClass} {cases[i].H}×{cases[i].W}";
            if (!own[i]!.IsOk) return own[i]!.Status;
        }
        return ResultRow.StatusOk;
    }

    /// <summary>The variant of a task's rows marked as the baseline (the first step's when none is marked), or null without rows.</summary>
    public static string? BaselineVariant(IEnumerable<ResultRow> taskRows)
    {
        var rows = taskRows.ToList();
        return rows.Where(r => r.IsBaseline).GroupBy(r => r.Variant).MaxBy(g => g.Count())?.Key
               ?? rows.MinBy(r => r.Step)?.Variant;
    }

    /// <summary>
    /// A status in a word or two, for a table cell or a chart slot: <c>out of memory</c> for
    /// <c>failed: out of memory at …</c>, otherwise the text before the first colon (<c>unavailable</c>, <c>error</c>).
    /// </summary>
    public static string ShortStatus(string status)
    {
        const string failed = "failed: ";
        if (status.StartsWith(failed, StringComparison.OrdinalIgnoreCase))
        {
            var what = status[failed.Length..];
            var at = what.IndexOf(" at ", StringComparison.Ordinal);
            return at > 0 ? what[..at] : what;
        }
        var colon = status.IndexOf(':');
        return colon > 0 ? status[..colon] : status;
    }

    /// <summary>One measured input of a task.</summary>
    internal readonly record struct Case(string Dataset, string SizeClass, string Image, int H, int W);

    internal static Case CaseOf(ResultRow r) => new(r.Dataset, r.SizeClass, r.Image, r.H, r.W);

    /// <summary>The listing order of a task (<see cref="BenchTask.All"/>), unknown tasks last.</summary>
    internal static int TaskOrder(string task) => IndexOrMax(BenchTask.All.Select(t => t.Name).ToList(), task);

    private static int IndexOrMax(IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
            if (string.Equals(list[i], item, StringComparison.OrdinalIgnoreCase)) return i;
        return int.MaxValue;
    }

    private static double MinOrNaN(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Min();

    private static double MaxOrNaN(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max();

    private static double MeanOrNaN(IEnumerable<double> values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>
/// A variant measured at one case of a task (such as a per-shape compile): its row, the compile reference's row at the
/// same case, and its speedups over the study's baseline and over the compile reference there.
/// </summary>
public sealed record StudySpot(ResultRow Row, ResultRow? Compile, Speedup VsBaseline, Speedup VsCompile);

/// <summary>The study's answers: the study rows they come from, the per-set results, the one-case variants, and the manifest's note.</summary>
public sealed record Study(IReadOnlyList<ResultRow> Rows, IReadOnlyList<StudyResult> Results, IReadOnlyList<StudySpot> Spots, string ManifestNote)
{
    /// <summary>The baseline variant of <paramref name="task"/> (see <see cref="StudyAnalysis.BaselineVariant"/>).</summary>
    public string? Baseline(string task) => StudyAnalysis.BaselineVariant(Rows.Where(r => r.Task == task));

    /// <summary>The tasks in report order.</summary>
    public IReadOnlyList<string> Tasks => Results.Select(r => r.Task).Concat(Spots.Select(s => s.Row.Task)).Distinct()
        .OrderBy(StudyAnalysis.TaskOrder).ThenBy(t => t, StringComparer.Ordinal).ToList();
}
