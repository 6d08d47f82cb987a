using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Onnx;

/// <summary>The parameters of a <see cref="SwinIR"/> as float32 host arrays, by state_dict key.</summary>
internal sealed class ModelWeights
{
    private readonly Dictionary<string, (float[] Data, long[] Shape)> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public ModelWeights(SwinIR model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            var host = p.detach().to(ScalarType.Float32, CPU).contiguous();
            _byKey[name] = (host.data<float>().ToArray(), host.shape);
        }
    }

    /// <summary>The parameter <paramref name="key"/>; its shape must be <paramref name="expected"/> when given.</summary>
    public (float[] Data, long[] Shape) Get(string key, params long[] expected)
    {
        if (!_byKey.TryGetValue(key, out var w)) throw new InvalidOperationException($"the model has no parameter '{key}'");
        if (expected.Length > 0 && !expected.SequenceEqual(w.Shape))
            throw new InvalidOperationException($"parameter '{key}' has shape [{string.Join(", ", w.Shape)}], expected [{string.Join(", ", expected)}]");
        _used.Add(key);
        return w;
    }

    /// <summary>Parameters the graph never read (an export that forgets one is a bug).</summary>
    public IEnumerable<string> Unused => _byKey.Keys.Where(k => !_used.Contains(k));
}
