using System.Globalization;
using System.Text;
using CsvHelper;
using SwinBench.IO;
using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// <c>study.csv</c>, beside a results folder's <c>results.csv</c>: one row per task, benchmark set and variant
/// (<see cref="StudyResult"/>), doubles written as in <c>results.csv</c> (<c>nan</c>, <c>inf</c>).
/// </summary>
public static class StudyCsv
{
    /// <summary>The file name.</summary>
    public const string FileName = "study.csv";

    /// <summary>Writes <paramref name="results"/> to <c>study.csv</c> in <paramref name="dir"/> atomically (<see cref="AtomicFile"/>); returns its path.</summary>
    public static string Write(string dir, IEnumerable<StudyResult> results)
    {
        var path = Path.Combine(dir, FileName);
        var bytes = new UTF8Encoding(false).GetBytes(ToText(results));
        AtomicFile.Write(path, stream => stream.Write(bytes));
        return path;
    }

    /// <summary>The CSV text of <paramref name="results"/>, header included.</summary>
    public static string ToText(IEnumerable<StudyResult> results)
    {
        using var ms = new MemoryStream();
        using (var csv = CsvWriter.Create(ms, CsvWriterOptions.For<StudyResult>() with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        {
            csv.WriteHeader<StudyResult>();
            foreach (var r in results) csv.WriteRecord(r);
            csv.Flush();
        }
        return new UTF8Encoding(false).GetString(ms.ToArray());
    }
}

/// <summary>The CSV class map of <see cref="StudyResult"/>: snake_case headers, doubles as in <c>results.csv</c>. Never instantiated.</summary>
[CsvRecordMap(typeof(StudyResult))]
[CsvOptions(NewLine = "\n", Culture = "")]
internal sealed partial class StudyResultMap
{
    [CsvColumn("task")] public string Task { get; set; } = "";
    [CsvColumn("set")] public string Set { get; set; } = "";
    [CsvColumn("variant")] public string Variant { get; set; } = "";
    [CsvColumn("step")] public int Step { get; set; }
    [CsvColumn("backend")] public string Backend { get; set; } = "";
    [CsvColumn("precision")] public string Precision { get; set; } = "";
    [CsvColumn("status")] public string Status { get; set; } = "";
    [CsvColumn("images")] public int Images { get; set; }
    [CsvColumn("cases")] public int Cases { get; set; }
    [CsvColumn("set_total_ms")] [CsvConverter(typeof(CsvDoubleConverter))] public double SetTotalMs { get; set; }
    [CsvColumn("median_image_ms")] [CsvConverter(typeof(CsvDoubleConverter))] public double MedianImageMs { get; set; }
    [CsvColumn("speedup_vs_baseline")] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupVsBaseline { get; set; }
    [CsvColumn("speedup_vs_baseline_low")] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupVsBaselineLow { get; set; }
    [CsvColumn("speedup_vs_baseline_high")] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupVsBaselineHigh { get; set; }
    [CsvColumn("speedup_vs_compile")] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupVsCompile { get; set; }
    [CsvColumn("speedup_vs_compile_low")] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupVsCompileLow { get; set; }
    [CsvColumn("speedup_vs_compile_high")] [CsvConverter(typeof(CsvDoubleConverter))] public double SpeedupVsCompileHigh { get; set; }
    [CsvColumn("fidelity_psnr_db")] [CsvConverter(typeof(CsvDoubleConverter))] public double FidelityPsnrDb { get; set; }
    [CsvColumn("fidelity_max_abs")] [CsvConverter(typeof(CsvDoubleConverter))] public double FidelityMaxAbs { get; set; }
    [CsvColumn("psnr_y_db")] [CsvConverter(typeof(CsvDoubleConverter))] public double PsnrYDb { get; set; }
    [CsvColumn("ssim_y")] [CsvConverter(typeof(CsvDoubleConverter))] public double SsimY { get; set; }
    [CsvColumn("peak_memory_mb")] [CsvConverter(typeof(CsvDoubleConverter))] public double PeakMemoryMB { get; set; }
    [CsvColumn("memory_scope")] public string MemoryScope { get; set; } = "";
    [CsvColumn("gpu")] public string Gpu { get; set; } = "";
}
