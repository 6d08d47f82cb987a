using System.Globalization;
using SwinBench.Datasets;
using SwinBench.Reporting;
using SwinBench.Results;
using SwinBench.Tests.Results;
using SwinBench.Workloads;

namespace SwinBench.Tests.Reporting;

/// <summary>
/// Rows of the <c>study</c> question (the schema of the study sweep: variants by role token, step 0 the eager FP32
/// baseline). <see cref="HandRows"/> is a small study whose set totals are computed by hand in the tests;
/// <see cref="Rows"/> a full one over the repository's manifest, for the charts and the report.
/// </summary>
internal static class SyntheticStudy
{
    /// <summary>The study's variants: role token, step, backend, precision, and how many times faster than the baseline.</summary>
    public static readonly (string Variant, int Step, string Backend, string Precision, double Factor)[] Variants =
    [
        ("pytorch-eager-fp32", 0, "pytorch", "fp32", 1.0),
        ("pytorch-compile", 1, "pytorch", "fp16", 2.0),
        ("torchsharp-fp16", 2, "torchsharp", "fp16", 4.0),
        ("torchsharp-fp32", 3, "torchsharp", "fp32", 1.5),
        ("ort-fp16", 4, "ort", "fp16", 3.0),
        ("tensorrt-fp16", 5, "tensorrt", "fp16", double.NaN),
        ("pytorch-compile-max-autotune", 6, "pytorch", "fp16", 2.5),
    ];

    public const string Card = "NVIDIA H200";
    public const string TensorRtStatus = "unavailable: tensorrt: TensorRT is not installed (libnvinfer.so.10 not found)";

    /// <summary>The baseline's latency in ms of an input of <paramref name="mp"/> padded megapixels: 10 ms + 1000 ms per megapixel.</summary>
    public static double BaselineMs(double mp) => 10 + 1000 * mp;

    /// <summary>
    /// The hand-computed manifest (HR sizes; classical x2 inputs are half): Set5 a1 64×64, a2 128×128 (the median),
    /// a3 130×250 (input 65×125, padded 72×128); Set14 b1 256×256 (the median), b2 512×512 (the task's largest).
    /// </summary>
    public const string HandManifest =
        "dataset,name,height,width,channels,format\n" +
        "Set5,a1,64,64,3,png\nSet5,a2,128,128,3,png\nSet5,a3,130,250,3,png\n" +
        "Set14,b1,256,256,3,png\nSet14,b2,512,512,3,png\n";

    /// <summary>A results folder with the hand manifest as its run manifest (<c>raw/manifest.csv</c>).</summary>
    public static string HandFolder(string tag)
    {
        var dir = ResultRowsForTests.TempDir(tag);
        Directory.CreateDirectory(Path.Combine(dir, "raw"));
        File.WriteAllText(Path.Combine(dir, "raw", "manifest.csv"), HandManifest);
        return dir;
    }

    /// <summary>
    /// classical-x2 at Set5's median (64×64), Set14's median (128×128) and the largest (Set14, 256×256): every variant
    /// at <see cref="BaselineMs"/> / factor, with a 99.9% half-width of 5% (10% for torchsharp-fp16 at the largest);
    /// ort-fp16 out of memory at the largest, TensorRT unavailable, torchsharp-fp32 not measured at Set5's median, and
    /// the max-autotune compile at Set14's median only. torchsharp-fp16 has fidelity and PSNR/SSIM-Y values.
    /// </summary>
    public static List<ResultRow> HandRows()
    {
        (string Set, string Size, string Image, int H, int W)[] cases =
            [("Set5", "median", "a2", 64, 64), ("Set14", "median", "b1", 128, 128), ("Set14", "largest", "b2", 256, 256)];
        var rows = new List<ResultRow>();
        foreach (var v in Variants)
            foreach (var (set, size, image, h, w) in cases)
            {
                if (v.Variant == "pytorch-compile-max-autotune" && image != "b1") continue;
                if (v.Variant == "torchsharp-fp32" && image == "a2") continue;
                var ms = BaselineMs(h * w / 1e6) / v.Factor;
                var row = Row("classical-x2", v, set, size, image, h, w, ms, v.Variant == "torchsharp-fp16" && image == "b2" ? 0.10 : 0.05);
                if (v.Variant == "ort-fp16" && image == "b2") row = Failed(row, "failed: out of memory at 256x256 (tried to allocate 3.00 GiB)");
                if (v.Variant == "tensorrt-fp16") row = Failed(row, TensorRtStatus);
                if (v.Variant == "torchsharp-fp16")
                {
                    var k = Array.FindIndex(cases, c => c.Image == image);
                    row.FidelityPsnrDb = new[] { 50.0, 48.0, 47.0 }[k];
                    row.FidelityMaxAbs = new[] { 0.01, 0.02, 0.015 }[k];
                    row.PsnrYDb = new[] { 30.0, 28.0, 26.0 }[k];
                    row.SsimY = new[] { 0.9, 0.8, 0.7 }[k];
                }
                rows.Add(row);
            }
        ResultMath.FillSpeedups(rows);
        return rows;
    }

    /// <summary>
    /// A full study over <paramref name="manifest"/>: classical-x2, classical-x4, lightweight-x2 and color-dn15, each
    /// set's median and the task's largest input, every variant (latency by <see cref="BaselineMs"/>, smaller models
    /// faster); ort-fp16 out of memory at classical-x2's largest, TensorRT unavailable, the max-autotune compile at one case.
    /// </summary>
    public static List<ResultRow> Rows(DatasetManifest manifest)
    {
        var rows = new List<ResultRow>();
        var autotuned = false;
        foreach (var name in new[] { "classical-x2", "classical-x4", "lightweight-x2", "color-dn15" })
        {
            var task = BenchTask.Get(name);
            var stats = task.DatasetsIn(manifest).Select(d => DatasetStatistics.For(manifest, d, task.Kind)).ToList();
            var largest = stats.MaxBy(s => s.LargestInput.Pixels)!;
            var cases = stats.Select(s => (s.Dataset, Size: "median", s.MedianImage.Name, s.MedianInput))
                .Append((largest.Dataset, "largest", largest.LargestImage.Name, largest.LargestInput)).ToList();
            var scale = name.StartsWith("lightweight", StringComparison.Ordinal) ? 0.3 : 1.0;
            foreach (var v in Variants)
                foreach (var (set, size, image, input) in cases)
                {
                    if (v.Variant == "pytorch-compile-max-autotune" && (autotuned || size != "median" || set != cases[0].Dataset)) continue;
                    var ms = scale * BaselineMs(input.Pixels / 1e6) / v.Factor * (1 + 0.03 * Math.Sin(input.Pixels));
                    var row = Row(name, v, set, size, image, input.Height, input.Width, ms, 0.04);
                    if (v.Variant == "tensorrt-fp16") row = Failed(row, TensorRtStatus);
                    if (v.Variant == "ort-fp16" && name == "classical-x2" && size == "largest")
                        row = Failed(row, $"failed: out of memory at {input.Height}x{input.Width} (tried to allocate 7.25 GiB)");
                    if (v.Precision == "fp16" && row.IsOk) row.FidelityPsnrDb = 55 - 3 * v.Step + (name == "color-dn15" ? 4 : 0);
                    if (v.Variant == "torchsharp-fp32") row.FidelityPsnrDb = double.PositiveInfinity;
                    rows.Add(row);
                }
            autotuned = true;
        }
        ResultMath.FillSpeedups(rows);
        return rows;
    }

    private static ResultRow Row(string task, (string Variant, int Step, string Backend, string Precision, double Factor) v,
        string set, string size, string image, int h, int w, double ms, double halfWidth) =>
        ResultRowsForTests.Full("2026-12-10T09-00-00_h200_study", v.Variant, v.Step) with
        {
            TimestampUtc = new DateTime(2026, 12, 10, 9, 0, 0, DateTimeKind.Utc).AddSeconds(h * 7 + w + v.Step),
            Question = StudyAnalysis.Question, Task = task, Model = task.StartsWith("lightweight", StringComparison.Ordinal) ? "SwinIR-S" : "SwinIR-M",
            IsBaseline = v.Step == 0, Backend = v.Backend, Precision = v.Precision, Mask = v.Step == 0 ? "perblock" : "hoisted",
            Device = "cuda", DeviceName = Card, Gpu = Card, Dataset = set, SizeClass = size, Image = image, H = h, W = w,
            Megapixels = h * w / 1e6, MedianMs = ms, MeanMs = ms * 1.01, P5Ms = ms * 0.97, P95Ms = ms * 1.05, MinMs = ms * 0.95,
            Ci999HalfwidthMs = ms * halfWidth, RoundMediansMs = default, Speedup = double.NaN, SpeedupLow = double.NaN,
            SpeedupHigh = double.NaN, SpeedupNote = "", SpeedupMethod = "", FidelityPsnrDb = double.NaN,
            FidelityMaxAbs = double.NaN, PsnrYDb = double.NaN, SsimY = double.NaN, PeakMemoryMB = 100 + 1000 * h * w / 1e6,
            MemoryScope = "device-in-use", Status = ResultRow.StatusOk,
        };

    private static ResultRow Failed(ResultRow row, string status) => row with
    {
        Status = status, MedianMs = double.NaN, MeanMs = double.NaN, P5Ms = double.NaN, P95Ms = double.NaN, MinMs = double.NaN,
        Ci999HalfwidthMs = double.NaN, Samples = 0, PeakMemoryMB = double.NaN, DeviceName = EnvironmentInfo.NotAvailable,
    };

    /// <summary>A number as the report writes it with <paramref name="format"/>.</summary>
    public static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
