namespace SwinBench.Checkpoints;

/// <summary>
/// The allow-list policy for unpickling <c>torch.save</c> state dicts. Only these globals may appear:
/// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c>,
/// <c>torch._utils._rebuild_parameter_with_state</c> and the typed storage classes (<c>torch.FloatStorage</c>, ...).
/// Any other global is rejected when it is named, before anything uses it. "Calls" build plain data only.
/// </summary>
internal sealed class TorchPickleHost : IPickleHost
{
    private static readonly Dictionary<string, PyGlobalKind> AllowedCallables = new(StringComparer.Ordinal)
    {
        ["collections.OrderedDict"] = PyGlobalKind.OrderedDict,
        ["torch._utils._rebuild_tensor_v2"] = PyGlobalKind.RebuildTensorV2,
        ["torch._utils._rebuild_parameter"] = PyGlobalKind.RebuildParameter,
        ["torch._utils._rebuild_parameter_with_state"] = PyGlobalKind.RebuildParameterWithState,
    };

    private readonly string _path;
    private readonly string _where;
    private readonly Func<StorageRef, byte[]> _loadStorage;
    private readonly Dictionary<(string Key, int ElementSize), byte[]> _storages = new();

    /// <param name="path">The checkpoint file, for messages.</param>
    /// <param name="loadStorage">Returns the little-endian bytes of a storage record (at least numel * element size).</param>
    public TorchPickleHost(string path, Func<StorageRef, byte[]> loadStorage)
    {
        _path = path;
        _where = $"data.pkl of {path}";
        _loadStorage = loadStorage;
    }

    /// <summary>Where the pickle came from, for messages, e.g. <c>data.pkl of /x/model.pth</c>.</summary>
    public string Where => _where;

    public PyGlobal ResolveGlobal(string module, string name)
    {
        string qualified = $"{module}.{name}";
        if (AllowedCallables.TryGetValue(qualified, out var kind))
            return new PyGlobal(module, name, kind);
        if (TensorDTypeExtensions.TryFromTorchStorage(qualified, out var dtype))
            return new PyGlobal(module, name, PyGlobalKind.Storage, dtype);
        throw new CheckpointException($"forbidden global '{PyDescribe.Printable(qualified)}' in {_where}");
    }

    public object? Call(PyGlobal callable, PyTuple args) => callable.Kind switch
    {
        PyGlobalKind.OrderedDict when args.Count == 0 => new PyDict(),
        PyGlobalKind.RebuildTensorV2 => RebuildTensor(args),
        PyGlobalKind.RebuildParameter or PyGlobalKind.RebuildParameterWithState => RebuildParameter(callable, args),
        _ => throw new PickleFormatException($"calling {callable.QualifiedName} with {args.Count} argument(s) is not supported"),
    };

    public object? NewObject(PyGlobal cls, PyTuple args) => cls.Kind == PyGlobalKind.OrderedDict
        ? new PyDict()
        : throw new PickleFormatException($"creating a {cls.QualifiedName} object is not supported");

    public void Build(object? target, object? state)
    {
        // An OrderedDict state dict carries a `_metadata` attribute (module versions); it is not needed.
        if (target is PyDict) return;
        throw new PickleFormatException($"setting the state of a {PyDescribe.TypeName(target)} is not supported");
    }

    public object? PersistentLoad(object? persistentId)
    {
        if (persistentId is not PyTuple { Count: 5 } id || id[0] is not "storage")
            throw Invalid($"unsupported persistent id {PyDescribe.Value(persistentId)}", StorageIdForm);
        if (id[1] is not PyGlobal { Kind: PyGlobalKind.Storage } storageType)
            throw Invalid($"persistent id {PyDescribe.Value(persistentId)} names {PyDescribe.TypeName(id[1])}, not a storage type", StorageIdForm);
        string key = id[2] switch
        {
            string s => s,
            long n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            var other => throw Invalid($"persistent id {PyDescribe.Value(persistentId)} has a {PyDescribe.TypeName(other)} storage key", StorageIdForm),
        };
        string location = id[3] as string ?? "";
        if (id[4] is not long elementCount || elementCount < 0)
            throw Invalid($"storage {PyDescribe.Printable(key)} has an invalid element count {PyDescribe.Value(id[4])}", StorageIdForm);
        return new StorageRef(storageType.StorageDType, key, location, elementCount);
    }

    private const string StorageIdForm = "expected ('storage', storage type, key, location, element count)";

    /// <summary>A one-line error about the pickle's content (not its encoding), naming the file.</summary>
    private CheckpointException Invalid(string problem, string? expected = null) =>
        new(expected is null ? $"{problem} in {_where}" : $"{problem} in {_where} ({expected})");

    /// <summary><c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c>.</summary>
    private CheckpointTensor RebuildTensor(PyTuple args)
    {
        if (args.Count is < 4 or > 7)
            throw Invalid($"_rebuild_tensor_v2 got {args.Count} arguments, expected 4 to 7");
        if (args[0] is not StorageRef storage)
            throw Invalid($"_rebuild_tensor_v2 storage argument is {PyDescribe.TypeName(args[0])}, expected a persistent storage");
        long offset = args[1] is long o ? o : throw Invalid($"_rebuild_tensor_v2 storage offset is {PyDescribe.Value(args[1])}, expected a 64-bit int");
        long[] shape = ToLongs(args[2], "size");
        long[] stride = ToLongs(args[3], "stride");

        int elementSize = storage.DType.ElementSize();
        if (!_storages.TryGetValue((storage.Key, elementSize), out byte[]? bytes))
        {
            bytes = _loadStorage(storage);
            _storages[(storage.Key, elementSize)] = bytes;
        }
        StorageView view;
        try
        {
            view = StorageView.Create(bytes, elementSize, offset, shape, stride, $"data/{storage.Key}", _path);
        }
        catch (PickleFormatException ex)
        {
            throw CheckpointException.ForFile(_path, ex.Message, ex);
        }
        return new CheckpointTensor("", storage.DType, view);
    }

    /// <summary><c>_rebuild_parameter(data, requires_grad, backward_hooks[, state])</c>: the parameter is just its tensor.</summary>
    private static CheckpointTensor RebuildParameter(PyGlobal callable, PyTuple args) =>
        args.Count >= 1 && args[0] is CheckpointTensor tensor
            ? tensor
            : throw new PickleFormatException($"{callable.Name} expects a tensor as its first argument");

    private long[] ToLongs(object? value, string what)
    {
        if (value is not PyTuple tuple)
            throw Invalid($"_rebuild_tensor_v2 {what} is {PyDescribe.TypeName(value)}, expected a tuple");
        var result = new long[tuple.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = tuple[i] is long n
                ? n
                : throw Invalid($"_rebuild_tensor_v2 {what} {PyDescribe.Value(value)} holds {PyDescribe.Value(tuple[i])}, expected 64-bit ints");
        return result;
    }
}
