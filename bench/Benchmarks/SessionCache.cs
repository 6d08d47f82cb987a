using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Workloads;

namespace SwinBench.Benchmarks;

/// <summary>
/// What a kept session is for: a question's variant on a task, and the case when the session serves one input size
/// only (null: it takes any size and is reused across the task's cases).
/// </summary>
public readonly record struct SessionKey(string Question, Variant Variant, BenchTask Task, BenchCase? Case);

/// <summary>
/// The sessions a run keeps open: across the rounds of a case (<see cref="Sweep.Rounds"/> &gt; 1), so a later round
/// costs one timed forward pass per variant, and, in a sweep with <see cref="Sweep.SessionsAcrossSizes"/>, across the
/// cases of a task for backends that take any input size. Each entry remembers the case whose input it holds, so a
/// question knows when a kept session needs the next case's input. <see cref="SweepRunner"/> releases the per-case
/// sessions after each case and the rest after each task. A cache that does not keep (<see cref="Keeps"/> false)
/// leaves every session to its question's cleanup.
/// </summary>
public sealed class SessionCache(bool keeps) : IDisposable
{
    private readonly Dictionary<SessionKey, (IInferenceSession Session, BenchCase InputOf)> _open = [];

    /// <summary>Whether sessions are kept at all.</summary>
    public bool Keeps { get; } = keeps;

    /// <summary>How many sessions are open in the cache now.</summary>
    public int Count => _open.Count;

    /// <summary>How many sessions were kept since the run started.</summary>
    public int Kept { get; private set; }

    /// <summary>How many times a setup took a kept session instead of opening one.</summary>
    public int Reused { get; private set; }

    /// <summary>The kept session of <paramref name="key"/> and the case whose input it holds, or false.</summary>
    public bool TryGet(SessionKey key, out IInferenceSession session, out BenchCase inputOf)
    {
        if (!_open.TryGetValue(key, out var entry))
        {
            (session, inputOf) = (null!, null!);
            return false;
        }
        (session, inputOf) = entry;
        Reused++;
        return true;
    }

    /// <summary>Keeps <paramref name="session"/>, holding <paramref name="inputOf"/>'s input, for later setups of <paramref name="key"/>; false when the cache does not keep.</summary>
    public bool Keep(SessionKey key, IInferenceSession session, BenchCase inputOf)
    {
        if (!Keeps) return false;
        if (_open.TryGetValue(key, out var earlier) && !ReferenceEquals(earlier.Session, session)) earlier.Session.Dispose();
        else if (!_open.ContainsKey(key)) Kept++;
        _open[key] = (session, inputOf);
        return true;
    }

    /// <summary>True when <paramref name="session"/> is kept here (its question's cleanup must leave it open).</summary>
    public bool Holds(IInferenceSession session) => _open.Values.Any(e => ReferenceEquals(e.Session, session));

    /// <summary>Disposes and forgets the session of <paramref name="key"/> (a failed one), if kept.</summary>
    public void Drop(SessionKey key)
    {
        if (_open.Remove(key, out var entry)) entry.Session.Dispose();
    }

    /// <summary>Disposes the sessions that serve one case (<see cref="SessionKey.Case"/> set); every one even when one throws.</summary>
    public void ReleaseCaseSessions() => Release(k => k.Case is not null);

    /// <summary>Disposes every kept session and empties the cache; every session is disposed even when one throws.</summary>
    public void Clear() => Release(_ => true);

    private void Release(Func<SessionKey, bool> which)
    {
        var keys = _open.Keys.Where(which).ToList();
        List<Exception>? errors = null;
        foreach (var key in keys)
        {
            var (session, _) = _open[key];
            _open.Remove(key);
            try
            {
                session.Dispose();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }
        if (keys.Count > 0) TorchSharpSession.CollectGarbage();
        if (errors is not null) throw new AggregateException("disposing the kept sessions failed", errors);
    }

    public void Dispose() => Clear();
}
