using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SwinBench.Checkpoints;

/// <summary>
/// One named tensor read from a checkpoint, independent of any tensor framework.
/// <see cref="Data"/> holds the elements contiguously in row-major (C) order as little-endian bytes,
/// exactly <c>ElementCount * DType.ElementSize()</c> of them; strides and storage offsets of the source file
/// have already been applied.
/// </summary>
/// <remarks>
/// A tensor read from a <c>.pth</c> file is a view of its storage: its bytes are copied out of the storage each time
/// <see cref="Data"/> is read, so a view with more elements than its storage (an expanded, zero-stride view) costs
/// nothing until it is used, and <see cref="StateDictLoader"/> checks names and shapes before it reads any.
/// </remarks>
public sealed record CheckpointTensor
{
    private readonly byte[]? _data;
    private readonly StorageView? _view;

    /// <summary>A tensor whose bytes are given.</summary>
    /// <param name="Name">State-dict key, e.g. <c>conv_first.weight</c>.</param>
    /// <param name="DType">Element type.</param>
    /// <param name="Shape">Size of each dimension; empty for a scalar.</param>
    /// <param name="Data">Contiguous little-endian row-major element bytes.</param>
    public CheckpointTensor(string Name, TensorDType DType, long[] Shape, byte[] Data)
    {
        this.Name = Name;
        this.DType = DType;
        this.Shape = Shape;
        _data = Data;
    }

    /// <summary>A tensor that is a checked view of a storage; its bytes are copied out when <see cref="Data"/> is read.</summary>
    internal CheckpointTensor(string name, TensorDType dtype, StorageView view)
    {
        Name = name;
        DType = dtype;
        Shape = view.Shape;
        _view = view;
    }

    /// <summary>State-dict key, e.g. <c>conv_first.weight</c>.</summary>
    public string Name { get; init; }

    /// <summary>Element type.</summary>
    public TensorDType DType { get; }

    /// <summary>Size of each dimension; empty for a scalar.</summary>
    public long[] Shape { get; }

    /// <summary>
    /// Contiguous little-endian row-major element bytes. For a view of a <c>.pth</c> storage this is a fresh copy on
    /// every read (keep the array when it is needed twice).
    /// </summary>
    /// <exception cref="CheckpointException">The tensor is too large for one array.</exception>
    public byte[] Data => _data ?? _view!.Materialize(Name);

    /// <summary>Number of elements (product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount => CountElements(Shape);

    /// <summary>The shape written as <c>[a,b,c]</c>, as used in error messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>
    /// Reinterprets <see cref="Data"/> as elements of <typeparamref name="T"/>, whose size must equal the element size
    /// (e.g. <c>float</c> for Float32, <c>long</c> for Int64, <c>Half</c> for Float16).
    /// </summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (size != DType.ElementSize())
            throw new InvalidOperationException($"tensor '{Name}' is {DType}; {typeof(T).Name} has the wrong element size");
        EnsureLittleEndianHost();
        return MemoryMarshal.Cast<byte, T>(Data).ToArray();
    }

    /// <summary>Converts every element to <see cref="float"/> (integers and bools by value, wider floats by rounding).</summary>
    public float[] ToSingleArray()
    {
        int size = DType.ElementSize();
        ReadOnlySpan<byte> bytes = Data;
        var result = new float[bytes.Length / size];
        for (int i = 0; i < result.Length; i++)
            result[i] = ReadAsSingle(bytes.Slice(i * size, size));
        return result;
    }

    private float ReadAsSingle(ReadOnlySpan<byte> element) => DType switch
    {
        TensorDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(element),
        TensorDType.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(element),
        TensorDType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16),
        TensorDType.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(element),
        TensorDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(element),
        TensorDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(element),
        TensorDType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(element),
        TensorDType.Int8 => (sbyte)element[0],
        TensorDType.UInt8 => element[0],
        TensorDType.Bool => element[0] != 0 ? 1f : 0f,
        _ => throw new InvalidOperationException($"unknown dtype {DType}"),
    };

    /// <summary>The product of the dimensions: 0 when any is 0 (even if the others would overflow), else checked.</summary>
    internal static long CountElements(IReadOnlyList<long> shape)
    {
        if (shape.Contains(0)) return 0;
        long count = 1;
        foreach (long dim in shape) count = checked(count * dim);
        return count;
    }

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";

    internal static void EnsureLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("checkpoint tensors are little-endian; big-endian hosts are not supported");
    }
}
