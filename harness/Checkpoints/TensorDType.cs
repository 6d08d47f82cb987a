namespace SwinBench.Checkpoints;

/// <summary>Element type of a <see cref="CheckpointTensor"/>, independent of any tensor framework.</summary>
public enum TensorDType
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32,
    /// <summary>IEEE 754 binary16.</summary>
    Float16,
    /// <summary>bfloat16 (upper half of a binary32).</summary>
    BFloat16,
    /// <summary>IEEE 754 binary64.</summary>
    Float64,
    /// <summary>Signed 64-bit integer.</summary>
    Int64,
    /// <summary>Signed 32-bit integer.</summary>
    Int32,
    /// <summary>Signed 16-bit integer.</summary>
    Int16,
    /// <summary>Signed 8-bit integer.</summary>
    Int8,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>One byte per element, 0 = false, anything else = true.</summary>
    Bool,
}

/// <summary>Size and naming facts about <see cref="TensorDType"/> values.</summary>
public static class TensorDTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float64 or TensorDType.Int64 => 8,
        TensorDType.Float32 or TensorDType.Int32 => 4,
        TensorDType.Float16 or TensorDType.BFloat16 or TensorDType.Int16 => 2,
        TensorDType.Int8 or TensorDType.UInt8 or TensorDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>Maps a legacy PyTorch storage class name (e.g. <c>torch.FloatStorage</c>) to its dtype.</summary>
    internal static bool TryFromTorchStorage(string qualifiedName, out TensorDType dtype)
    {
        TensorDType? found = qualifiedName switch
        {
            "torch.FloatStorage" => TensorDType.Float32,
            "torch.HalfStorage" => TensorDType.Float16,
            "torch.BFloat16Storage" => TensorDType.BFloat16,
            "torch.DoubleStorage" => TensorDType.Float64,
            "torch.LongStorage" => TensorDType.Int64,
            "torch.IntStorage" => TensorDType.Int32,
            "torch.ShortStorage" => TensorDType.Int16,
            "torch.CharStorage" => TensorDType.Int8,
            "torch.ByteStorage" => TensorDType.UInt8,
            "torch.BoolStorage" => TensorDType.Bool,
            _ => null,
        };
        dtype = found.GetValueOrDefault();
        return found.HasValue;
    }

    /// <summary>Maps a safetensors dtype string (e.g. <c>F32</c>) to its dtype.</summary>
    internal static bool TryFromSafetensors(string name, out TensorDType dtype)
    {
        TensorDType? found = name switch
        {
            "F32" => TensorDType.Float32,
            "F16" => TensorDType.Float16,
            "BF16" => TensorDType.BFloat16,
            "F64" => TensorDType.Float64,
            "I64" => TensorDType.Int64,
            "I32" => TensorDType.Int32,
            "I16" => TensorDType.Int16,
            "I8" => TensorDType.Int8,
            "U8" => TensorDType.UInt8,
            "BOOL" => TensorDType.Bool,
            _ => null,
        };
        dtype = found.GetValueOrDefault();
        return found.HasValue;
    }
}
