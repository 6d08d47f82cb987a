namespace SwinBench.Reporting;

/// <summary>
/// The study's answer for one task, benchmark set and variant: one row of <c>study.csv</c> (see
/// <see cref="StudyAnalysis"/> for how each value is obtained). Values are NaN where they cannot be computed; a
/// <see cref="Status"/> other than <c>ok</c> says why the set has no total.
/// </summary>
public sealed record StudyResult
{
    /// <summary>The task, e.g. <c>classical-x2</c>.</summary>
    public string Task { get; init; } = "";

    /// <summary>The benchmark set, e.g. <c>Set14</c>.</summary>
    public string Set { get; init; } = "";

    /// <summary>The variant's role token, e.g. <c>torchsharp-fp16</c>.</summary>
    public string Variant { get; init; } = "";

    /// <summary>The variant's step in the question (its column order).</summary>
    public int Step { get; init; }

    /// <summary>The backend, e.g. <c>pytorch</c>.</summary>
    public string Backend { get; init; } = "";

    /// <summary>The compute precision.</summary>
    public string Precision { get; init; } = "";

    /// <summary>
    /// <c>ok</c> when every measured case of the set is ok for this variant; else the first case's status that is not
    /// (<c>failed: out of memory …</c>, <c>unavailable: …</c>, <c>error: …</c>), or <c>not measured: …</c>.
    /// </summary>
    public string Status { get; init; } = "";

    /// <summary>How many images the set has in the manifest (0 when the manifest does not list it).</summary>
    public int Images { get; init; }

    /// <summary>How many of the set's cases were measured ok for this variant.</summary>
    public int Cases { get; init; }

    /// <summary>The estimated time for the whole set in ms: the sum of the interpolated latency at each image's size.</summary>
    public double SetTotalMs { get; init; } = double.NaN;

    /// <summary>The median latency of the set's median-size case in ms.</summary>
    public double MedianImageMs { get; init; } = double.NaN;

    /// <summary>The set total of the study's baseline over this variant's.</summary>
    public double SpeedupVsBaseline { get; init; } = double.NaN;

    /// <summary>Lower end of <see cref="SpeedupVsBaseline"/>'s interval.</summary>
    public double SpeedupVsBaselineLow { get; init; } = double.NaN;

    /// <summary>Upper end of <see cref="SpeedupVsBaseline"/>'s interval.</summary>
    public double SpeedupVsBaselineHigh { get; init; } = double.NaN;

    /// <summary>The set total of the compile reference over this variant's.</summary>
    public double SpeedupVsCompile { get; init; } = double.NaN;

    /// <summary>Lower end of <see cref="SpeedupVsCompile"/>'s interval.</summary>
    public double SpeedupVsCompileLow { get; init; } = double.NaN;

    /// <summary>Upper end of <see cref="SpeedupVsCompile"/>'s interval.</summary>
    public double SpeedupVsCompileHigh { get; init; } = double.NaN;

    /// <summary>The worst PSNR in dB against the FP32 reference output over the set's cases (+∞: identical).</summary>
    public double FidelityPsnrDb { get; init; } = double.NaN;

    /// <summary>The largest absolute difference against the FP32 reference output over the set's cases.</summary>
    public double FidelityMaxAbs { get; init; } = double.NaN;

    /// <summary>The mean Y-channel PSNR in dB against the ground truth over the set's measured images that have one.</summary>
    public double PsnrYDb { get; init; } = double.NaN;

    /// <summary>The mean Y-channel SSIM against the ground truth, like <see cref="PsnrYDb"/>.</summary>
    public double SsimY { get; init; } = double.NaN;

    /// <summary>The largest memory figure of the set's cases in MB.</summary>
    public double PeakMemoryMB { get; init; } = double.NaN;

    /// <summary>What <see cref="PeakMemoryMB"/> measures (the rows' memory scope).</summary>
    public string MemoryScope { get; init; } = "";

    /// <summary>The card the variant ran on (the rows' <c>gpu</c> column).</summary>
    public string Gpu { get; init; } = "";

    /// <summary>True when the set has a total.</summary>
    public bool HasTotal => double.IsFinite(SetTotalMs);
}
