using SwinBench.Backends;

namespace SwinBench.Benchmarks;

/// <summary>
/// The sessions of one case's variants, kept open across the rounds of a sweep with more than one round
/// (<see cref="Sweep.Rounds"/>): a question's <c>[GlobalSetup]</c> opens (and warms up, and measures) a variant's
/// session in the first round only and takes the kept one in later rounds, and its <c>[GlobalCleanup]</c> leaves a kept
/// session open, so a later round costs one timed forward pass per variant. <see cref="SweepRunner"/> clears the cache,
/// disposing every session, when the case's last round has finished (or failed). A cache that does not keep
/// (<see cref="Keeps"/> false: one-round sweeps) leaves every session to its question's cleanup, as before.
/// </summary>
public sealed class SessionCache(bool keeps) : IDisposable
{
    private readonly Dictionary<MeasurementKey, IInferenceSession> _open = [];

    /// <summary>Whether sessions are kept at all.</summary>
    public bool Keeps { get; } = keeps;

    /// <summary>How many sessions are open in the cache now.</summary>
    public int Count => _open.Count;

    /// <summary>How many sessions were kept since the run started.</summary>
    public int Kept { get; private set; }

    /// <summary>How many times a setup took a kept session instead of opening one.</summary>
    public int Reused { get; private set; }

    /// <summary>The kept session of <paramref name="key"/>, or false.</summary>
    public bool TryGet(MeasurementKey key, out IInferenceSession session)
    {
        if (!_open.TryGetValue(key, out session!)) return false;
        Reused++;
        return true;
    }

    /// <summary>Keeps <paramref name="session"/> open for the later rounds of <paramref name="key"/>'s case; false when the cache does not keep.</summary>
    public bool Keep(MeasurementKey key, IInferenceSession session)
    {
        if (!Keeps) return false;
        if (_open.TryGetValue(key, out var earlier) && !ReferenceEquals(earlier, session)) earlier.Dispose();
        _open[key] = session;
        Kept++;
        return true;
    }

    /// <summary>True when <paramref name="session"/> is kept here (its question's cleanup must leave it open).</summary>
    public bool Holds(IInferenceSession session) => _open.ContainsValue(session);

    /// <summary>Disposes every kept session and empties the cache; every session is disposed even when one throws.</summary>
    public void Clear()
    {
        var sessions = _open.Values.ToList();
        _open.Clear();
        List<Exception>? errors = null;
        foreach (var s in sessions)
        {
            try
            {
                s.Dispose();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }
        if (sessions.Count > 0) TorchSharpSession.CollectGarbage();
        if (errors is not null) throw new AggregateException("disposing the kept sessions failed", errors);
    }

    public void Dispose() => Clear();
}
