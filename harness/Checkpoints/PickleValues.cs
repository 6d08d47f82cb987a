namespace SwinBench.Checkpoints;

// Plain data objects produced by the restricted unpickler. Python values map as:
// None → null, bool → bool, int → long (or BigInteger when wider), float → double, str → string,
// bytes → byte[], tuple → PyTuple, list → List<object?>, dict / OrderedDict → PyDict,
// an allow-listed global → PyGlobal, a persistent storage id → StorageRef, a rebuilt tensor → CheckpointTensor.

/// <summary>An immutable Python tuple.</summary>
internal sealed class PyTuple(IReadOnlyList<object?> items)
{
    public static readonly PyTuple Empty = new(Array.Empty<object?>());

    public IReadOnlyList<object?> Items { get; } = items;

    public int Count => Items.Count;

    public object? this[int index] => Items[index];

    public override string ToString() => PyDescribe.Value(this);
}

/// <summary>An insertion-ordered Python dict (also used for <c>collections.OrderedDict</c>).</summary>
internal sealed class PyDict
{
    private static readonly object NoneKey = new();
    private readonly List<object> _keys = new();
    private readonly Dictionary<object, object?> _values = new();

    public int Count => _keys.Count;

    public void Set(object? key, object? value)
    {
        var k = key ?? NoneKey;
        if (!_values.ContainsKey(k)) _keys.Add(k);
        _values[k] = value;
    }

    public bool TryGet(object key, out object? value) => _values.TryGetValue(key, out value);

    /// <summary>Entries in insertion order; a Python <c>None</c> key is reported as null.</summary>
    public IEnumerable<KeyValuePair<object?, object?>> Items =>
        _keys.Select(k => new KeyValuePair<object?, object?>(ReferenceEquals(k, NoneKey) ? null : k, _values[k]));

    public IEnumerable<object?> Keys => Items.Select(kv => kv.Key);
}

/// <summary>What an allow-listed global stands for.</summary>
internal enum PyGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildParameter,
    RebuildParameterWithState,
    Storage,
}

/// <summary>A reference to an allow-listed Python global (a class or function), never executed.</summary>
internal sealed record PyGlobal(string Module, string Name, PyGlobalKind Kind, TensorDType StorageDType = default)
{
    public string QualifiedName => $"{Module}.{Name}";

    public override string ToString() => QualifiedName;
}

/// <summary>A typed storage named by a persistent id <c>('storage', type, key, location, numel)</c>.</summary>
internal sealed record StorageRef(TensorDType DType, string Key, string Location, long ElementCount);

/// <summary>Short human-readable descriptions of unpickled values for error messages.</summary>
internal static class PyDescribe
{
    public static string TypeName(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        long or System.Numerics.BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        PyTuple => "tuple",
        List<object?> => "list",
        PyDict => "dict",
        PyGlobal g => g.QualifiedName,
        StorageRef => "storage",
        CheckpointTensor => "tensor",
        _ => value.GetType().Name,
    };

    /// <summary>A Python-like rendering of scalars, strings, globals and (shallow) tuples; other values by type name.</summary>
    public static string Value(object? value) => Value(value, depth: 0);

    private static string Value(object? value, int depth) => value switch
    {
        null => "None",
        string s => $"'{Printable(s)}'",
        bool b => b ? "True" : "False",
        long or System.Numerics.BigInteger => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        PyGlobal g => g.QualifiedName,
        PyTuple t when depth < 2 => TupleText(t, depth),
        _ => TypeName(value),
    };

    private static string TupleText(PyTuple tuple, int depth)
    {
        const int MaxItems = 8;
        var items = tuple.Items.Take(MaxItems).Select(item => Value(item, depth + 1)).ToList();
        if (tuple.Count > MaxItems) items.Add($"... ({tuple.Count - MaxItems} more)");
        return tuple.Count == 1 ? $"({items[0]},)" : "(" + string.Join(", ", items) + ")";
    }

    /// <summary>The text with control characters escaped and cut to a readable length, so messages stay on one line.</summary>
    public static string Printable(string text)
    {
        const int MaxLength = 200;
        var builder = new System.Text.StringBuilder();
        foreach (char c in text.Length > MaxLength ? text[..MaxLength] : text)
            builder.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString());
        return text.Length > MaxLength ? builder.Append("...").ToString() : builder.ToString();
    }
}
