using System.Runtime.InteropServices;

namespace SwinBench.Results;

/// <summary>
/// The software and hardware a run measured on: the environment columns of <see cref="ResultRow"/>.
/// <see cref="Capture"/> fills what can be found without TorchSharp or ONNX Runtime; the backend-specific fields
/// (CUDA, libtorch, TorchSharp, ONNX Runtime) stay <see cref="NotAvailable"/> unless a caller's enrich callback sets them.
/// </summary>
public sealed record EnvironmentInfo
{
    /// <summary>The value of a field that is unknown or does not apply.</summary>
    public const string NotAvailable = "n/a";

    /// <summary>The host name.</summary>
    public string Machine { get; init; } = NotAvailable;

    /// <summary>The OS distribution, kernel and architecture.</summary>
    public string Os { get; init; } = NotAvailable;

    /// <summary>The CPU model and logical CPU count.</summary>
    public string Cpu { get; init; } = NotAvailable;

    /// <summary>The GPU model(s) reported by nvidia-smi.</summary>
    public string Gpu { get; init; } = NotAvailable;

    /// <summary>The NVIDIA driver version.</summary>
    public string Driver { get; init; } = NotAvailable;

    /// <summary>The CUDA version the backend runs with.</summary>
    public string Cuda { get; init; } = NotAvailable;

    /// <summary>The libtorch version.</summary>
    public string Libtorch { get; init; } = NotAvailable;

    /// <summary>The TorchSharp version.</summary>
    public string TorchSharp { get; init; } = NotAvailable;

    /// <summary>The ONNX Runtime version.</summary>
    public string OnnxRuntime { get; init; } = NotAvailable;

    /// <summary>The .NET runtime, e.g. <c>.NET 10.0.0</c>.</summary>
    public string DotNet { get; init; } = NotAvailable;

    /// <summary>The short commit of the repository, with <c>-dirty</c> when it has uncommitted changes, or <c>unknown</c>.</summary>
    public string GitCommit { get; init; } = NotAvailable;

    /// <summary>
    /// Captures the machine, OS, CPU, .NET, git commit and (when nvidia-smi is on the PATH) GPU and driver, then
    /// passes the result through <paramref name="enrich"/> so that backend code can fill its own fields.
    /// Never throws for a missing tool or file: what cannot be found is <see cref="NotAvailable"/>.
    /// </summary>
    public static EnvironmentInfo Capture(Func<EnvironmentInfo, EnvironmentInfo>? enrich = null)
    {
        var (gpu, driver) = NvidiaSmi();
        var env = new EnvironmentInfo
        {
            Machine = Safe(() => Environment.MachineName),
            Os = Safe(DescribeOs),
            Cpu = Safe(DescribeCpu),
            Gpu = gpu,
            Driver = driver,
            DotNet = RuntimeInformation.FrameworkDescription,
            GitCommit = CurrentGitCommit(),
        };
        return enrich is null ? env : enrich(env);
    }

    /// <summary>
    /// The short commit of the git repository holding <paramref name="dir"/> (default: the running assembly's folder,
    /// then the working directory), with <c>-dirty</c> appended when <c>git status --porcelain</c> lists changes
    /// outside the repository's <c>results/</c> folder (results written by the harness do not make a tree dirty);
    /// <c>unknown</c> when git or a repository is not found.
    /// </summary>
    public static string CurrentGitCommit(string? dir = null)
    {
        // a bundle built away from its checkout (scripts/gpu-bundle.sh) carries its commit in SWINBENCH_GIT_COMMIT
        if (dir is null && Environment.GetEnvironmentVariable("SWINBENCH_GIT_COMMIT") is { Length: > 0 } stamped) return stamped;
        foreach (var d in dir is null ? [AppContext.BaseDirectory, Directory.GetCurrentDirectory()] : new[] { dir })
        {
            if (!Directory.Exists(d)) continue;
            var commit = ToolRunner.Run("git", d, "rev-parse", "--short", "HEAD")?.Trim();
            if (string.IsNullOrEmpty(commit)) continue;
            var status = ToolRunner.Run("git", d, "status", "--porcelain", "--", ":(top)", ":(top,exclude)results");
            return string.IsNullOrWhiteSpace(status) ? commit : commit + "-dirty";
        }
        return "unknown";
    }

    private static string DescribeOs()
    {
        string? pretty = null;
        if (File.Exists("/etc/os-release"))
            pretty = File.ReadLines("/etc/os-release")
                .Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                .Select(l => l["PRETTY_NAME=".Length..].Trim().Trim('"'))
                .FirstOrDefault();
        // OSDescription is e.g. "Linux 6.8.0-49-generic #49-Ubuntu SMP ..."; the kernel name and release suffice.
        var kernel = string.Join(' ', RuntimeInformation.OSDescription.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return string.IsNullOrEmpty(pretty) ? $"{kernel} ({arch})" : $"{pretty} ({kernel}, {arch})";
    }

    private static string DescribeCpu()
    {
        string? model = null;
        var count = 0;
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                var colon = line.IndexOf(':');
                if (colon < 0) continue;
                var key = line[..colon].Trim();
                if (key == "processor") count++;
                else if (key == "model name" && model is null) model = line[(colon + 1)..].Trim();
            }
        }
        model ??= RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (count == 0) count = Environment.ProcessorCount;
        return $"{model} ({count} logical CPUs)";
    }

    private static (string Gpu, string Driver) NvidiaSmi()
    {
        var output = ToolRunner.Run("nvidia-smi", null, "--query-gpu=name,driver_version", "--format=csv,noheader");
        if (string.IsNullOrWhiteSpace(output)) return (NotAvailable, NotAvailable);
        var gpus = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(',', 2, StringSplitOptions.TrimEntries))
            .Where(p => p.Length == 2 && p[0].Length > 0)
            .ToList();
        if (gpus.Count == 0) return (NotAvailable, NotAvailable);
        var names = gpus.GroupBy(p => p[0]).Select(g => g.Count() == 1 ? g.Key : $"{g.Count()}x {g.Key}");
        return (string.Join(" + ", names), string.Join(" / ", gpus.Select(p => p[1]).Distinct()));
    }

    private static string Safe(Func<string> f)
    {
        try
        {
            var s = f();
            return string.IsNullOrWhiteSpace(s) ? NotAvailable : s;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return NotAvailable;
        }
    }
}
