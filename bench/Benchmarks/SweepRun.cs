using SwinBench.Backends;
using SwinBench.Datasets;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>Opens a variant's session (<see cref="SessionFactory.Open"/>, or a test's stand-in).</summary>
public delegate IInferenceSession SessionOpener(Variant variant, ModelSpec model, string device, int height, int width, int cpuThreads);

/// <summary>
/// One run of a sweep, passed to everything that needs it: <see cref="SweepRunner"/> makes it and hands it to each
/// question object as a BenchmarkDotNet parameter (<see cref="Question.Run"/>). It holds the sweep, the run id, what
/// the questions' setups measured, the timed samples round by round, the sessions kept across rounds (and sizes), the
/// current case's input and FP32 reference, and how sessions are opened.
/// </summary>
public sealed class SweepRun(Sweep sweep, string id, SessionOpener? open = null)
{
    public Sweep Sweep { get; } = sweep;

    /// <summary>The run id of every row this run writes (<c>&lt;sweep&gt;-&lt;UTC time&gt;</c>).</summary>
    public string Id { get; } = id;

    public MeasurementStore Measurements { get; } = new();

    public SampleStore Samples { get; } = new();

    /// <summary>Sessions kept open across a case's rounds and, in a sweep that allows it, across a task's sizes.</summary>
    public SessionCache Sessions { get; } = new(sweep.Rounds > 1 || sweep.SessionsAcrossSizes);

    public SessionOpener Open { get; } = open ?? SessionFactory.Open;

    private readonly Dictionary<BenchCase, (CaseInput Input, float[]? Reference)> _cases = [];

    /// <summary>The case's input, made once per case (<see cref="CaseInputs.Make"/>).</summary>
    public CaseInput Input(BenchCase c)
    {
        if (_cases.TryGetValue(c, out var known)) return known.Input;
        var input = CaseInputs.Make(c, new ImageSource(Sweep.DataRoot), Sweep.Manifest);
        _cases[c] = (input, null);
        return input;
    }

    /// <summary>
    /// The output of the official FP32 path (TorchSharp, per-block masks) for the case's input on the sweep's device:
    /// the reference of every variant's fidelity, computed once per case.
    /// </summary>
    public float[] Reference(BenchCase c, ModelSpec model)
    {
        var input = Input(c);
        if (_cases[c].Reference is { } known) return known;
        using var s = Open(new Variant("reference", ModelOptions.Original), model, Sweep.Device, c.H, c.W, Sweep.CpuThreads ?? 0);
        s.SetInput(input.Input.Pixels, [1, input.Input.Channels, input.Input.Height, input.Input.Width]);
        s.Run();
        var reference = s.GetOutput().Data;
        _cases[c] = (input, reference);
        return reference;
    }

    /// <summary>Forgets the case's input and reference (after its last round).</summary>
    public void ForgetCase(BenchCase c) => _cases.Remove(c);

    /// <summary>The BenchmarkDotNet parameter column's text.</summary>
    public override string ToString() => Id;
}
