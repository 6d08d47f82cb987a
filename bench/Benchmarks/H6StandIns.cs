// Temporary stand-ins for H6's interfaces (PLAN.md: StudyCases.For, FailureStatus.OutOfMemory, the compile-dynamic
// peer mode), so the study runner builds before H6's branch is merged. Delete this file when it is: H6's types have
// the same names, so the build fails until it is gone.
using System.Globalization;
using System.Text.RegularExpressions;
using SwinBench.Datasets;
using SwinBench.Peers;
using SwinBench.Workloads;

namespace SwinBench.Results
{
    public static class FailureStatus
    {
        public static string? OutOfMemory(Exception e, int h, int w)
        {
            var text = e.ToString();
            if (!Regex.IsMatch(text, "out of memory|Failed to allocate memory|cudaErrorMemoryAllocation", RegexOptions.IgnoreCase)) return null;
            var gib = Regex.Match(text, @"Tried to allocate ([0-9.]+) ([GMK]iB)", RegexOptions.IgnoreCase);
            var bytes = Regex.Match(text, @"buffer of size (\d+)");
            var asked = gib.Success ? $"{gib.Groups[1].Value} {gib.Groups[2].Value}"
                : bytes.Success ? (long.Parse(bytes.Groups[1].Value) / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + " GiB" : null;
            return $"failed: out of memory at {h}x{w}" + (asked is null ? "" : $" (tried to allocate {asked})");
        }
    }
}

namespace SwinBench.Workloads
{
    public static class StudyCases
    {
        public static IReadOnlyList<BenchTask> Tasks { get; } =
            new[] { "classical-x2", "classical-x4", "lightweight-x2", "lightweight-x4", "color-dn15" }.Select(BenchTask.Get).ToList();

        public static IReadOnlyList<BenchCase> For(DatasetManifest m, IEnumerable<BenchTask>? tasks = null)
        {
            var cases = new List<BenchCase>();
            foreach (var task in tasks ?? Tasks)
            {
                var sets = task.DatasetsIn(m);
                if (sets.Count == 0) continue;
                var medians = BenchCase.For(task, m, sets, SizePick.Median).ToList();
                var largest = BenchCase.For(task, m, sets, SizePick.Largest).MaxBy(c => (long)c.H * c.W)!;
                if (!medians.Any(c => c.Dataset == largest.Dataset && c.H == largest.H && c.W == largest.W)) medians.Add(largest);
                cases.AddRange(medians.OrderBy(c => (long)c.H * c.W).ThenBy(c => c.Dataset, StringComparer.Ordinal));
            }
            return cases;
        }
    }
}

namespace SwinBench.Benchmarks
{
    internal static class PeerModeStandIn
    {
        public static PeerMode CompileDynamic { get; } =
            PeerMode.All.FirstOrDefault(m => m.Name == "compile-dynamic")
            ?? new PeerMode("compile-dynamic", 5, "fp16", "hoisted", "default", "torch.compile(dynamic=True), default mode, FP16, hoisted mask");
    }
}
