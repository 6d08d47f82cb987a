using System.CommandLine;
using System.Runtime.InteropServices;
using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Results;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench run</c>: a named sweep (optionally narrowed with BenchmarkDotNet-style --filter globs), or with
/// <c>--resume</c> the continuation of the latest run in <c>--out</c>.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var sweepOpt = new Option<string?>("--sweep") { Description = "named sweep (see --list)" };
        var list = new Option<bool>("--list") { Description = "list the sweeps and their cases" };
        var filter = new Option<string[]>("--filter") { Description = "BenchmarkDotNet glob(s) over Namespace.Class.Method, e.g. '*MaskHoisting*'", AllowMultipleArgumentsPerToken = true };
        var resume = new Option<bool>("--resume")
        {
            Description = "continue the latest run in --out: its finished cases are kept, the others measured again (same sweep, same machine)",
        };
        var cmd = new Command("run", "run a benchmark sweep; writes results.csv, charts and REPORT.md");
        var common = new SweepOptions();
        cmd.Options.Add(sweepOpt);
        cmd.Options.Add(list);
        cmd.Options.Add(filter);
        cmd.Options.Add(resume);
        common.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var manifest = common.Manifest(r);
            if (r.GetValue(list))
            {
                foreach (var s in Sweep.Catalog(manifest))
                {
                    Console.WriteLine($"{s.Name}: {s.Description}");
                    Console.WriteLine($"  {s.Cases.Count} cases x {s.Questions.Count} question(s) on {s.Device}; e.g. {string.Join("; ", s.Cases.Take(3))}");
                }
                return 0;
            }
            var filters = r.GetValue(filter) ?? [];
            var name = r.GetValue(sweepOpt) ?? (filters.Length > 0 ? "all" : throw new ArgumentException("give --sweep NAME, --filter GLOB or --list"));
            var sweep = common.Apply(r, Sweep.Get(name, manifest));
            var resuming = r.GetValue(resume);
            if (resuming && r.GetValue(common.Out) is not { Exists: true })
                throw new ArgumentException("--resume needs --out FOLDER, an existing results folder whose latest run to continue");
            var (outDir, existed) = common.OutDir(r, sweep);
            var header = $"sweep {sweep.Name}: {sweep.Cases.Count} cases on {sweep.Device}{(resuming ? ", resuming the latest run" : "")} -> {outDir}";
            return SweepVerb.Execute(sweep, outDir, existed, header, new SweepRunOptions { Filters = filters, Resume = resuming });
        }));
        return cmd;
    }
}

/// <summary>
/// What <c>quick</c> and <c>run</c> share: the header, one progress line per round, the one table, the report, and the
/// exit code (0: every row ok or unavailable; 1: a row failed; 130: stopped by Ctrl-C, the finished cases kept and
/// reported).
/// </summary>
public static class SweepVerb
{
    /// <summary>The exit code of a sweep stopped by Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>Where native libraries' stderr goes during the sweep (raw/ of the results folder).</summary>
    public const string NativeLog = "native-stderr.log";

    public static int Execute(Sweep sweep, string outDir, bool existed, string header, SweepRunOptions options)
    {
        if (sweep.Cases.Count == 0)
            throw new ArgumentException($"sweep {sweep.Name} has no case here: none of its datasets is in the manifest ({sweep.Manifest.Source})");
        using var interruption = new Interruption();
        try
        {
            return ResultsFolder.Run(outDir, existed, () =>
            {
                Console.WriteLine(header);
                if (!Backends.TorchDevices.IsCuda(sweep.Device) && Backends.RunEnvironment.CpuConvolutionNote() is { Length: > 0 } note)
                    Console.WriteLine($"note: libtorch's CPU convolutions: {note}; TorchSharp's CPU times here are those of its native convolutions");
                SweepResult result;
                using (NativeStderr.To(Path.Combine(Directory.CreateDirectory(Path.Combine(outDir, ResultsStore.RawFolder)).FullName, NativeLog)))
                    result = SweepRunner.Run(sweep, outDir, options with { Stop = interruption.Token, Log = Console.WriteLine });
                if (result.Planned == 0)
                    throw new ArgumentException($"--filter {string.Join(" ", options.Filters)} matched no benchmark of sweep {sweep.Name}");
                if (result.Rows.Count == 0 && result.Interrupted) throw new OperationCanceledException();
                if (result.Resumed > 0) Console.WriteLine($"kept {result.Resumed} finished case(s) of run {result.RunId}");
                ResultFormat.PrintTable(result.Rows, Console.Out);
                var written = new StringWriter();
                var report = ResultsVerbs.Execute(outDir, withReport: true, written, Console.Error);
                Console.WriteLine();
                Console.WriteLine($"results.csv, REPORT.md and {written.ToString().Split('\n').Count(l => l.EndsWith(".png"))} chart(s) in {outDir}; " +
                                  $"logs: {ResultsStore.RawFolder}/{SweepRunner.BenchmarkLog}, {ResultsStore.RawFolder}/{NativeLog}");
                if (result.Interrupted)
                {
                    Console.Error.WriteLine($"interrupted: kept the finished cases of run {result.RunId}; continue it with: swinbench run --sweep {sweep.Name} --out {outDir} --resume");
                    return Interrupted;
                }
                // a backend that cannot run here (status "unavailable: ...") is recorded, not a failure
                return report != 0 ? report : result.Rows.All(x => x.IsOk || x.Status.StartsWith("unavailable:", StringComparison.Ordinal)) ? 0 : 1;
            });
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted before a case finished: nothing was written");
            return Interrupted;
        }
    }
}

/// <summary>
/// Ctrl-C (SIGINT) during a sweep: the first one sets <see cref="Token"/>, so the runner stops after the current
/// measurement; a second one ends the process at once.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _sigint;

    public Interruption()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            if (_stop.IsCancellationRequested) return;
            context.Cancel = true;
            Console.Error.WriteLine("interrupt: stopping after the current measurement (Ctrl-C again stops at once)");
            _stop.Cancel();
        });
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _sigint.Dispose();
        _stop.Dispose();
    }
}

/// <summary>
/// Options of the sweep verbs (<c>quick</c>, <c>run</c>: all of them); <c>accuracy</c> and <c>datasets</c> add only the
/// ones they read (<see cref="AddTo(Command, Option[])"/>).
/// </summary>
public sealed class SweepOptions
{
    public Option<DirectoryInfo?> Out { get; } = new("--out") { Description = "results folder (default: results/local/<date>_<machine>_<commit>)" };
    public Option<DirectoryInfo?> DataRoot { get; } = new("--data-root") { Description = "folder with the dataset images (default: ../shared/datasets if present); absent images are synthesized at the manifest sizes" };
    public Option<bool> Synthetic { get; } = new("--synthetic") { Description = "ignore real images: synthetic images of the manifest sizes" };
    public Option<string?> Device { get; } = new("--device") { Description = "override the sweep's device (cpu, cuda, cuda:N); refused when not here" };
    public Option<string[]> Weights { get; } = new("--weights") { Description = "official weights as PRESET=FILE (repeatable)", AllowMultipleArgumentsPerToken = true };
    public Option<FileInfo?> ManifestFile { get; } = new("--manifest") { Description = "dataset manifest (default: datasets/manifest.csv)" };
    public Option<string[]> Tasks { get; } = new("--tasks") { Description = "only these tasks of the sweep, e.g. lightweight-x2 color-dn15", AllowMultipleArgumentsPerToken = true };
    public Option<int?> Iterations { get; } = new("--iterations") { Description = "override the sweep's timed iterations per variant" };
    public Option<string?> Size { get; } = new("--size")
    {
        Description = $"replace the sweep's dataset sizes by one synthetic input of HxW pixels (e.g. 64x64; each side <= {SizeLimits.MaxSide}, H*W <= 2^25)",
    };

    /// <summary>Adds every sweep option.</summary>
    public void AddTo(Command cmd) => AddTo(cmd, Out, DataRoot, Synthetic, Device, Weights, ManifestFile, Tasks, Iterations, Size);

    /// <summary>Adds only <paramref name="options"/> (some of this object's).</summary>
    public void AddTo(Command cmd, params Option[] options)
    {
        foreach (var o in options) cmd.Options.Add(o);
    }

    public DatasetManifest Manifest(ParseResult r) =>
        r.GetValue(ManifestFile) is { } f ? DatasetManifest.Load(f.FullName) : DatasetManifest.Default;

    /// <summary>The data root: null with --synthetic, else --data-root (which must exist) or the default.</summary>
    public string? DataRootOf(ParseResult r)
    {
        if (r.GetValue(DataRoot) is { } d && !d.Exists) throw new DirectoryNotFoundException($"--data-root not found: {d.FullName}");
        return r.GetValue(Synthetic) ? null : r.GetValue(DataRoot)?.FullName ?? ImageSource.DefaultDataRoot();
    }

    public Sweep Apply(ParseResult r, Sweep sweep)
    {
        var weights = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var w in r.GetValue(Weights) ?? [])
        {
            var eq = w.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--weights '{w}' must be PRESET=FILE");
            var (preset, file) = (w[..eq], w[(eq + 1)..]);
            Model.Presets.Get(preset);
            if (!File.Exists(file)) throw new FileNotFoundException($"--weights {preset}: file not found: {file}");
            weights[preset] = Path.GetFullPath(file);
        }
        var dataRoot = DataRootOf(r);
        var tasks = r.GetValue(Tasks) ?? [];
        foreach (var t in tasks) Workloads.BenchTask.Get(t);
        var cases = tasks.Length == 0 ? sweep.Cases : sweep.Cases.Where(c => tasks.Contains(c.Task.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (tasks.Length > 0 && cases.Count == 0) throw new ArgumentException($"--tasks {string.Join(" ", tasks)}: none of them is in sweep {sweep.Name}");
        if (r.GetValue(Size) is { } size)
        {
            var (h, w) = ParseSize(size);
            cases = cases.Select(c => c.Task).Distinct().Select(t => Workloads.BenchCase.Custom(t, h, w)).ToList();
        }
        var iterations = r.GetValue(Iterations) ?? sweep.IterationCount;
        if (iterations < 1) throw new ArgumentException($"--iterations must be >= 1, got {iterations}");
        var device = r.GetValue(Device)?.Trim().ToLowerInvariant() ?? sweep.Device;
        Backends.TorchDevices.Resolve(device); // refuse a device that is not here before anything is printed or created
        return sweep with
        {
            Cases = cases,
            IterationCount = iterations,
            Device = device,
            Description = device == sweep.Device ? sweep.Description : OnDevice(sweep.Description, device),
            DataRoot = dataRoot,
            Weights = weights,
            Manifest = Manifest(r),
        };
    }

    /// <summary>A sweep description whose "CPU: " or "CUDA: " prefix names another device than the one it runs on.</summary>
    private static string OnDevice(string description, string device)
    {
        var tag = Backends.TorchDevices.IsCuda(device) ? "CUDA" : "CPU";
        foreach (var prefix in new[] { "CPU: ", "CUDA: " })
            if (description.StartsWith(prefix, StringComparison.Ordinal)) return $"{tag} ({device}): {description[prefix.Length..]}";
        return $"{description} (on {device})";
    }

    /// <summary>Parses HxW, bounded by <see cref="SizeLimits"/>.</summary>
    public static (int H, int W) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var h) || !int.TryParse(parts[1], out var w) || h <= 0 || w <= 0)
        {
            if (parts.Length == 2 && long.TryParse(parts[0], out var lh) && long.TryParse(parts[1], out var lw) && lh > 0 && lw > 0)
                throw new ArgumentException($"--size '{text}' is too large: each side must be <= {SizeLimits.MaxSide} and H*W <= {SizeLimits.MaxPixels} (2^25) pixels");
            throw new ArgumentException($"--size '{text}' must be HxW with positive integers, e.g. 64x64");
        }
        SizeLimits.Check("--size", h, w);
        return (h, w);
    }

    /// <summary>The results folder (--out, or a new one under results/local named after the sweep and device), and whether it existed before.</summary>
    public (string Dir, bool Existed) OutDir(ParseResult r, string name, string device)
    {
        if (r.GetValue(Out) is { } o) return (o.FullName, o.Exists);
        var root = RepoPaths.RepoRoot is { } repo ? Path.Combine(repo, "results", "local") : Path.Combine(Directory.GetCurrentDirectory(), "results", "local");
        var cuda = Backends.TorchDevices.IsCuda(device);
        var dir = ResultsStore.NewRunDirectory(root, ResultsStore.MachineTag(cuda, EnvironmentInfo.Capture().Gpu), name: name);
        return (dir, Directory.EnumerateFileSystemEntries(dir).Any());
    }

    public (string Dir, bool Existed) OutDir(ParseResult r, Sweep sweep) => OutDir(r, sweep.Name, sweep.Device);
}

/// <summary>
/// Runs a verb that writes into a results folder so that a failure leaves no empty or half-written folder: on an
/// exception, what the verb added is removed, and the folder too when it did not exist before (an empty new run folder
/// counts as not existing). A sweep that already appended finished cases to results.csv keeps them and gets its report.
/// </summary>
public static class ResultsFolder
{
    public static int Run(string dir, bool existed, Func<int> action)
    {
        var before = Directory.Exists(dir) ? Directory.EnumerateFileSystemEntries(dir).ToHashSet() : [];
        try
        {
            return action();
        }
        catch
        {
            var store = new ResultsStore(dir);
            var kept = before.Contains(store.CsvPath) ? 0 : SafeCount(store);
            if (kept > 0)
            {
                Console.Error.WriteLine($"interrupted: keeping the {kept} finished row(s) in {store.CsvPath}, with their report");
                ResultsVerbs.Execute(dir, withReport: true, TextWriter.Null, Console.Error);
            }
            else Clean(dir, existed, before);
            throw;
        }
    }

    private static int SafeCount(ResultsStore store)
    {
        try
        {
            return store.Read().Count;
        }
        catch (InvalidDataException)
        {
            return 0;
        }
    }

    private static void Clean(string dir, bool existed, HashSet<string> before)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir).Where(e => !before.Contains(e)).ToList())
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        if (!existed && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
    }
}
