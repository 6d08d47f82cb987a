using System.Collections.Concurrent;
using System.Globalization;

namespace SwinBench.Results;

/// <summary>
/// A results folder (<c>results/&lt;dir&gt;/</c>) holding <c>results.csv</c>. Rows are merged in by
/// <see cref="Append"/>, which never loses earlier rows and replaces the file atomically, so it is safe to call after
/// every finished case: an interruption loses at most the case that was running.
/// </summary>
/// <remarks>
/// A write goes to <c>results.csv.tmp-&lt;guid&gt;</c> in the same folder, is flushed to disk, and is then renamed over
/// <c>results.csv</c>. Readers never see a half-written file; temp files left by an interrupted write are ignored by
/// <see cref="Read"/> and deleted by the next <see cref="Append"/>. Appends to one folder are serialised within the
/// process and, through an exclusive lock on <c>.results.csv.lock</c>, between processes.
/// </remarks>
public sealed class ResultsStore
{
    /// <summary>The name of the CSV file in a results folder.</summary>
    public const string FileName = "results.csv";

    private const string TempPrefix = FileName + ".tmp-";
    private const string LockName = "." + FileName + ".lock";
    private static readonly ConcurrentDictionary<string, object> ProcessLocks = new(StringComparer.Ordinal);

    /// <summary>Opens (without creating) the results folder <paramref name="directory"/>.</summary>
    public ResultsStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        CsvPath = Path.Combine(Directory, FileName);
    }

    /// <summary>The results folder.</summary>
    public string Directory { get; }

    /// <summary>The path of <c>results.csv</c>.</summary>
    public string CsvPath { get; }

    /// <summary>True when the folder holds a <c>results.csv</c>.</summary>
    public bool Exists => File.Exists(CsvPath);

    /// <summary>Test hook: called after each row is written to the temp file, with the number of rows written so far.</summary>
    internal Action<int>? OnRowWritten { get; set; }

    /// <summary>
    /// The folder for a new run: <c>&lt;resultsRoot&gt;/&lt;yyyy-MM-dd&gt;_&lt;machineTag&gt;_&lt;gitcommit&gt;[_&lt;name&gt;]</c>
    /// (created if needed), where <paramref name="name"/> is the question or sweep the folder holds. Characters that
    /// are unsafe in a folder name (and <c>_</c>, the separator) are replaced by <c>-</c>.
    /// </summary>
    /// <param name="resultsRoot">The results root, e.g. <c>results</c>.</param>
    /// <param name="machineTag">The GPU or <c>cpu</c>, e.g. <c>h100</c> (see <see cref="MachineTag"/>).</param>
    /// <param name="gitCommit">The commit to name; default <see cref="EnvironmentInfo.CurrentGitCommit"/>.</param>
    /// <param name="dateUtc">The date to name; default today (UTC).</param>
    /// <param name="name">The question or sweep, e.g. <c>quick</c> or <c>backends</c>; none when null.</param>
    public static string NewRunDirectory(string resultsRoot, string machineTag, string? gitCommit = null, DateTime? dateUtc = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resultsRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(machineTag);
        var date = (dateUtc ?? DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var commit = gitCommit ?? EnvironmentInfo.CurrentGitCommit();
        var folder = $"{date}_{SafeName(machineTag)}_{SafeName(commit)}" + (string.IsNullOrWhiteSpace(name) ? "" : $"_{SafeName(name)}");
        var dir = Path.Combine(resultsRoot, folder);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// The machine part of a run folder's name: <c>cpu</c> for a CPU run, else the GPU's model number lower-cased
    /// (<c>NVIDIA H100 80GB HBM3</c> → <c>h100</c>), or <c>cuda</c> when the GPU's name has none.
    /// </summary>
    public static string MachineTag(bool cuda, string gpuName)
    {
        if (!cuda) return "cpu";
        var model = System.Text.RegularExpressions.Regex.Match(gpuName ?? "", @"\b([A-Z]{1,3}\d{2,4}[A-Za-z]?)\b");
        return model.Success ? model.Groups[1].Value.ToLowerInvariant() : "cuda";
    }

    /// <summary>The folder for raw evidence of a results folder (BenchmarkDotNet artifacts, tool logs): <c>raw/</c>.</summary>
    public const string RawFolder = "raw";

    /// <summary>The folder for charts of a results folder: <c>charts/</c>.</summary>
    public const string ChartsFolder = "charts";

    /// <summary>
    /// The rows of <c>results.csv</c>, in file order; empty when the file does not exist.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid results CSV; the message names the file and line.</exception>
    public IReadOnlyList<ResultRow> Read() => File.Exists(CsvPath) ? ResultCsv.ReadFile(CsvPath) : [];

    /// <summary>
    /// Merges <paramref name="rows"/> into <c>results.csv</c> (creating the folder and file if needed): a row replaces
    /// an existing one with the same <see cref="ResultRow.Key"/> (in place), any other row is added at the end.
    /// The file is replaced atomically; on any failure the previous file is left unchanged.
    /// </summary>
    /// <returns>The rows now in the file.</returns>
    /// <exception cref="InvalidDataException">The existing file is corrupt (it is left untouched).</exception>
    public IReadOnlyList<ResultRow> Append(IEnumerable<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var incoming = rows.ToList();
        System.IO.Directory.CreateDirectory(Directory);
        lock (ProcessLocks.GetOrAdd(CsvPath, _ => new object()))
        {
            using var fileLock = AcquireFileLock();
            DeleteLeftoverTempFiles();
            var merged = Merge(Read(), incoming);
            WriteAtomically(merged);
            return merged;
        }
    }

    /// <summary>
    /// Adds rows measured outside BenchmarkDotNet (e.g. another runtime's peers of a question) like <see cref="Append"/>,
    /// then recomputes the speedups of every row of the file (<see cref="ResultMath.FillSpeedups"/>), so that the new
    /// rows are compared with their question's baseline. A new row joins a run by carrying its
    /// <see cref="ResultRow.RunId"/> (see <see cref="LatestRunId"/>) and the same question, task, device and input.
    /// </summary>
    /// <returns>The rows now in the file.</returns>
    public IReadOnlyList<ResultRow> AppendToQuestion(IEnumerable<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var incoming = rows.ToList();
        foreach (var r in incoming)
            if (string.IsNullOrWhiteSpace(r.Question)) throw new ArgumentException($"row '{r.Variant}' names no question; set ResultRow.Question");
        System.IO.Directory.CreateDirectory(Directory);
        lock (ProcessLocks.GetOrAdd(CsvPath, _ => new object()))
        {
            using var fileLock = AcquireFileLock();
            DeleteLeftoverTempFiles();
            var merged = Merge(Read(), incoming);
            ResultMath.FillSpeedups(merged);
            WriteAtomically(merged);
            return merged;
        }
    }

    /// <summary>
    /// Removes the rows that match <paramref name="predicate"/> from <c>results.csv</c>, replacing the file atomically
    /// like <see cref="Append"/>; nothing is written when no row matches.
    /// </summary>
    /// <returns>How many rows were removed.</returns>
    public int RemoveWhere(Func<ResultRow, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (!Exists) return 0;
        lock (ProcessLocks.GetOrAdd(CsvPath, _ => new object()))
        {
            using var fileLock = AcquireFileLock();
            DeleteLeftoverTempFiles();
            var rows = Read();
            var kept = rows.Where(r => !predicate(r)).ToList();
            if (kept.Count < rows.Count) WriteAtomically(kept);
            return rows.Count - kept.Count;
        }
    }

    /// <summary>The run id of the latest row of <paramref name="question"/> in the file, or null when it has none.</summary>
    public string? LatestRunId(string question) =>
        Read().Where(r => r.Question == question).OrderBy(r => r.TimestampUtc).LastOrDefault()?.RunId;

    /// <summary>Existing rows with incoming ones replacing those of the same key, new keys appended in order.</summary>
    internal static List<ResultRow> Merge(IEnumerable<ResultRow> existing, IEnumerable<ResultRow> incoming)
    {
        var merged = existing.ToList();
        var index = new Dictionary<ResultKey, int>();
        for (var i = 0; i < merged.Count; i++) index.TryAdd(merged[i].Key, i);
        foreach (var row in incoming)
        {
            if (index.TryGetValue(row.Key, out var at)) merged[at] = row;
            else
            {
                index[row.Key] = merged.Count;
                merged.Add(row);
            }
        }
        return merged;
    }

    private void WriteAtomically(IReadOnlyList<ResultRow> rows)
    {
        var tmp = Path.Combine(Directory, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                ResultCsv.Write(stream, rows, OnRowWritten);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, CsvPath, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private IDisposable AcquireFileLock()
    {
        var path = Path.Combine(Directory, LockName);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var delay = 10; ; delay = Math.Min(delay * 2, 500))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(delay);
            }
        }
    }

    private void DeleteLeftoverTempFiles()
    {
        foreach (var tmp in System.IO.Directory.EnumerateFiles(Directory, TempPrefix + "*")) TryDelete(tmp);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string SafeName(string s)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var chars = s.Trim().Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) || c == '_' ? '-' : c).ToArray();
        return new string(chars);
    }
}
