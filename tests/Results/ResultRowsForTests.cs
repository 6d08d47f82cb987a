using SwinBench.Results;

namespace SwinBench.Tests.Results;

/// <summary>Rows and folders for the results and reporting tests.</summary>
internal static class ResultRowsForTests
{
    /// <summary>A row with every column set to a distinct, non-default value.</summary>
    public static ResultRow Full(string runId = "run-1", string variant = "perblock/fp32/ln-fused", int step = 0) => new()
    {
        RunId = runId,
        TimestampUtc = new DateTime(2025, 6, 1, 12, 34, 56, DateTimeKind.Utc).AddTicks(1234567),
        Question = "mask-hoisting",
        Task = "classical-x2",
        Model = "SwinIR-S",
        Variant = variant,
        Step = step,
        IsBaseline = step == 0,
        Mask = "perblock",
        LayerNorm = "fused",
        Plugins = "none",
        Backend = "torchsharp",
        Device = "cuda",
        DeviceName = "NVIDIA H100 80GB HBM3",
        Precision = "fp32",
        Dataset = "Set5",
        SizeClass = "median",
        Image = "baby",
        Images = 1,
        H = 256,
        W = 240,
        Megapixels = 256 * 240 / 1e6,
        MeanMs = 12.345678901234567,
        MedianMs = 1.0 / 3.0,
        P95Ms = 0.1 + 0.2,
        P5Ms = 0.125,
        Ci999HalfwidthMs = 0.0625,
        MinMs = 1e-300,
        Samples = 50,
        RoundMediansMs = new RoundValues([0.5, 1.0 / 3.0, double.NaN, 1e-300]),
        Speedup = 1.0,
        SpeedupLow = 0.75,
        SpeedupHigh = double.PositiveInfinity,
        SpeedupNote = "a note, with a comma",
        SpeedupMethod = "paired over 4 rounds",
        FidelityPsnrDb = double.PositiveInfinity,
        FidelityMaxAbs = 0.0,
        PeakMemoryMB = 1536.5,
        MemoryScope = "device-in-use",
        Status = "ok",
        Machine = "gpu-host",
        Os = "Ubuntu 24.04 LTS (Linux 6.8.0, x64)",
        Cpu = "AMD EPYC 9654 (16 logical CPUs)",
        Gpu = "NVIDIA H100 80GB HBM3",
        Driver = "550.54.15",
        Cuda = "12.4",
        Libtorch = "2.10.0",
        TorchSharp = "0.107.0",
        OnnxRuntime = "1.22.0",
        DotNet = ".NET 10.0.0",
        GitCommit = "abc1234",
    };

    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "swinbench-results-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        if (Environment.GetEnvironmentVariable("SWINBENCH_KEEP_TEST_FILES") != "1")
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(root, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            };
        return root;
    });

    /// <summary>
    /// A fresh empty folder under this test run's temp folder, which is deleted when the test process exits (kept when
    /// the environment variable <c>SWINBENCH_KEEP_TEST_FILES</c> is 1, to look at the charts).
    /// </summary>
    public static string TempDir(string tag)
    {
        var dir = Path.Combine(Root.Value, $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
