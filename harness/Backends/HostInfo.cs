using System.Diagnostics;

namespace SwinBench.Backends;

/// <summary>Facts about the host: CPU model, memory, and a helper to read a tool's output.</summary>
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

    /// <summary>Runs a tool and returns its standard output, or null when it is missing or fails.</summary>
    public static string? Run(string file, string args, int timeoutMs = 5000)
    {
        try
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(timeoutMs) || p.ExitCode != 0) return null;
            return output.Trim();
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
        catch (InvalidOperationException) { return null; }
    }
}
