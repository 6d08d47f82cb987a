namespace SwinBench.Results;

/// <summary>
/// One measured case: what ran (task, model, variant, backend, precision), on what input (dataset, size class,
/// image, size), how fast (latency statistics per image), how faithful (against the official FP32 path in TorchSharp on
/// the same device), its outcome, and the environment it ran in. One row of <c>results.csv</c>; the property order is the column order.
/// </summary>
/// <remarks>
/// Latency and fidelity values may be <see cref="double.NaN"/> when <see cref="Status"/> is not <c>ok</c> (or when a
/// value was not measured); <see cref="FidelityPsnrDb"/> is <see cref="double.PositiveInfinity"/> for an output that is
/// identical to the reference. The CSV representation is defined by <see cref="ResultRowMap"/>.
/// </remarks>
public sealed record ResultRow
{
    /// <summary>The status of a row that was measured successfully.</summary>
    public const string StatusOk = "ok";

    /// <summary>Identifies one invocation of the harness; all rows it produced share it.</summary>
    public string RunId { get; set; } = "";

    /// <summary>When the case finished (UTC; written in ISO 8601).</summary>
    public DateTime TimestampUtc { get; set; }

    /// <summary>
    /// The benchmark question the row answers (e.g. <c>mask-hoisting</c>, <c>backends</c>, <c>ablation</c>); empty in
    /// files written before the column existed. Speedups compare rows of the same question only.
    /// </summary>
    public string Question { get; set; } = "";

    /// <summary>The restoration task, e.g. <c>classical-x2</c>, <c>lightweight-x2</c>, <c>color-dn15</c>.</summary>
    public string Task { get; set; } = "";

    /// <summary>The model, e.g. <c>SwinIR-S</c> or a preset name.</summary>
    public string Model { get; set; } = "";

    /// <summary>A short label of the variant (e.g. <c>perblock/fp32/ln-fused</c>) or an ablation step name (e.g. <c>+ mask kernel</c>).</summary>
    public string Variant { get; set; } = "";

    /// <summary>The order of ablation steps; 0 is the baseline its group's speedups are relative to.</summary>
    public int Step { get; set; }

    /// <summary>
    /// True for the row of the question's baseline variant (the one its speedups divide by). Files without the column
    /// read false; their baseline is found by the legacy rule of <see cref="ResultMath.FillSpeedups"/> (step 0).
    /// </summary>
    public bool IsBaseline { get; set; }

    /// <summary>The attention-mask mode: <c>perblock</c> or <c>hoisted</c>.</summary>
    public string Mask { get; set; } = "";

    /// <summary>The LayerNorm mode: <c>fused</c>, <c>decomposed</c> or <c>fp32</c>.</summary>
    public string LayerNorm { get; set; } = "";

    /// <summary>The CUDA plugins in use: <c>none</c> or flags joined by <c>+</c>.</summary>
    public string Plugins { get; set; } = "none";

    /// <summary>The inference backend: <c>torchsharp</c>, <c>ort</c> or <c>tensorrt</c>.</summary>
    public string Backend { get; set; } = "";

    /// <summary>The device kind: <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; set; } = "";

    /// <summary>The device's name, e.g. <c>NVIDIA H100 80GB HBM3</c> or the CPU model.</summary>
    public string DeviceName { get; set; } = "";

    /// <summary>The compute precision: <c>fp32</c> or <c>fp16</c>.</summary>
    public string Precision { get; set; } = "";

    /// <summary>The dataset, e.g. <c>Set5</c>, <c>Urban100</c> or <c>synthetic</c>.</summary>
    public string Dataset { get; set; } = "";

    /// <summary>Which inputs of the dataset: <c>median</c>, <c>largest</c>, <c>all</c> or <c>custom</c>.</summary>
    public string SizeClass { get; set; } = "";

    /// <summary>The image's name, or <c>*</c> for a whole-dataset row.</summary>
    public string Image { get; set; } = "";

    /// <summary>How many images the row covers.</summary>
    public int Images { get; set; }

    /// <summary>Input height in pixels (for size class <c>all</c>: the largest).</summary>
    public int H { get; set; }

    /// <summary>Input width in pixels (for size class <c>all</c>: the largest).</summary>
    public int W { get; set; }

    /// <summary>Input megapixels (for a row covering a whole set, <see cref="CoversWholeSet"/>: the sum over its images).</summary>
    public double Megapixels { get; set; }

    /// <summary>The image column of a row that covers a whole set (<c>accuracy</c>'s per-set row).</summary>
    public const string WholeSetImage = "*";

    /// <summary>
    /// Whether <paramref name="r"/> covers a whole set rather than one input size: image <see cref="WholeSetImage"/> or
    /// size class <c>all</c>. Its latency is per image but its megapixels are the set's sum, so size charts leave it out.
    /// </summary>
    public static bool CoversWholeSet(ResultRow r) =>
        r.Image == WholeSetImage || string.Equals(r.SizeClass, "all", StringComparison.OrdinalIgnoreCase);

    /// <summary>Mean latency per image in milliseconds.</summary>
    public double MeanMs { get; set; } = double.NaN;

    /// <summary>Median latency per image in milliseconds.</summary>
    public double MedianMs { get; set; } = double.NaN;

    /// <summary>95th-percentile latency per image in milliseconds.</summary>
    public double P95Ms { get; set; } = double.NaN;

    /// <summary>5th-percentile latency per image in milliseconds (NaN when not recorded).</summary>
    public double P5Ms { get; set; } = double.NaN;

    /// <summary>
    /// Half-width in milliseconds of the 99.9% confidence interval of the mean latency (Student t over the samples,
    /// as BenchmarkDotNet computes it); the spread used for speedup intervals. NaN when not recorded.
    /// </summary>
    public double Ci999HalfwidthMs { get; set; } = double.NaN;

    /// <summary>Minimum latency per image in milliseconds.</summary>
    public double MinMs { get; set; } = double.NaN;

    /// <summary>How many timed samples (iterations, one forward pass each) the statistics are over.</summary>
    public int Samples { get; set; }

    /// <summary>
    /// The median latency of each measurement round in ms, in round order (a sweep of <c>Rounds</c> interleaved rounds
    /// of <c>IterationCount</c> samples; one value per round); empty in files written before the column existed and for
    /// rows measured outside rounds. Two rows with the same number of rounds (two or more) get a paired speedup
    /// (<see cref="ResultMath.SpeedupOf"/>).
    /// </summary>
    public RoundValues RoundMediansMs { get; set; }

    /// <summary>
    /// This row's speedup over the baseline row of its group (<see cref="ResultMath.FillSpeedups"/>): the median of
    /// the per-round ratios baseline / this row when both have the same rounds, else baseline median / this median;
    /// <see cref="SpeedupMethod"/> says which (<see cref="ResultMath.SpeedupOf"/>).
    /// </summary>
    public double Speedup { get; set; } = double.NaN;

    /// <summary>
    /// Lower end of the speedup's 99.9% interval (see <see cref="ResultMath.SpeedupOf"/>); NaN when not computable.
    /// </summary>
    public double SpeedupLow { get; set; } = double.NaN;

    /// <summary>Upper end of the speedup's interval (may be +∞ when this row's spread reaches zero); NaN when not computable.</summary>
    public double SpeedupHigh { get; set; } = double.NaN;

    /// <summary>Why <see cref="Speedup"/> is empty (e.g. <c>no ok baseline row</c>), or empty when it is set.</summary>
    public string SpeedupNote { get; set; } = "";

    /// <summary>
    /// How <see cref="Speedup"/> and its interval were computed: <c>paired over N rounds</c> or <c>ratio of medians</c>
    /// (<see cref="ResultMath.PairedMethod"/>, <see cref="ResultMath.MediansMethod"/>); empty for the baseline's own
    /// row, a missing speedup, and files written before the column existed.
    /// </summary>
    public string SpeedupMethod { get; set; } = "";

    /// <summary>
    /// PSNR in dB of this output against the reference: the official FP32 path (per-block masks, no kernels) in
    /// TorchSharp on the same device, with the same weights and input (+∞: identical).
    /// </summary>
    public double FidelityPsnrDb { get; set; } = double.NaN;

    /// <summary>Largest absolute difference against the same reference as <see cref="FidelityPsnrDb"/>.</summary>
    public double FidelityMaxAbs { get; set; } = double.NaN;

    /// <summary>
    /// PSNR in dB on the Y channel (ITU-R BT.601, borders cropped by the scale) of the output against the ground-truth
    /// image, for a dataset image restored with official weights; NaN otherwise (synthetic input, random weights).
    /// </summary>
    public double PsnrYDb { get; set; } = double.NaN;

    /// <summary>SSIM on the Y channel against the ground truth, measured like <see cref="PsnrYDb"/>; NaN otherwise.</summary>
    public double SsimY { get; set; } = double.NaN;

    /// <summary>Memory in MB of the case; what it measures is <see cref="MemoryScope"/>.</summary>
    public double PeakMemoryMB { get; set; } = double.NaN;

    /// <summary>
    /// What <see cref="PeakMemoryMB"/> measures: <c>device-in-use</c> (CUDA memory in use after the first forward pass),
    /// <c>case-peak-rss</c> (the process's peak resident memory over this case's setup and first pass, the peak reset
    /// before it), <c>process-peak-rss</c> (the process's running peak since it started, earlier cases included), or
    /// empty when unknown (older files).
    /// </summary>
    public string MemoryScope { get; set; } = "";

    /// <summary><c>ok</c>, <c>skipped: &lt;reason&gt;</c>, <c>unavailable: &lt;reason&gt;</c> or <c>error: &lt;message&gt;</c>.</summary>
    public string Status { get; set; } = StatusOk;

    /// <summary>See <see cref="EnvironmentInfo.Machine"/>.</summary>
    public string Machine { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.Os"/>.</summary>
    public string Os { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.Cpu"/>.</summary>
    public string Cpu { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.Gpu"/>.</summary>
    public string Gpu { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.Driver"/>.</summary>
    public string Driver { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.Cuda"/>.</summary>
    public string Cuda { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.Libtorch"/>.</summary>
    public string Libtorch { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.TorchSharp"/>.</summary>
    public string TorchSharp { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.OnnxRuntime"/>.</summary>
    public string OnnxRuntime { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.DotNet"/>.</summary>
    public string DotNet { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>See <see cref="EnvironmentInfo.GitCommit"/>.</summary>
    public string GitCommit { get; set; } = EnvironmentInfo.NotAvailable;

    /// <summary>True when the case was measured (status <c>ok</c>).</summary>
    public bool IsOk => string.Equals(Status, StatusOk, StringComparison.OrdinalIgnoreCase);

    /// <summary>A copy of this row with the environment columns taken from <paramref name="env"/>.</summary>
    public ResultRow WithEnvironment(EnvironmentInfo env) => this with
    {
        Machine = env.Machine, Os = env.Os, Cpu = env.Cpu, Gpu = env.Gpu, Driver = env.Driver, Cuda = env.Cuda,
        Libtorch = env.Libtorch, TorchSharp = env.TorchSharp, OnnxRuntime = env.OnnxRuntime, DotNet = env.DotNet,
        GitCommit = env.GitCommit,
    };

    /// <summary>The environment columns of this row.</summary>
    public EnvironmentInfo GetEnvironment() => new()
    {
        Machine = Machine, Os = Os, Cpu = Cpu, Gpu = Gpu, Driver = Driver, Cuda = Cuda, Libtorch = Libtorch,
        TorchSharp = TorchSharp, OnnxRuntime = OnnxRuntime, DotNet = DotNet, GitCommit = GitCommit,
    };

    /// <summary>
    /// The identity of the case within a results file: a row with the same key replaces an earlier one on
    /// <see cref="ResultsStore.Append"/>.
    /// </summary>
    public ResultKey Key => new(RunId, Question, Task, Variant, Backend, Device, Precision, Dataset, SizeClass, Image, H, W, Plugins, Mask, LayerNorm);
}

/// <summary>The fields that identify a <see cref="ResultRow"/> within a results file (compared ordinally).</summary>
public readonly record struct ResultKey(
    string RunId, string Question, string Task, string Variant, string Backend, string Device, string Precision, string Dataset,
    string SizeClass, string Image, int H, int W, string Plugins, string Mask, string LayerNorm);
