using SwinBench.Datasets;
using SwinBench.Model;

namespace SwinBench.Workloads;

/// <summary>
/// A benchmark task: an official preset plus the degradation its inputs get (SR scale, noise level, JPEG quality) and the
/// datasets its papers evaluate it on (those the manifest has). Names are the CSV's <c>task</c> column.
/// </summary>
public sealed record BenchTask(string Name, string PresetName, TaskKind Kind, int NoiseSigma, int JpegQuality, IReadOnlyList<string> Datasets)
{
    public Preset Preset => Presets.Get(PresetName);

    /// <summary>Short model name for tables (SwinIR-S/M/L).</summary>
    public string ModelName => Preset.Config.EmbedDim switch { 60 => "SwinIR-S", 240 => "SwinIR-L", _ => "SwinIR-M" };

    public override string ToString() => Name;

    private static readonly string[] SrSets = ["Set5", "Set14", "BSD100", "Urban100", "Manga109"];
    private static readonly string[] ColorDnSets = ["CBSD68", "Kodak24", "McMaster", "Urban100"];
    private static readonly string[] GrayDnSets = ["Set12", "BSD68", "CBSD68", "Urban100"];
    private static readonly string[] JpegSets = ["Classic5", "LIVE1", "Kodak24", "CBSD68"];

    /// <summary>Every task the harness knows, in listing order.</summary>
    public static IReadOnlyList<BenchTask> All { get; } =
    [
        .. new[] { 2, 3, 4, 8 }.Select(s => new BenchTask($"classical-x{s}", $"classical-x{s}", TaskKind.SuperResolution(s), 0, 0, SrSets)),
        .. new[] { 2, 3, 4 }.Select(s => new BenchTask($"lightweight-x{s}", $"lightweight-x{s}", TaskKind.SuperResolution(s), 0, 0, SrSets)),
        new BenchTask("realsr-x4", "realsr-x4", TaskKind.SuperResolution(4), 0, 0, SrSets),
        .. new[] { 15, 25, 50 }.Select(n => new BenchTask($"color-dn{n}", "color-dn", TaskKind.Denoise, n, 0, ColorDnSets)),
        .. new[] { 15, 25, 50 }.Select(n => new BenchTask($"gray-dn{n}", "gray-dn", TaskKind.Denoise, n, 0, GrayDnSets)),
        .. new[] { 10, 20, 30, 40 }.Select(q => new BenchTask($"color-jpeg{q}", "color-jpeg", TaskKind.JpegCar, 0, q, JpegSets)),
        .. new[] { 10, 20, 30, 40 }.Select(q => new BenchTask($"gray-jpeg{q}", "gray-jpeg", TaskKind.JpegCar, 0, q, JpegSets)),
    ];

    public static BenchTask Get(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown task '{name}'; known tasks: {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>The task's datasets that <paramref name="manifest"/> lists.</summary>
    public IReadOnlyList<string> DatasetsIn(DatasetManifest manifest) => Datasets.Where(manifest.Contains).ToList();
}
