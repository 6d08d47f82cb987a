using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using SwinBench.Backends;

namespace SwinBench.Native;

/// <summary>
/// What <see cref="PluginLibrary.Probe"/> found: whether the plugin library is usable, why (or why not), and its
/// <c>swb_build_info</c> text ("" when it was not loaded).
/// </summary>
public sealed record PluginLibraryStatus(bool Available, string Reason, string BuildInfo)
{
    /// <summary>The file that was loaded (or that failed to load), or null when none was found.</summary>
    public string? Path { get; init; }

    /// <summary>Entry points of the ABI the loaded library does not export (an older build); calling one is a clear error.</summary>
    public IReadOnlyList<string> MissingEntryPoints { get; init; } = [];

    /// <summary>The ops this build has CUDA kernels for, read from the build info ("cuda kernels: window_mask ..."); empty for "none".</summary>
    public IReadOnlySet<string> CudaKernels
    {
        get
        {
            var at = BuildInfo.IndexOf("cuda kernels:", StringComparison.Ordinal);
            if (at < 0) return new HashSet<string>();
            var names = BuildInfo[(at + "cuda kernels:".Length)..].Split([' ', ';', ','], StringSplitOptions.RemoveEmptyEntries);
            return names.Where(n => n != "none").ToHashSet();
        }
    }
}

/// <summary>
/// Finds and loads <c>libswinbench_plugins.so</c> (library name <see cref="Name"/>) once per process, in this order:
/// <list type="number">
/// <item><c>$SWINBENCH_PLUGINS</c>, the path of the .so (when set, only this file is tried);</item>
/// <item><c>&lt;repo&gt;/plugins-cu/build/libswinbench_plugins.so</c> (what scripts/build-plugins.sh builds);</item>
/// <item>the folder of the harness assembly;</item>
/// <item>the system search (LD_LIBRARY_PATH, ld.so.cache).</item>
/// </list>
/// The P/Invoke bindings (<see cref="SwinBenchPlugins"/>) resolve to that handle through
/// <see cref="NativeLibrary.SetDllImportResolver"/>. <see cref="Probe"/> never throws, so sweeps can skip plugin
/// variants with its <see cref="PluginLibraryStatus.Reason"/>; every op calls <see cref="EnsureAvailable"/>, which
/// throws <see cref="BackendUnavailableException"/> with the same reason.
/// </summary>
public static class PluginLibrary
{
    /// <summary>The library name of the P/Invoke bindings.</summary>
    public const string Name = "swinbench_plugins";

    /// <summary>The file name of the built library.</summary>
    public const string FileName = "libswinbench_plugins.so";

    /// <summary>Environment variable naming the library file directly.</summary>
    public const string EnvironmentVariable = "SWINBENCH_PLUGINS";

    /// <summary>The plugins-cu ABI version (<c>SWB_ABI_VERSION</c>) these bindings are written for.</summary>
    public const int AbiVersion = 4;

    private const string BuildHint = "build it with scripts/build-plugins.sh";

    private static readonly Lazy<(IntPtr Handle, PluginLibraryStatus Status)> Loaded = new(() =>
        Load(Environment.GetEnvironmentVariable(EnvironmentVariable), RepoPaths.RepoRoot, AssemblyDirectory()));

    private static readonly AsyncLocal<PluginLibraryStatus?> Override = new();
    private static readonly object ResolverLock = new();
    private static bool _resolverInstalled;

    /// <summary>Loads the library if not done yet and says whether it is usable. Never throws.</summary>
    public static PluginLibraryStatus Probe() => Override.Value ?? Loaded.Value.Status;

    /// <summary>
    /// Throws <see cref="BackendUnavailableException"/> when the library is missing, fails to load, or does not
    /// export <paramref name="entryPoint"/>.
    /// </summary>
    public static void EnsureAvailable(string? entryPoint = null)
    {
        var status = Probe();
        if (!status.Available) throw new BackendUnavailableException(status.Reason);
        if (entryPoint is not null && status.MissingEntryPoints.Contains(entryPoint))
            throw new BackendUnavailableException(
                $"swinbench plugin library {status.Path} does not export {entryPoint} ({status.BuildInfo}); " +
                $"it is older than these bindings: re{BuildHint}");
    }

    /// <summary>Installs the resolver of this assembly's native imports (idempotent; run by their type initializers).</summary>
    internal static void InstallResolver()
    {
        lock (ResolverLock)
        {
            if (_resolverInstalled) return;
            NativeLibrary.SetDllImportResolver(typeof(PluginLibrary).Assembly, Resolve);
            _resolverInstalled = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        Name => Loaded.Value.Handle, // zero when missing: the caller checked EnsureAvailable first
        TorchSharpNative.LibraryName => TorchSharpNative.Resolve(),
        _ => IntPtr.Zero,
    };

    /// <summary>
    /// Makes <see cref="Probe"/> and <see cref="EnsureAvailable"/> report <paramref name="status"/> in the calling
    /// async flow until disposed (tests of the unavailable path; other flows still see the real library).
    /// </summary>
    internal static IDisposable OverrideForTests(PluginLibraryStatus status)
    {
        var previous = Override.Value;
        Override.Value = status;
        return new Restore(() => Override.Value = previous);
    }

    /// <summary>
    /// The search of the class summary for the given environment value, repository root and assembly folder: the first
    /// candidate that exists decides (a file that fails to load is reported, not skipped).
    /// </summary>
    internal static (IntPtr Handle, PluginLibraryStatus Status) Load(string? environmentValue, string? repoRoot, string? assemblyDir)
    {
        try
        {
            if (!string.IsNullOrWhiteSpace(environmentValue))
            {
                var path = System.IO.Path.GetFullPath(environmentValue);
                return File.Exists(path)
                    ? LoadFile(path)
                    : (IntPtr.Zero, NotFound($"{EnvironmentVariable}={environmentValue} (no such file)"));
            }
            var looked = new List<string> { $"${EnvironmentVariable} (unset)" };
            foreach (var dir in new[] { repoRoot is null ? null : System.IO.Path.Combine(repoRoot, "plugins-cu", "build"), assemblyDir })
            {
                if (dir is null) continue;
                var candidate = System.IO.Path.Combine(dir, FileName);
                if (File.Exists(candidate)) return LoadFile(candidate);
                looked.Add(candidate);
            }
            if (NativeLibrary.TryLoad(FileName, out var handle))
                return Inspect(handle, LoadedPath(FileName) ?? $"{FileName} (system search)");
            looked.Add("the system library search path (LD_LIBRARY_PATH, ld.so.cache)");
            return (IntPtr.Zero, NotFound(string.Join(", ", looked)));
        }
        catch (Exception e)
        {
            return (IntPtr.Zero, new PluginLibraryStatus(false, $"swinbench plugin library could not be probed: {e.Message}; {BuildHint}", ""));
        }
    }

    private static PluginLibraryStatus NotFound(string where) =>
        new(false, $"swinbench plugin library not found: {where}; {BuildHint}", "");

    private static (IntPtr, PluginLibraryStatus) LoadFile(string path)
    {
        try
        {
            return Inspect(NativeLibrary.Load(path), path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return (IntPtr.Zero, new PluginLibraryStatus(false,
                $"swinbench plugin library {path} could not be loaded: {e.Message}; {BuildHint}", "") { Path = path });
        }
    }

    /// <summary>Checks a loaded library: it must export swb_build_info and report ABI <see cref="AbiVersion"/>.</summary>
    private static unsafe (IntPtr, PluginLibraryStatus) Inspect(IntPtr handle, string path)
    {
        if (!NativeLibrary.TryGetExport(handle, "swb_build_info", out var buildInfoExport))
            return (IntPtr.Zero, new PluginLibraryStatus(false,
                $"{path} is not a swinbench plugin library (no swb_build_info export); {BuildHint}", "") { Path = path });
        var buildInfo = Marshal.PtrToStringUTF8((IntPtr)((delegate* unmanaged<byte*>)buildInfoExport)()) ?? "";
        var abi = Regex.Match(buildInfo, @"\babi (\d+)");
        if (!abi.Success || int.Parse(abi.Groups[1].Value) != AbiVersion)
            return (IntPtr.Zero, new PluginLibraryStatus(false,
                $"swinbench plugin library {path} reports '{buildInfo}', these bindings need abi {AbiVersion}; re{BuildHint}", buildInfo) { Path = path });
        var missing = SwinBenchPlugins.EntryPoints.Where(e => !NativeLibrary.TryGetExport(handle, e, out _)).ToList();
        var reason = $"loaded {path}" + (missing.Count > 0 ? $" (missing entry points: {string.Join(", ", missing)})" : "");
        return (handle, new PluginLibraryStatus(true, reason, buildInfo) { Path = path, MissingEntryPoints = missing });
    }

    private static string? AssemblyDirectory()
    {
        var location = typeof(PluginLibrary).Assembly.Location;
        return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : System.IO.Path.GetDirectoryName(location);
    }

    /// <summary>The full path of a loaded shared library whose file name is <paramref name="fileName"/>, from /proc/self/maps.</summary>
    internal static string? LoadedPath(string fileName)
    {
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                .FirstOrDefault(p => p is not null && p.StartsWith('/') && System.IO.Path.GetFileName(p) == fileName);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
