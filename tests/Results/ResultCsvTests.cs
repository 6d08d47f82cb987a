using System.Globalization;
using SwinBench.Results;
using Xunit;

namespace SwinBench.Tests.Results;

public class ResultCsvTests
{
    private static readonly string[] ExpectedHeader =
    [
        "run_id", "timestamp_utc", "question", "task", "model", "variant", "step", "baseline", "mask", "layernorm", "plugins",
        "backend", "device", "device_name", "precision", "dataset", "size_class", "image", "images", "h", "w", "megapixels",
        "mean_ms", "median_ms", "p95_ms", "p5_ms", "ci99_9_halfwidth_ms", "min_ms", "samples", "round_medians_ms", "speedup",
        "speedup_low", "speedup_high", "speedup_note", "speedup_method", "fidelity_psnr_db", "fidelity_max_abs", "psnr_y_db", "ssim_y", "peak_memory_mb", "memory_scope", "status",
        "machine", "os", "cpu", "gpu", "driver", "cuda", "libtorch", "torchsharp", "onnxruntime", "dotnet", "git_commit",
    ];

    [Fact]
    public void Header_is_the_snake_case_columns_in_order()
    {
        var text = ResultCsv.ToText([ResultRowsForTests.Full()]);
        var header = text.Split('\n')[0];
        Assert.Equal(string.Join(",", ExpectedHeader), header);
        Assert.Equal(ExpectedHeader, ResultCsv.Headers);
    }

    [Fact]
    public void Every_column_round_trips_including_nan_infinities_and_quoted_text()
    {
        var a = ResultRowsForTests.Full();
        var b = ResultRowsForTests.Full("run-2", "+ mask kernel", 3) with
        {
            MeanMs = double.NaN,
            MedianMs = double.NaN,
            P95Ms = double.NegativeInfinity,
            MinMs = -0.0,
            Speedup = double.NaN,
            FidelityPsnrDb = 41.123456789012345,
            FidelityMaxAbs = double.Epsilon,
            PeakMemoryMB = double.MaxValue,
            Status = "error: CUDA failed, \"out of memory\"\nwhile allocating 2,048 MB",
            Plugins = "mask+ln",
            Cpu = "Intel(R) Xeon(R) Platinum 8480+, 2 sockets",
        };

        var text = ResultCsv.ToText([a, b]);
        var back = ResultCsv.ParseText(text);

        Assert.Equal(2, back.Count);
        Assert.Equal(a, back[0]);
        Assert.Equal(b, back[1]);
        Assert.Equal(DateTimeKind.Utc, back[0].TimestampUtc.Kind);
        Assert.True(double.IsNegative(back[1].MinMs)); // -0 stays -0
        Assert.Contains(",nan,", text);
        Assert.Contains(",inf,", text);
        Assert.Contains(",-inf,", text);
        Assert.Contains("2025-06-01T12:34:56.1234567Z", text);
        Assert.Contains("\"error: CUDA failed, \"\"out of memory\"\"\nwhile allocating 2,048 MB\"", text);
    }

    [Fact]
    public void Numbers_are_written_and_read_in_the_invariant_culture_whatever_the_current_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var row = ResultRowsForTests.Full() with { MedianMs = 1234.5, Megapixels = 0.25 };
            var text = ResultCsv.ToText([row]);
            Assert.Contains(",1234.5,", text);
            Assert.Contains(",0.25,", text);
            Assert.Equal(row, Assert.Single(ResultCsv.ParseText(text)));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("nan", double.NaN)]
    [InlineData("NaN", double.NaN)]
    [InlineData("", double.NaN)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+inf", double.PositiveInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("1e3", 1000.0)]
    [InlineData("-2.5", -2.5)]
    public void Doubles_parse(string text, double expected)
    {
        Assert.True(ResultCsv.TryParseDouble(text, out var v));
        Assert.Equal(expected, v);
    }

    [Fact]
    public void Doubles_format_as_nan_inf_and_shortest_round_trip()
    {
        Assert.Equal("nan", ResultCsv.FormatDouble(double.NaN));
        Assert.Equal("inf", ResultCsv.FormatDouble(double.PositiveInfinity));
        Assert.Equal("-inf", ResultCsv.FormatDouble(double.NegativeInfinity));
        Assert.Equal("0.30000000000000004", ResultCsv.FormatDouble(0.1 + 0.2));
        Assert.False(ResultCsv.TryParseDouble("1,5", out _));
    }

    [Fact]
    public void A_file_without_the_newer_columns_reads_with_them_empty()
    {
        var row = ResultRowsForTests.Full();
        var text = ResultCsv.ToText([row]);
        var lines = text.TrimEnd('\n').Split('\n');
        var keep = lines[0].Split(',').Select((h, i) => (h, i)).Where(x => !ResultCsv.OptionalHeaders.Contains(x.h)).Select(x => x.i).ToList();
        // the row has no quoted commas in the kept columns except the CPU (no comma) and the note (dropped)
        var old = string.Join("\n", lines.Select(l => string.Join(",", keep.Select(i => SplitCsv(l)[i])))) + "\n";
        Assert.DoesNotContain("question", old.Split('\n')[0]);

        var back = Assert.Single(ResultCsv.ParseText(old, "old.csv"));
        Assert.Equal(("", false, "", "", "", 0), (back.Question, back.IsBaseline, back.SpeedupNote, back.MemoryScope, back.SpeedupMethod, back.RoundMediansMs.Count));
        Assert.True(double.IsNaN(back.P5Ms) && double.IsNaN(back.Ci999HalfwidthMs) && double.IsNaN(back.SpeedupLow) && double.IsNaN(back.SpeedupHigh));
        Assert.Equal(row with { Question = "", IsBaseline = false, P5Ms = double.NaN, Ci999HalfwidthMs = double.NaN,
            SpeedupLow = double.NaN, SpeedupHigh = double.NaN, SpeedupNote = "", MemoryScope = "", RoundMediansMs = RoundValues.Empty,
            SpeedupMethod = "" }, back);
    }

    [Fact]
    public void Round_medians_are_one_cell_of_semicolon_separated_values_and_round_trip()
    {
        var row = ResultRowsForTests.Full() with { RoundMediansMs = new RoundValues([2301.5, 2290.25, 1.0 / 3.0]) };
        var text = ResultCsv.ToText([row]);
        Assert.Contains(",2301.5;2290.25;0.3333333333333333,", text);
        Assert.Contains(",paired over 4 rounds,", text);
        var back = Assert.Single(ResultCsv.ParseText(text));
        Assert.Equal([2301.5, 2290.25, 1.0 / 3.0], back.RoundMediansMs);
        Assert.Equal(row, back);

        var none = ResultCsv.ToText([row with { RoundMediansMs = RoundValues.Empty }]);
        Assert.Empty(Assert.Single(ResultCsv.ParseText(none)).RoundMediansMs);
        Assert.Throws<FormatException>(() => RoundValues.Parse("1.5;x"));
    }

    [Fact]
    public void A_file_missing_a_required_column_names_it()
    {
        var text = ResultCsv.ToText([ResultRowsForTests.Full()]).Replace("median_ms", "median");
        var e = Assert.Throws<InvalidDataException>(() => ResultCsv.ParseText(text, "x.csv"));
        Assert.Equal("x.csv: line 1: the header lacks median_ms", e.Message);
    }

    /// <summary>Splits one CSV line on commas outside quotes (test helper for rows without embedded newlines).</summary>
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') quoted = !quoted;
            if (ch == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(ch);
        }
        fields.Add(current.ToString());
        return fields;
    }
}
