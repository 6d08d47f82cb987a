using System.Diagnostics;

namespace SwinBench.Backends;

/// <summary>Facts about the host: CPU model and memory.</summary>
public static class HostInfo
{
    public static string CpuModel { get; } = ReadCpuModel();

    /// <summary>Peak resident memory of this process (MB).</summary>
    public static double PeakWorkingSetMB
    {
        get
        {
            using var p = Process.GetCurrentProcess();
            return p.PeakWorkingSet64 / (1024.0 * 1024.0);
        }
    }

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return $"{line[(line.IndexOf(':') + 1)..].Trim()} ({Environment.ProcessorCount} threads)";
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} ({Environment.ProcessorCount} threads)";
    }
}
