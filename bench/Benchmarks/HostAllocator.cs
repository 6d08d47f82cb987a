using System.Runtime.InteropServices;

namespace SwinBench.Benchmarks;

/// <summary>
/// Pins glibc's malloc for the whole swinbench process (bench/Program.cs, before any verb): no chunk is served by mmap
/// and the heap is not trimmed, so the buffers a forward pass frees stay in the process and the next pass (or the next
/// op) reuses them instead of faulting fresh pages in. glibc otherwise adapts its mmap and trim thresholds to the
/// allocation history, so one process may fault its buffers in on every pass and the next not, which slows CPU passes
/// and moves a CPU sweep's times from one process to the next. Linux with glibc only; elsewhere nothing changes. It
/// cannot be undone.
/// </summary>
public static class HostAllocator
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MmapMax = -4;       // M_MMAP_MAX

    /// <summary>True when both settings were applied.</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return MallOpt(MmapMax, 0) == 1 && MallOpt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
}
