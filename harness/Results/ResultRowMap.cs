using CsvHelper;

namespace SwinBench.Results;

/// <summary>
/// The CSV class map of <see cref="ResultRow"/> (a CsvHelper 34 <see cref="CsvRecordMapAttribute"/>): each property
/// stands in for the <see cref="ResultRow"/> property of the same name and gives it its stable snake_case header name
/// and converter; the CsvHelper source generator writes the mapper and record writer from it. The columns are written
/// in the declaration order of <see cref="ResultRow"/>, and read by header name. Never instantiated.
/// </summary>
[CsvRecordMap(typeof(ResultRow))]
[CsvOptions(NewLine = "\n", Culture = "")]
internal sealed partial class ResultRowMap
{
    [CsvColumn("run_id")] public string RunId { get; set; } = "";
    [CsvColumn("timestamp_utc")] [CsvConverter(typeof(CsvUtcDateTimeConverter))] public DateTime TimestampUtc { get; set; }
    [CsvColumn("question", Optional = true)] public string Question { get; set; } = "";
    [CsvColumn("task")] public string Task { get; set; } = "";
    [CsvColumn("model")] public string Model { get; set; } = "";
    [CsvColumn("variant")] public string Variant { get; set; } = "";
    [CsvColumn("step")] public int Step { get; set; }
    [CsvColumn("baseline", Optional = true)] public bool IsBaseline { get; set; }
    [CsvColumn("mask")] public string Mask { get; set; } = "";
    [CsvColumn("layernorm")] public string LayerNorm { get; set; } = "";
    [CsvColumn("plugins")] public string Plugins { get; set; } = "";
    [CsvColumn("backend")] public string Backend { get; set; } = "";
    [CsvColumn("device")] public string Device { get; set; } = "";
    [CsvColumn("device_name")] public string DeviceName { get; set; } = "";
    [CsvColumn("precision")] public string Precision { get; set; } = "";
    [CsvColumn("dataset")] public string Dataset { get; set; } = "";
    [CsvColumn("size_class")] public string SizeClass { get; set; } = "";
    [CsvColumn("image")] public string Image { get; set; } = "";
    [CsvColumn("images")] public int Images { get; set; }
    [CsvColumn("h")] public int H { get; set; }
    [CsvColumn("w")] public int W { get; set; }
    [CsvColumn("megapixels")] [CsvConverter(typeof(CsvDoubleConverter))] public double Megapixels { get; set; }
    [CsvColumn("mean_ms")] [CsvConverter(typeof(CsvDoubleConverter))] public double MeanMs { get; set; }
    [CsvColumn("median_ms")] [CsvConverter(typeof(CsvDoubleConverter))] public double MedianMs { get; set; }
    [CsvColumn("p95_ms")] [CsvConverter(typeof(CsvDoubleConverter))] public double P95Ms { get; set; }
    [CsvColumn("p5_ms", Optional = true)] [CsvConverter(typeof(CsvDoubleConverter))] public double P5Ms { get; set; }
    [CsvColumn("ci99_9_halfwidth_ms", Optional = true)] [CsvConverter(typeof(CsvDoubleConverter))] public double Ci999HalfwidthMs { get; set; }
    [CsvColumn("min_ms")] [CsvConverter(typeof(CsvDoubleConverter))] public double MinMs { get; set; }
    [CsvColumn("samples")] public int Samples { get; set; }
    [CsvColumn("round_medians_ms", Optional = true)] [CsvConverter(typeof(CsvRoundValuesConverter))] public RoundValues RoundMediansMs { get; set; }
    [CsvColumn("speedup")] [CsvConverter(typeof(CsvDoubleConverter))] public double Speedup { get; set; }
    [CsvColumn("speedup_low", Optional = true)] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupLow { get; set; }
    [CsvColumn("speedup_high", Optional = true)] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupHigh { get; set; }
    [CsvColumn("speedup_note", Optional = true)] public string SpeedupNote { get; set; } = "";
    [CsvColumn("speedup_method", Optional = true)] public string SpeedupMethod { get; set; } = "";
    [CsvColumn("fidelity_psnr_db")] [CsvConverter(typeof(CsvDoubleConverter))] public double FidelityPsnrDb { get; set; }
    [CsvColumn("fidelity_max_abs")] [CsvConverter(typeof(CsvDoubleConverter))] public double FidelityMaxAbs { get; set; }
    [CsvColumn("psnr_y_db", Optional = true)] [CsvConverter(typeof(CsvDoubleConverter))] public double PsnrYDb { get; set; }
    [CsvColumn("ssim_y", Optional = true)] [CsvConverter(typeof(CsvDoubleConverter))] public double SsimY { get; set; }
    [CsvColumn("peak_memory_mb")] [CsvConverter(typeof(CsvDoubleConverter))] public double PeakMemoryMB { get; set; }
    [CsvColumn("memory_scope", Optional = true)] public string MemoryScope { get; set; } = "";
    [CsvColumn("status")] public string Status { get; set; } = "";
    [CsvColumn("machine")] public string Machine { get; set; } = "";
    [CsvColumn("os")] public string Os { get; set; } = "";
    [CsvColumn("cpu")] public string Cpu { get; set; } = "";
    [CsvColumn("gpu")] public string Gpu { get; set; } = "";
    [CsvColumn("driver")] public string Driver { get; set; } = "";
    [CsvColumn("cuda")] public string Cuda { get; set; } = "";
    [CsvColumn("libtorch")] public string Libtorch { get; set; } = "";
    [CsvColumn("torchsharp")] public string TorchSharp { get; set; } = "";
    [CsvColumn("onnxruntime")] public string OnnxRuntime { get; set; } = "";
    [CsvColumn("dotnet")] public string DotNet { get; set; } = "";
    [CsvColumn("git_commit")] public string GitCommit { get; set; } = "";
}

/// <summary>Reads and writes doubles as <see cref="ResultCsv.FormatDouble"/> and <see cref="ResultCsv.TryParseDouble"/> do.</summary>
internal sealed class CsvDoubleConverter : ICsvConverter<double>
{
    public double Read(CsvReader reader, int index)
    {
        var text = reader.GetString(index);
        return ResultCsv.TryParseDouble(text, out var v) ? v : throw new FormatException($"'{text}' is not a number, nan, inf or -inf");
    }

    public void Write(CsvWriter writer, double value) => writer.WriteField(ResultCsv.FormatDouble(value));
}

/// <summary>Reads and writes per-round values as <see cref="RoundValues.Parse"/> and <see cref="RoundValues.ToString"/> do.</summary>
internal sealed class CsvRoundValuesConverter : ICsvConverter<RoundValues>
{
    public RoundValues Read(CsvReader reader, int index) => RoundValues.Parse(reader.GetString(index));

    public void Write(CsvWriter writer, RoundValues value) => writer.WriteField(value.ToString());
}

/// <summary>Reads and writes timestamps as ISO 8601 UTC (<c>2025-06-01T12:34:56.1234567Z</c>).</summary>
internal sealed class CsvUtcDateTimeConverter : ICsvConverter<DateTime>
{
    public DateTime Read(CsvReader reader, int index) => ResultCsv.ParseTimestamp(reader.GetString(index));

    public void Write(CsvWriter writer, DateTime value) => writer.WriteField(ResultCsv.FormatTimestamp(value));
}
