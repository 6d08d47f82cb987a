using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SwinBench.Checkpoints;

/// <summary>
/// An ordered name → tensor map read from a checkpoint (enumeration follows the file's order),
/// plus where it came from.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, CheckpointTensor>
{
    private readonly List<CheckpointTensor> _ordered;
    private readonly Dictionary<string, CheckpointTensor> _byName;

    /// <summary>Creates a state dict; tensor names must be unique.</summary>
    /// <param name="tensors">Tensors in file order; each is keyed by its <see cref="CheckpointTensor.Name"/>.</param>
    /// <param name="sourcePath">The checkpoint file the tensors came from (used in messages).</param>
    /// <param name="wrapKey">The top-level key whose value was the state dict, or null for a bare state dict.</param>
    public StateDict(IEnumerable<CheckpointTensor> tensors, string sourcePath, string? wrapKey = null)
    {
        _ordered = tensors.ToList();
        _byName = new Dictionary<string, CheckpointTensor>(_ordered.Count, StringComparer.Ordinal);
        foreach (var tensor in _ordered)
        {
            if (!_byName.TryAdd(tensor.Name, tensor))
                throw new ArgumentException($"duplicate tensor name '{tensor.Name}'", nameof(tensors));
        }
        SourcePath = sourcePath;
        WrapKey = wrapKey;
    }

    /// <summary>The top-level key that held the state dict (e.g. <c>params</c>), or null if the file was a bare state dict.</summary>
    public string? WrapKey { get; }

    /// <summary>Path of the checkpoint file.</summary>
    public string SourcePath { get; }

    /// <summary>True when a DataParallel <c>module.</c> prefix was removed from every key.</summary>
    public bool ModulePrefixStripped { get; init; }

    /// <summary>Tensors in file order.</summary>
    public IReadOnlyList<CheckpointTensor> Tensors => _ordered;

    /// <inheritdoc />
    public CheckpointTensor this[string key] => _byName.TryGetValue(key, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"no tensor '{key}' in checkpoint '{SourcePath}'");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _ordered.Select(t => t.Name);

    /// <inheritdoc />
    public IEnumerable<CheckpointTensor> Values => _ordered;

    /// <inheritdoc />
    public int Count => _ordered.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _byName.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out CheckpointTensor value) => _byName.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, CheckpointTensor>> GetEnumerator() =>
        _ordered.Select(t => new KeyValuePair<string, CheckpointTensor>(t.Name, t)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
