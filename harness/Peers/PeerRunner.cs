using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Peers;

/// <summary>One case for the peers: the benchmark case (task, input size) and the model's weights (null: seeded random init).</summary>
public sealed record PeerCase(BenchCase Case, string? Weights = null)
{
    /// <summary>The id run_peers.py echoes in each row (the case's text, e.g. <c>lightweight-x2 synthetic/custom 384x512</c>).</summary>
    public string Id => Case.ToString();

    public SwinIRConfig Config => Case.Task.Preset.Config;
}

/// <summary>How <see cref="PeerRunner"/> runs peers/run_peers.py.</summary>
public sealed record PeerRunnerOptions
{
    /// <summary>The GPU machine's PyTorch venv, the default interpreter.</summary>
    public const string DefaultPython = "/opt/torch/.venv/bin/python";

    /// <summary>The Python interpreter: a path, or a name looked up on the PATH.</summary>
    public string Python { get; init; } = DefaultPython;

    /// <summary>run_peers.py (null: <see cref="PeerRunner.FindScript"/>).</summary>
    public string? Script { get; init; }

    public string Device { get; init; } = "cuda";
    public int Warmup { get; init; } = 5;
    public int Iterations { get; init; } = 20;
    public int Seed { get; init; }

    /// <summary>The modes to run, in order (default: all of <see cref="PeerMode.All"/>).</summary>
    public IReadOnlyList<PeerMode> Modes { get; init; } = PeerMode.All;

    /// <summary>Golden fixture folder for the check run_peers.py runs first (null: <see cref="RepoPaths.GoldenDir"/>; "skip": none).</summary>
    public string? GoldenDir { get; init; }

    /// <summary>Kills the script after this long (null: no limit; compiling with max-autotune takes minutes).</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// Runs SwinBench's PyTorch SwinIR (peers/) through an external Python interpreter: writes a request (each case's
/// config from <see cref="Presets"/>, its input size and weights; the modes; device and iteration counts), starts
/// run_peers.py, and reads its JSON lines into <see cref="PeerMeasurement"/>s as they arrive. It never throws for what
/// the peer side lacks: a missing interpreter or script gives <c>unavailable: pytorch: …</c> rows (as does a Python without
/// torch, which run_peers.py reports itself), and a script that dies or writes unreadable rows gives <c>failed: …</c>
/// rows for every (case, mode) it did not answer.
/// </summary>
public sealed class PeerRunner(PeerRunnerOptions options)
{
    public PeerRunnerOptions Options { get; } = options;

    /// <summary>run_peers.py of this checkout, or the copy beside the assembly (bundles); null when neither exists.</summary>
    public static string? FindScript()
    {
        foreach (var root in new[] { RepoPaths.RepoRoot, AppContext.BaseDirectory })
        {
            if (root is null) continue;
            var path = Path.Combine(root, "peers", "run_peers.py");
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>The interpreter's full path: an existing file, or the name found on the PATH; null when not found.</summary>
    public static string? ResolveInterpreter(string python)
    {
        if (python.Contains(Path.DirectorySeparatorChar) || python.Contains(Path.AltDirectorySeparatorChar))
            return File.Exists(python) ? Path.GetFullPath(python) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, python);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Runs every mode of every case; <paramref name="onRow"/> gets each measurement as soon as it arrives (then the
    /// rows the script did not write, at the end). Returns one measurement per (case, mode), in request order.
    /// </summary>
    public IReadOnlyList<PeerMeasurement> Run(IReadOnlyList<PeerCase> cases, Action<PeerMeasurement>? onRow = null, Action<string>? log = null)
    {
        if (cases.Count == 0) return [];
        var duplicate = cases.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"peer case '{duplicate.Key}' is given twice");
        var python = ResolveInterpreter(Options.Python);
        if (python is null)
            return Fill(cases, [], $"unavailable: pytorch: python interpreter not found: {Options.Python} (give --python PATH)", onRow);
        var script = Options.Script ?? FindScript();
        if (script is null || !File.Exists(script))
            return Fill(cases, [], $"unavailable: pytorch: run_peers.py not found ({script ?? "neither peers/ of the checkout nor beside the assembly"})", onRow);

        var request = Path.Combine(Path.GetTempPath(), $"swinbench-peers-{Guid.NewGuid():N}.json");
        File.WriteAllText(request, RequestJson(cases));
        var got = new List<PeerMeasurement>();
        var stderrTail = new Queue<string>();
        string? protocolError = null;
        try
        {
            var psi = new ProcessStartInfo(python)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add("--request");
            psi.ArgumentList.Add(request);
            psi.Environment["PYTHONUNBUFFERED"] = "1";
            using var process = new Process { StartInfo = psi };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (stderrTail)
                {
                    stderrTail.Enqueue(e.Data);
                    while (stderrTail.Count > 20) stderrTail.Dequeue();
                }
                log?.Invoke(e.Data);
            };
            try { process.Start(); }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                return Fill(cases, [], $"unavailable: pytorch: cannot start {python}: {e.Message}", onRow);
            }
            process.BeginErrorReadLine();
            var reader = Task.Run(() =>
            {
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    if (!line.TrimStart().StartsWith('{'))
                    {
                        log?.Invoke(line);
                        continue;
                    }
                    try
                    {
                        var m = PeerMeasurement.Parse(line);
                        lock (got) got.Add(m);
                        onRow?.Invoke(m);
                    }
                    catch (FormatException e)
                    {
                        protocolError ??= e.Message;
                        log?.Invoke($"peers: {e.Message}");
                    }
                }
            });
            var finished = Options.Timeout is { } limit ? process.WaitForExit(limit) : process.WaitForExit(-1);
            if (!finished)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
            }
            reader.Wait();
            process.WaitForExit(); // drains the stderr events
            string missing;
            if (!finished) missing = $"failed: run_peers.py did not finish within {Options.Timeout!.Value.TotalSeconds:F0} s";
            else if (protocolError is not null) missing = $"failed: run_peers.py wrote an unreadable row: {protocolError}";
            else if (process.ExitCode != 0) missing = $"failed: run_peers.py exited with code {process.ExitCode}: {LastLine(stderrTail)}";
            else missing = "failed: run_peers.py wrote no row for this case and mode";
            return Fill(cases, got, missing.ReplaceLineEndings(" "), onRow);
        }
        finally
        {
            try { File.Delete(request); } catch (IOException) { }
        }
    }

    /// <summary>The request run_peers.py reads (--request FILE).</summary>
    public string RequestJson(IReadOnlyList<PeerCase> cases)
    {
        var golden = Options.GoldenDir ?? RepoPaths.GoldenDir;
        var json = new JsonObject
        {
            ["device"] = Options.Device,
            ["warmup"] = Options.Warmup,
            ["iterations"] = Options.Iterations,
            ["seed"] = Options.Seed,
            ["golden"] = golden,
            ["modes"] = new JsonArray(Options.Modes.Select(m => (JsonNode)JsonValue.Create(m.Name)!).ToArray()),
            ["cases"] = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["task"] = c.Case.Task.Name,
                ["config"] = JsonNode.Parse(c.Config.ToJson()),
                ["h"] = c.Case.H,
                ["w"] = c.Case.W,
                ["weights"] = c.Weights,
                ["wrap_key"] = c.Weights is null ? null : c.Case.Task.Preset.WrapKey,
            }).ToArray()),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// One measurement per (case, mode) in request order: the script's row where it wrote one (the last, if several),
    /// else a row with <paramref name="missingStatus"/>, which is also passed to <paramref name="onRow"/>.
    /// </summary>
    private List<PeerMeasurement> Fill(IReadOnlyList<PeerCase> cases, List<PeerMeasurement> got, string missingStatus,
        Action<PeerMeasurement>? onRow)
    {
        var byKey = new Dictionary<(string, string), PeerMeasurement>();
        foreach (var m in got) byKey[(m.Case, m.Mode)] = m;
        var result = new List<PeerMeasurement>();
        foreach (var c in cases)
        foreach (var mode in Options.Modes)
        {
            if (byKey.TryGetValue((c.Id, mode.Name), out var m))
            {
                result.Add(m);
                continue;
            }
            var filled = new PeerMeasurement
            {
                Case = c.Id, Task = c.Case.Task.Name, H = c.Case.H, W = c.Case.W, Mode = mode.Name, Precision = mode.Precision,
                Mask = mode.Mask, CompileMode = mode.CompileMode, Device = Options.Device, Weights = c.Weights ?? $"seeded:{Options.Seed}",
                Status = missingStatus,
            };
            onRow?.Invoke(filled);
            result.Add(filled);
        }
        return result;
    }

    private static string LastLine(Queue<string> tail)
    {
        lock (tail) return tail.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no stderr)";
    }
}
