using SwinBench.Results;
using SwinBench.Tests.Results;

namespace SwinBench.Tests.Reporting;

/// <summary>
/// A synthetic study: 2 tasks × 2 datasets × 3 variants (FP32 baseline, FP32 hoisted, FP16) on two backends, plus a
/// skipped TensorRT case and a failed case. Without a question the rows are those of a file written before the question
/// column (legacy speedups per backend, no spread); with one, they are that question's rows (one baseline: TorchSharp
/// per-block FP32; a 99.9% half-width of 5% of the median, and of 300% for the Urban100 FP16 ORT rows).
/// </summary>
internal static class SyntheticResults
{
    public static readonly string[] Tasks = ["classical-x2", "lightweight-x2"];

    public static readonly (string Name, string Image, int H, int W)[] Datasets = [("Set5", "baby", 256, 256), ("Urban100", "img_004", 768, 1024)];

    public static readonly (string Variant, int Step, string Mask, string Precision, double Factor, double Psnr)[] Variants =
    [
        ("perblock/fp32/ln-fused", 0, "perblock", "fp32", 1.0, double.PositiveInfinity),
        ("hoisted/fp32/ln-fused", 1, "hoisted", "fp32", 1.4, double.PositiveInfinity),
        ("hoisted/fp16/ln-fused", 2, "hoisted", "fp16", 2.6, 52.25),
    ];

    public const string SkipReason = "skipped: TensorRT is not installed";
    public const string ErrorStatus = "error: CUDA out of memory | tried to allocate 2,048 MB";

    public static List<ResultRow> Rows(string runId = "2025-06-01T12-00-00_h100", string question = "")
    {
        var rows = new List<ResultRow>();
        var t = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        foreach (var task in Tasks)
        foreach (var (dataset, image, h, w) in Datasets)
        foreach (var backend in new[] { "torchsharp", "ort" })
        foreach (var v in Variants)
        {
            var mp = h * w / 1e6;
            var baseMs = mp * (task.StartsWith("classical") ? 400 : 120) * (backend == "ort" ? 0.8 : 1.0);
            var ms = baseMs / v.Factor;
            t = t.AddSeconds(30);
            rows.Add(ResultRowsForTests.Full(runId, v.Variant, v.Step) with
            {
                TimestampUtc = t, Task = task, Model = task.StartsWith("classical") ? "SwinIR-M" : "SwinIR-S",
                Mask = v.Mask, Precision = v.Precision, Backend = backend, Dataset = dataset, Image = image,
                SizeClass = "median", H = h, W = w, Megapixels = mp, MeanMs = ms * 1.02, MedianMs = ms, P95Ms = ms * 1.1,
                MinMs = ms * 0.97, FidelityPsnrDb = v.Psnr, FidelityMaxAbs = double.IsInfinity(v.Psnr) ? 0 : 0.004,
                PeakMemoryMB = 900 + 2000 * mp, Speedup = double.NaN,
                Question = question, IsBaseline = question.Length > 0 && v.Step == 0 && backend == "torchsharp",
                P5Ms = question.Length > 0 ? ms * 0.95 : double.NaN,
                Ci999HalfwidthMs = question.Length == 0 ? double.NaN : ms * (dataset == "Urban100" && backend == "ort" && v.Precision == "fp16" ? 3.0 : 0.05),
                SpeedupLow = double.NaN, SpeedupHigh = double.NaN, SpeedupNote = "", MemoryScope = question.Length > 0 ? "device-in-use" : "",
            });
        }
        ResultMath.FillSpeedups(rows);
        rows.Add(ResultRowsForTests.Full(runId, "perblock/fp32/ln-fused", 0) with
        {
            Question = question, IsBaseline = false,
            Backend = "tensorrt", Status = SkipReason, MedianMs = double.NaN, MeanMs = double.NaN, P95Ms = double.NaN,
            MinMs = double.NaN, Speedup = double.NaN, FidelityPsnrDb = double.NaN, Samples = 0,
        });
        rows.Add(ResultRowsForTests.Full(runId, "perblock/fp32/ln-fused", 0) with
        {
            Question = question, IsBaseline = question.Length > 0,
            Dataset = "Urban100", SizeClass = "largest", Image = "img_092", H = 1024, W = 1280, Status = ErrorStatus,
            MedianMs = 1e9, MeanMs = 1e9, Speedup = double.NaN,
        });
        return rows;
    }
}
