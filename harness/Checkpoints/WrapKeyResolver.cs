namespace SwinBench.Checkpoints;

/// <summary>
/// Finds the state dict inside a checkpoint's top-level dict. The rule:
/// <list type="number">
/// <item>If a wrap key is requested explicitly, the top-level dict must contain it and its value must be a dict of
/// tensors; otherwise the load fails with a message listing the top-level keys that are present.</item>
/// <item>Otherwise the first of <c>params_ema</c>, <c>params</c>, <c>state_dict</c> (in that order of preference)
/// whose value is a dict is used. So a file with both <c>params</c> and <c>params_ema</c> yields <c>params_ema</c>
/// (the EMA weights, as SwinIR's real-SR models are evaluated); request <c>params</c> explicitly to get the others.
/// Other top-level entries next to the wrap key (ints, strings, optimizer state, ...) are ignored.</item>
/// <item>Otherwise, if every top-level value is a tensor, the file is a bare state dict (<see cref="StateDict.WrapKey"/> is null).</item>
/// <item>Otherwise the load fails, listing the top-level keys.</item>
/// </list>
/// Finally, if every key starts with <c>module.</c> (saved from a DataParallel wrapper) that prefix is removed.
/// </summary>
public static class WrapKeyResolver
{
    /// <summary>Keys tried by auto-detection, most preferred first.</summary>
    public static IReadOnlyList<string> AutoDetectedKeys { get; } = ["params_ema", "params", "state_dict"];

    private const string DataParallelPrefix = "module.";
    private const int MaxKeysInMessage = 20;

    /// <summary>Applies the rule to an unpickled top-level object.</summary>
    internal static StateDict Resolve(object? root, string? requestedKey, string path)
    {
        if (root is not PyDict top)
            throw CheckpointException.ForFile(path, $"top-level object is a {PyDescribe.TypeName(root)}, expected a dict");

        string? wrapKey = requestedKey ?? AutoDetectedKeys.FirstOrDefault(k => top.TryGet(k, out var v) && v is PyDict);
        PyDict stateDict;
        if (wrapKey is not null)
        {
            if (!top.TryGet(wrapKey, out object? inner))
            {
                string bare = top.Count > 0 && top.Items.All(kv => kv.Value is CheckpointTensor)
                    ? $" (the file is a bare state dict of {top.Count} tensors; pass no wrap key)"
                    : "";
                throw CheckpointException.ForFile(path, $"wrap key '{wrapKey}' not found{bare}; top-level keys: {ListKeys(top)}");
            }
            stateDict = inner as PyDict
                ?? throw CheckpointException.ForFile(path, $"wrap key '{wrapKey}' holds a {PyDescribe.TypeName(inner)}, not a dict of tensors");
        }
        else if (top.Items.All(kv => kv.Value is CheckpointTensor))
        {
            stateDict = top;
        }
        else
        {
            throw CheckpointException.ForFile(path,
                $"no state dict found: no {string.Join("/", AutoDetectedKeys)} key and not all top-level values are tensors; top-level keys: {ListKeys(top)}");
        }

        var tensors = new List<CheckpointTensor>(stateDict.Count);
        foreach (var (key, value) in stateDict.Items)
        {
            string where = wrapKey is null ? "the state dict" : $"'{wrapKey}'";
            if (key is not string name)
                throw CheckpointException.ForFile(path, $"{where} has a non-string key {PyDescribe.Value(key)}");
            if (value is not CheckpointTensor tensor)
                throw CheckpointException.ForFile(path, $"entry '{PyDescribe.Printable(name)}' in {where} is a {PyDescribe.TypeName(value)}, not a tensor");
            tensors.Add(tensor with { Name = name });
        }

        bool stripPrefix = tensors.Count > 0 && tensors.All(t => t.Name.StartsWith(DataParallelPrefix, StringComparison.Ordinal));
        if (stripPrefix)
            tensors = tensors.Select(t => t with { Name = t.Name[DataParallelPrefix.Length..] }).ToList();

        try
        {
            return new StateDict(tensors, path, wrapKey) { ModulePrefixStripped = stripPrefix };
        }
        catch (ArgumentException ex)
        {
            throw CheckpointException.ForFile(path, ex.Message, ex);
        }
    }

    private static string ListKeys(PyDict dict)
    {
        var keys = dict.Keys.Select(PyDescribe.Value).ToList();
        if (keys.Count == 0) return "(none)";
        return keys.Count <= MaxKeysInMessage
            ? string.Join(", ", keys)
            : string.Join(", ", keys.Take(MaxKeysInMessage)) + $", ... ({keys.Count - MaxKeysInMessage} more)";
    }
}
