using BenchmarkDotNet.Attributes;
using SwinBench.Backends;
using SwinBench.Metrics;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// Base of the benchmark questions: one setup and one measured method, run by BenchmarkDotNet for each (variant, case)
/// of a <see cref="QuestionSpec"/> whose <see cref="QuestionSpec.Benchmark"/> it is (each question class declares its
/// spec as a static <c>Definition</c>). <see cref="SweepRunner"/> builds each benchmark case itself, with
/// <see cref="Spec"/>, <see cref="Variant"/>, <see cref="Case"/> and <see cref="Run"/> as its parameter values, so a
/// question finds what it asks and the run it belongs to in its properties, never in process-wide state. The default setup opens the variant's
/// session (<see cref="SweepRun.Open"/>), uploads the case's input, runs it once and records fidelity against the FP32
/// original and memory; the measured method times one forward pass (device synchronized). The session is kept
/// (<see cref="SweepRun.Sessions"/>) across the case's rounds and, where the sweep allows it and the backend takes any
/// size, across the task's cases, where a later setup only uploads the next input and measures it. A failure in the
/// setup or a timed call is recorded as the row's status (<see cref="RowBuilder.FailureOf"/>).
/// </summary>
public abstract class Question
{
    /// <summary>The question being asked: the sweep's spec of this class (a BenchmarkDotNet parameter value set by the runner).</summary>
    public QuestionSpec Spec { get; set; } = null!;

    /// <summary>The variant under test (a BenchmarkDotNet parameter value set by the runner).</summary>
    public Variant Variant { get; set; } = null!;

    /// <summary>The input (a BenchmarkDotNet parameter value set by the runner).</summary>
    public BenchCase Case { get; set; } = null!;

    /// <summary>The run this benchmark case belongs to (a BenchmarkDotNet parameter value set by the runner).</summary>
    public SweepRun Run { get; set; } = null!;

    protected IInferenceSession Session { get; private set; } = null!;

    protected MeasurementKey Key => new(Spec.Name, Variant, Case);

    /// <summary>
    /// Whether the default setup's session may be kept across rounds and sizes. A question whose <see cref="SetUp"/>
    /// makes anything besides <see cref="Session"/> that its <see cref="TearDown"/> releases declares false.
    /// </summary>
    protected virtual bool KeepsSession => true;

    private SessionKey SessionKey =>
        new(Spec.Name, Variant, Case.Task, Run.Sweep.SessionsAcrossSizes && SessionFactory.TakesAnySize(Variant.Backend) ? null : Case);

    [GlobalSetup]
    public void Setup()
    {
        try
        {
            if (KeepsSession && Run.Sessions.TryGet(SessionKey, out var kept, out var inputOf))
            {
                Session = kept;
                if (inputOf == Case) return; // a later round of the same case
                Prepare();
                Run.Sessions.Keep(SessionKey, Session, Case);
                return;
            }
            SetUp();
            if (KeepsSession && Session is not null) Run.Sessions.Keep(SessionKey, Session, Case);
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
    }

    [Benchmark]
    public void Forward()
    {
        try
        {
            Measure();
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Session is not null && Run.Sessions.Holds(Session))
        {
            Session = null!; // kept for a later round or case
            TorchSharpSession.CollectGarbage();
            return;
        }
        TearDown();
    }

    /// <summary>The one setup of a case (BenchmarkDotNet's [GlobalSetup] calls it): by default opens the variant's session and prepares it.</summary>
    protected virtual void SetUp()
    {
        Session = Run.Open(Variant, Model(), Run.Sweep.Device, Case.H, Case.W, Run.Sweep.CpuThreads ?? 0);
        Prepare();
    }

    /// <summary>Uploads the case's input to the session, runs it once, and records fidelity against the FP32 original and memory.</summary>
    private void Prepare()
    {
        var resetPeak = HostMemory.ResetPeak();
        var input = Run.Input(Case).Input;
        var reference = Run.Reference(Case, Model());
        Session.SetInput(input.Pixels, [1, input.Channels, input.Height, input.Width]);
        Session.Run();
        var (output, _) = Session.GetOutput();
        TorchSharpSession.CollectGarbage();
        var mb = Session.DeviceMemoryMB();
        var scope = CaseMeasurement.ScopeOf(Session.Device == "cuda", resetPeak);
        Run.Measurements.Set(Key, new CaseMeasurement(ImageMetrics.FidelityPsnr(output, reference),
            ImageMetrics.MaxAbsDiff(output, reference), mb, scope, Session.DeviceName, Run.Input(Case).IsReal));
    }

    /// <summary>Records the failure as the row's status and releases the session, so the next case starts from a fresh one.</summary>
    private void Fail(Exception e)
    {
        Run.Measurements.Fail(Key, RowBuilder.FailureOf(e, Variant, Case));
        if (Session is null) return;
        if (Run.Sessions.Holds(Session)) Run.Sessions.Drop(SessionKey);
        else Session.Dispose();
        Session = null!;
        TorchSharpSession.CollectGarbage();
    }

    /// <summary>The measured operation: by default one forward pass of the session.</summary>
    protected virtual void Measure() => Session.Run();

    /// <summary>The case's preset model: the sweep's official weights when given, else seed 0.</summary>
    protected ModelSpec Model()
    {
        var preset = Case.Task.Preset;
        Run.Sweep.Weights.TryGetValue(preset.Name, out var weights);
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
