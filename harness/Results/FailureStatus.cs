using System.Globalization;
using System.Text.RegularExpressions;

namespace SwinBench.Results;

/// <summary>
/// The status of a case that ran out of memory: <c>failed: out of memory at HxW (tried to allocate X GiB)</c>, the size
/// written as c10's <c>format_size</c> writes it (see <see cref="FormatBytes"/>), and without the
/// parenthesis when the error does not say how much was asked for. peers/run_peers.py writes the same texts for
/// PyTorch (tests/Peers checks the two against each other).
/// </summary>
public static partial class FailureStatus
{
    /// <summary>The start of every out-of-memory status.</summary>
    public const string OutOfMemoryPrefix = "failed: out of memory at ";

    /// <summary>
    /// The out-of-memory status of <paramref name="e"/> (its message or any inner exception's) at input
    /// <paramref name="h"/> x <paramref name="w"/>, or null when it is no out-of-memory error. Recognised:
    /// TorchSharp/libtorch (<c>CUDA out of memory. Tried to allocate 2.00 GiB ...</c>, <c>CUDA error: out of
    /// memory</c>, <c>DefaultCPUAllocator: not enough memory: you tried to allocate N bytes</c>), ONNX Runtime (the
    /// BFCArena's <c>Failed to allocate memory for requested buffer of size N</c>, <c>Available memory of M is smaller
    /// than requested bytes of N</c>, <c>Failed to find a free memory block despite calling Extend. rounded_bytes=N</c>;
    /// the CUDA provider's <c>CUDA failure 2: out of memory</c>, <c>CUBLAS_STATUS_ALLOC_FAILED</c>,
    /// <c>CUDNN_STATUS_ALLOC_FAILED</c>) and the plugin library (<c>cudaMalloc of N bytes ...: out of memory</c>, any
    /// CUDA call that failed with <c>out of memory</c> / <c>cudaErrorMemoryAllocation</c>).
    /// </summary>
    public static string? OutOfMemory(Exception e, int h, int w)
    {
        ArgumentNullException.ThrowIfNull(e);
        var messages = Chain(e).Select(x => x.Message).ToList();
        foreach (var message in messages)
            if (RequestedBytes(message) is { } bytes)
                return Text(h, w, bytes);
        return messages.Any(IsOutOfMemory) ? Text(h, w, null) : null;
    }

    /// <summary>The out-of-memory status of an error message (see <see cref="OutOfMemory(Exception, int, int)"/>), or null.</summary>
    public static string? OutOfMemory(string message, int h, int w)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RequestedBytes(message) is { } bytes ? Text(h, w, bytes) : IsOutOfMemory(message) ? Text(h, w, null) : null;
    }

    /// <summary>Whether a status is an out-of-memory status.</summary>
    public static bool IsOutOfMemoryStatus(string status) => status.StartsWith(OutOfMemoryPrefix, StringComparison.Ordinal);

    /// <summary><c>failed: out of memory at HxW (tried to allocate X)</c>, or without the parenthesis for a null size.</summary>
    public static string Text(int h, int w, double? bytes) =>
        bytes is { } b ? $"{OutOfMemoryPrefix}{h}x{w} (tried to allocate {FormatBytes(b)})" : $"{OutOfMemoryPrefix}{h}x{w}";

    /// <summary>
    /// A size as c10's format_size writes it: <c>N bytes</c> up to 1 KiB, else two decimals of KiB up to 1 MiB, of MiB
    /// up to 1 GiB, of GiB above.
    /// </summary>
    public static string FormatBytes(double bytes)
    {
        const double KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;
        var c = CultureInfo.InvariantCulture;
        return bytes <= KiB ? $"{(long)bytes} bytes"
            : bytes <= MiB ? (bytes / KiB).ToString("F2", c) + " KiB"
            : bytes <= GiB ? (bytes / MiB).ToString("F2", c) + " MiB"
            : (bytes / GiB).ToString("F2", c) + " GiB";
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        yield return e;
        if (e is AggregateException agg)
        {
            foreach (var inner in agg.InnerExceptions)
            foreach (var x in Chain(inner))
                yield return x;
        }
        else if (e.InnerException is { } inner)
        {
            foreach (var x in Chain(inner))
                yield return x;
        }
    }

    /// <summary>The bytes an out-of-memory message says were asked for, or null.</summary>
    private static double? RequestedBytes(string message)
    {
        var m = TorchCuda().Match(message);
        if (m.Success)
            return double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) * Unit(m.Groups["unit"].Value);
        m = RequestInBytes().Match(message);
        return m.Success ? double.Parse(m.Groups["bytes"].Value, CultureInfo.InvariantCulture) : null;
    }

    private static bool IsOutOfMemory(string message) => SizelessOutOfMemory().IsMatch(message);

    private static double Unit(string unit) => unit switch
    {
        "KiB" => 1024d,
        "MiB" => 1024d * 1024,
        "GiB" => 1024d * 1024 * 1024,
        "TiB" => 1024d * 1024 * 1024 * 1024,
        _ => 1d,
    };

    [GeneratedRegex(@"CUDA out of memory\. Tried to allocate (?<n>\d+(?:\.\d+)?) (?<unit>bytes|KiB|MiB|GiB|TiB)")]
    private static partial Regex TorchCuda();

    /// <summary>The texts that give the request in bytes: libtorch's CPU allocator, ONNX Runtime's BFCArena (three), the plugins.</summary>
    [GeneratedRegex(@"DefaultCPUAllocator: (?:not enough memory|can't allocate memory): you tried to allocate (?<bytes>\d+) bytes" +
        @"|Failed to allocate memory for requested buffer of size (?<bytes>\d+)" +
        @"|Available memory of \d+ is smaller than requested bytes of (?<bytes>\d+)" +
        @"|Failed to find a free memory block despite calling Extend\. rounded_bytes=(?<bytes>\d+)" +
        @"|cudaMalloc of (?<bytes>\d+) bytes\b[^\n]*: out of memory")]
    private static partial Regex RequestInBytes();

    [GeneratedRegex(@"CUDA out of memory|\bout of memory\b|cudaErrorMemoryAllocation|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_ALLOC_FAILED")]
    private static partial Regex SizelessOutOfMemory();
}
