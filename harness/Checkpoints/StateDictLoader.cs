using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Checkpoints;

/// <summary>Options for <see cref="StateDictLoader.Load"/>.</summary>
public sealed class LoadOptions
{
    /// <summary>
    /// When true (the default), keys of the model missing from the checkpoint and checkpoint keys unknown to the model
    /// (not accepted by <see cref="IgnoreExtra"/>) make the load fail. Shape mismatches always fail.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Accepts checkpoint keys that may be present without a matching model entry; they are skipped and reported in
    /// <see cref="LoadReport.IgnoredKeys"/> (e.g. SwinIR's recomputed <c>*.attn_mask</c> and <c>*.relative_position_index</c>).
    /// </summary>
    public Func<string, bool>? IgnoreExtra { get; init; }
}

/// <summary>What <see cref="StateDictLoader.Load"/> did.</summary>
/// <param name="LoadedCount">Number of model parameters and buffers that were overwritten.</param>
/// <param name="IgnoredKeys">Checkpoint keys skipped because <see cref="LoadOptions.IgnoreExtra"/> accepted them.</param>
/// <param name="MissingKeys">Model keys absent from the checkpoint (only non-empty when not strict).</param>
/// <param name="UnexpectedKeys">Checkpoint keys unknown to the model and not ignored (only non-empty when not strict).</param>
public sealed record LoadReport(
    int LoadedCount,
    IReadOnlyList<string> IgnoredKeys,
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys);

/// <summary>Copies a <see cref="StateDict"/> into a TorchSharp module's parameters and persistent buffers.</summary>
public static class StateDictLoader
{
    /// <summary>
    /// Copies every checkpoint tensor into the model parameter or persistent buffer of the same name (under
    /// <c>no_grad</c>, converting to that tensor's dtype and device). All problems — missing keys, unexpected keys,
    /// shape mismatches — are collected first and reported together in one <see cref="CheckpointException"/>,
    /// before any tensor's bytes are read, so a checkpoint tensor never costs more memory than the model tensor it fills.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint does not match the model.</exception>
    public static LoadReport Load(nn.Module model, StateDict stateDict, LoadOptions? options = null)
    {
        options ??= new LoadOptions();
        var targets = ModelTensors(model);

        var missing = new List<string>();
        var mismatched = new List<string>();
        var matched = new List<(Tensor Target, CheckpointTensor Source)>();
        foreach (var (name, target) in targets)
        {
            if (!stateDict.TryGetValue(name, out var source))
            {
                missing.Add(name);
                continue;
            }
            if (!source.Shape.SequenceEqual(target.shape))
            {
                mismatched.Add($"{name} checkpoint {source.ShapeText} vs model {CheckpointTensor.FormatShape(target.shape)}");
                continue;
            }
            matched.Add((target, source));
        }

        var ignored = new List<string>();
        var unexpected = new List<string>();
        foreach (string key in stateDict.Keys.Where(k => !targets.ContainsKey(k)))
            (options.IgnoreExtra?.Invoke(key) == true ? ignored : unexpected).Add(key);

        bool fails = mismatched.Count > 0 || (options.Strict && (missing.Count > 0 || unexpected.Count > 0));
        if (fails)
        {
            var mismatch = new CheckpointMismatch(stateDict.SourcePath, options.Strict ? missing : [], options.Strict ? unexpected : [], mismatched,
                stateDict.Tensors.ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal));
            throw new CheckpointException(mismatch.Summary) { Mismatch = mismatch };
        }

        using (no_grad())
        {
            foreach (var (target, source) in matched)
            {
                using var value = source.ToTorch();
                target.copy_(value);
            }
        }
        return new LoadReport(matched.Count, ignored, missing, unexpected);
    }

    /// <summary>Parameters and persistent buffers by their dotted names, in module order.</summary>
    private static Dictionary<string, Tensor> ModelTensors(nn.Module model)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.named_parameters()) tensors[name] = parameter;
        foreach (var (name, buffer) in model.named_buffers(recurse: true, include_nonpersistent: false)) tensors[name] = buffer;
        return tensors;
    }
}

/// <summary>Conversion of framework-neutral checkpoint tensors to TorchSharp tensors.</summary>
public static class CheckpointTensorTorchExtensions
{
    /// <summary>Creates a new CPU <see cref="Tensor"/> with the tensor's dtype, shape and values.</summary>
    /// <exception cref="CheckpointException">The byte length does not match dtype and shape.</exception>
    public static Tensor ToTorch(this CheckpointTensor tensor)
    {
        byte[] data = tensor.Data;
        long expected = tensor.ElementCount * tensor.DType.ElementSize();
        if (data.Length != expected)
            throw new CheckpointException(
                $"tensor '{tensor.Name}' has {data.Length} bytes but {tensor.DType} {tensor.ShapeText} needs {expected}");
        CheckpointTensor.EnsureLittleEndianHost();
        var result = empty(tensor.Shape, ToScalarType(tensor.DType));
        if (data.Length > 0) result.bytes = data;
        return result;
    }

    /// <summary>The TorchSharp scalar type of a <see cref="TensorDType"/>.</summary>
    public static ScalarType ToScalarType(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => ScalarType.Float32,
        TensorDType.Float16 => ScalarType.Float16,
        TensorDType.BFloat16 => ScalarType.BFloat16,
        TensorDType.Float64 => ScalarType.Float64,
        TensorDType.Int64 => ScalarType.Int64,
        TensorDType.Int32 => ScalarType.Int32,
        TensorDType.Int16 => ScalarType.Int16,
        TensorDType.Int8 => ScalarType.Int8,
        TensorDType.UInt8 => ScalarType.Byte,
        TensorDType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };
}
