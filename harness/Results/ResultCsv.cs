using System.Globalization;
using CsvHelper;

namespace SwinBench.Results;

/// <summary>
/// The CSV format of results files: the header names of <see cref="ResultRow"/> in column order, invariant culture,
/// round-trip doubles written <c>nan</c>/<c>inf</c>/<c>-inf</c> when not finite, ISO 8601 UTC timestamps, LF line
/// endings and RFC 4180 quoting. The class map is <see cref="ResultRowMap"/>.
/// </summary>
public static class ResultCsv
{
    /// <summary>The header names, in column order.</summary>
    public static IReadOnlyList<string> Headers { get; } =
    [
        "run_id", "timestamp_utc", "question", "task", "model", "variant", "step", "baseline", "mask", "layernorm", "plugins",
        "backend", "device", "device_name", "precision", "dataset", "size_class", "image", "images", "h", "w", "megapixels",
        "mean_ms", "median_ms", "p95_ms", "p5_ms", "ci99_9_halfwidth_ms", "min_ms", "samples", "round_medians_ms", "speedup",
        "speedup_low", "speedup_high", "speedup_note", "speedup_method", "fidelity_psnr_db", "fidelity_max_abs", "psnr_y_db", "ssim_y", "peak_memory_mb",
        "memory_scope", "status",
        "machine", "os", "cpu", "gpu", "driver", "cuda", "libtorch", "torchsharp", "onnxruntime", "dotnet", "git_commit",
    ];

    /// <summary>
    /// The columns added after the first results files were written: a file without them still reads, the missing
    /// values empty (strings, per-round values), NaN (numbers) or false (<c>baseline</c>).
    /// </summary>
    public static IReadOnlyList<string> OptionalHeaders { get; } =
    [
        "question", "baseline", "p5_ms", "ci99_9_halfwidth_ms", "speedup_low", "speedup_high", "speedup_note", "memory_scope",
        "round_medians_ms", "speedup_method", "psnr_y_db", "ssim_y",
    ];

    /// <summary>Writer options: LF line endings, invariant culture, RFC 4180 quoting.</summary>
    public static CsvWriterOptions WriterOptions => CsvWriterOptions.For<ResultRow>() with
    {
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Reader options: comma separated, invariant culture, and strict: malformed quoting or a wrong field count throws.</summary>
    public static CsvReaderOptions ReaderOptions => CsvReaderOptions.For<ResultRow>() with
    {
        Separator = ',',
        FormatProvider = CultureInfo.InvariantCulture,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        MissingField = CsvMissingFieldHandling.Throw,
        TrackLineNumbers = true,
    };

    /// <summary>
    /// Writes the header and <paramref name="rows"/> to <paramref name="stream"/> (UTF-8 without BOM), leaving it open.
    /// </summary>
    /// <param name="stream">The destination.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="afterRow">Called after each row with the number of rows written so far (a test hook).</param>
    public static void Write(Stream stream, IEnumerable<ResultRow> rows, Action<int>? afterRow = null)
    {
        using var csv = CsvWriter.Create(stream, WriterOptions, leaveOpen: true);
        csv.WriteHeader<ResultRow>();
        var written = 0;
        foreach (var row in rows)
        {
            csv.WriteRecord(row);
            afterRow?.Invoke(++written);
        }
        csv.Flush();
    }

    /// <summary>The CSV text of <paramref name="rows"/>, header included.</summary>
    public static string ToText(IEnumerable<ResultRow> rows)
    {
        using var ms = new MemoryStream();
        Write(ms, rows);
        return new System.Text.UTF8Encoding(false).GetString(ms.ToArray());
    }

    /// <summary>Reads every row of the results CSV at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid results CSV; the message names the file and the line.</exception>
    public static List<ResultRow> ReadFile(string path)
    {
        using var csv = CsvReader.FromFile(path, ReaderOptions);
        return ReadAll(csv, path);
    }

    /// <summary>Reads every row of results CSV <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid results CSV.</exception>
    public static List<ResultRow> ParseText(string text, string source = "<text>")
    {
        using var csv = CsvReader.FromText(text, ReaderOptions);
        return ReadAll(csv, source);
    }

    private static List<ResultRow> ReadAll(CsvReader csv, string source)
    {
        try
        {
            if (csv.Headers.Count == 0) throw new InvalidDataException($"{source}: line 1: no header row (the file is empty)");
            var missing = Headers.Except(OptionalHeaders).Except(csv.Headers, StringComparer.Ordinal).ToList();
            if (missing.Count > 0) throw new InvalidDataException($"{source}: line 1: the header lacks {string.Join(", ", missing)}");
            return csv.GetRecords<ResultRow>().ToList();
        }
        catch (CsvFormatException e)
        {
            var line = e.LineNumber > 0 ? e.LineNumber : e.RecordNumber;
            throw new InvalidDataException($"{source}: line {line}: {e.Message}", e);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidDataException($"{source}: line 1: {e.Message}", e);
        }
    }

    /// <summary>Formats a double as results files hold it: round-trip <c>R</c>, or <c>nan</c>, <c>inf</c>, <c>-inf</c>.</summary>
    public static string FormatDouble(double value) =>
        double.IsNaN(value) ? "nan"
        : double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses a double as written by <see cref="FormatDouble"/> (also <c>+inf</c>, <c>infinity</c>, any case); an empty field is NaN.</summary>
    public static bool TryParseDouble(string? text, out double value)
    {
        var s = text?.Trim() ?? "";
        switch (s.ToLowerInvariant())
        {
            case "" or "nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Formats a timestamp as ISO 8601 UTC with 7 fractional digits; an unspecified kind is taken as UTC.</summary>
    public static string FormatTimestamp(DateTime t)
    {
        var utc = t.Kind switch
        {
            DateTimeKind.Local => t.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            _ => t,
        };
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses an ISO 8601 timestamp to UTC (without an offset it is taken as UTC).</summary>
    public static DateTime ParseTimestamp(string text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new FormatException($"'{text}' is not an ISO 8601 timestamp");
}
