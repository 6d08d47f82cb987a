using System.Collections.Concurrent;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using SwinBench.Backends;
using SwinBench.Datasets;
using SwinBench.Metrics;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// Base of the benchmark questions: BenchmarkDotNet parameters over the question's variants (<see cref="Spec"/>) and
/// the sweep's cases, one setup and one measured method. The default setup opens the variant's session through
/// <see cref="SessionFactory"/>, uploads the case's input, runs it once and records fidelity against the FP32 original
/// and memory; the measured method times one forward pass (device synchronized). In a sweep of several rounds the
/// default setup's session is kept open across the case's rounds (<see cref="BenchRun.Sessions"/>): the setup of a
/// later round takes it, already warm, and cleanup leaves it to <see cref="SweepRunner"/>, which disposes it after the
/// case's last round. A question that overrides <see cref="SetUp"/> or <see cref="TearDown"/> sets up every round.
/// </summary>
[Config(typeof(SwinBenchConfig))]
public abstract class Question
{
    private static readonly ConcurrentDictionary<(BenchCase, string), float[]> References = new();

    /// <summary>The question's variants and baseline.</summary>
    public abstract QuestionSpec Spec { get; }

    [ParamsSource(nameof(VariantValues))]
    public Variant Variant { get; set; } = null!;

    [ParamsSource(nameof(CaseValues))]
    public BenchCase Case { get; set; } = null!;

    public IEnumerable<Variant> VariantValues => Spec.VariantsFor(BenchRun.Current.Sweep.Precisions);

    public IEnumerable<BenchCase> CaseValues => BenchRun.Current.Sweep.Cases;

    protected IInferenceSession Session { get; private set; } = null!;

    protected MeasurementKey Key => new(Spec.Name, Variant, Case);

    [GlobalSetup]
    public void Setup()
    {
        var sessions = BenchRun.Current.Sessions;
        if (KeepsSession && sessions.TryGet(Key, out var kept))
        {
            Session = kept;
            return;
        }
        SetUp();
        if (KeepsSession && Session is not null) sessions.Keep(Key, Session);
    }

    [Benchmark]
    public void Forward() => Measure();

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Session is not null && BenchRun.Current.Sessions.Holds(Session))
        {
            Session = null!; // kept for the case's next round
            TorchSharpSession.CollectGarbage();
            return;
        }
        TearDown();
    }

    /// <summary>True when this question uses the default session setup and teardown, whose session can be kept across rounds.</summary>
    private bool KeepsSession =>
        GetType().GetMethod(nameof(SetUp), BindingFlags.Instance | BindingFlags.NonPublic)?.DeclaringType == typeof(Question) &&
        GetType().GetMethod(nameof(TearDown), BindingFlags.Instance | BindingFlags.NonPublic)?.DeclaringType == typeof(Question);

    /// <summary>The one setup of a case (BenchmarkDotNet's [GlobalSetup] calls it): by default opens the variant's session.</summary>
    protected virtual void SetUp()
    {
        var run = BenchRun.Current;
        var sweep = run.Sweep;
        var resetPeak = HostMemory.ResetPeak();
        try
        {
            var input = CaseInputs.Make(Case, new ImageSource(sweep.DataRoot), sweep.Manifest);
            var shape = new long[] { 1, input.Input.Channels, input.Input.Height, input.Input.Width };
            var reference = References.GetOrAdd((Case, sweep.Device), _ =>
            {
                using var s = SessionFactory.Open(new Variant("reference", ModelOptions.Original), Model(), sweep.Device);
                s.SetInput(input.Input.Pixels, shape);
                s.Run();
                return s.GetOutput().Data;
            });
            Session = SessionFactory.Open(Variant, Model(), sweep.Device, input.Input.Height, input.Input.Width);
            Session.SetInput(input.Input.Pixels, shape);
            Session.Run();
            var (output, _) = Session.GetOutput();
            TorchSharpSession.CollectGarbage();
            var (mb, scope) = Memory(sweep.Device, resetPeak);
            run.Measurements.Set(Key, new CaseMeasurement(ImageMetrics.FidelityPsnr(output, reference),
                ImageMetrics.MaxAbsDiff(output, reference), mb, scope, Session.DeviceName, input.IsReal));
        }
        catch (Exception e)
        {
            run.Measurements.Set(Key, new CaseMeasurement(double.NaN, double.NaN, null, "", Session?.DeviceName ?? "n/a", false,
                e.Message.ReplaceLineEndings(" ")));
            throw;
        }
    }

    /// <summary>The session's memory and what it measures: device memory in use on CUDA, else the process's peak RSS
    /// (over this case when the peak could be reset before it).</summary>
    private (double? MB, string Scope) Memory(string device, bool resetPeak)
    {
        var mb = Session.DeviceMemoryMB();
        if (device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase)) return (mb, "device-in-use");
        return (mb, resetPeak ? "case-peak-rss" : "process-peak-rss");
    }

    /// <summary>The measured operation: by default one forward pass of the session.</summary>
    protected virtual void Measure() => Session.Run();

    /// <summary>The case's preset model: the sweep's official weights when given, else seed 0.</summary>
    protected ModelSpec Model()
    {
        var preset = Case.Task.Preset;
        BenchRun.Current.Sweep.Weights.TryGetValue(preset.Name, out var weights);
        return new ModelSpec(preset.Config, weights, preset.WrapKey, Seed: 0, Name: preset.Name);
    }

    /// <summary>
    /// Outside the timed region: collect what the forward pass left for finalizers (TorchSharp objects whose native
    /// memory, device memory included, is released by their finalizers), so memory stays flat across iterations.
    /// </summary>
    [IterationCleanup]
    public void CollectGarbage() => TorchSharpSession.CollectGarbage();

    /// <summary>Releases what <see cref="SetUp"/> made.</summary>
    protected virtual void TearDown()
    {
        Session?.Dispose();
        Session = null!;
        TorchSharpSession.CollectGarbage();
    }
}

/// <summary>The process's peak resident memory on Linux, which can be reset so that it covers one case.</summary>
public static class HostMemory
{
    /// <summary>Resets the peak RSS (VmHWM) by writing 5 to /proc/self/clear_refs; false where that is not possible.</summary>
    public static bool ResetPeak()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return false;
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
