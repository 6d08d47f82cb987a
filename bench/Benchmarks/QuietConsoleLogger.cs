using BenchmarkDotNet.Loggers;

namespace SwinBench.Benchmarks;

/// <summary>
/// BenchmarkDotNet's console logger without the lines that say nothing in SwinBench's in-process runs: the empty
/// <c>Runtime = ; GC = </c> line of each result (in-process runs have no child process to report them) and the
/// warning that the assembly lies in a temp folder (a hint for xUnit shadow copies; SwinBench's bundles run from
/// wherever they were unpacked). Lines are buffered until their end so that a line is dropped whole.
/// </summary>
public sealed class QuietConsoleLogger : ILogger
{
    private static readonly string[] Noise = ["Runtime = ; GC = ", "located in temp", "disable shadow copy"];

    private readonly ILogger _inner = ConsoleLogger.Default;
    private readonly List<(LogKind Kind, string Text)> _line = [];

    public string Id => nameof(QuietConsoleLogger);

    public int Priority => _inner.Priority;

    public void Write(LogKind logKind, string text) => _line.Add((logKind, text));

    public void WriteLine()
    {
        var text = string.Concat(_line.Select(p => p.Text));
        if (!IsNoise(text))
        {
            foreach (var (kind, part) in _line) _inner.Write(kind, part);
            _inner.WriteLine();
        }
        _line.Clear();
    }

    public void WriteLine(LogKind logKind, string text)
    {
        Write(logKind, text);
        WriteLine();
    }

    public void Flush()
    {
        if (_line.Count > 0) WriteLine();
        _inner.Flush();
    }

    /// <summary>True for a line (possibly several, joined by newlines) made only of noise.</summary>
    public static bool IsNoise(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 && lines.All(l => Noise.Any(n => l.Contains(n.Trim(), StringComparison.OrdinalIgnoreCase)));
    }
}
