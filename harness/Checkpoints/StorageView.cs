namespace SwinBench.Checkpoints;

/// <summary>
/// A (storage, storage offset, size, stride) view — the arguments of <c>torch._utils._rebuild_tensor_v2</c> — checked
/// to stay inside its storage when it is created, and copied into a contiguous row-major array only on request.
/// Creating a view allocates nothing in proportion to its shape, so a view with far more elements than its storage
/// (zero strides) is cheap until it is materialized.
/// </summary>
internal sealed class StorageView
{
    private readonly byte[] _storage;
    private readonly int _elementSize;
    private readonly long _storageOffset;
    private readonly long[] _stride;
    private readonly string _path;

    private StorageView(byte[] storage, int elementSize, long storageOffset, long[] shape, long[] stride,
        long elementCount, string storageName, string path)
    {
        _storage = storage;
        _elementSize = elementSize;
        _storageOffset = storageOffset;
        Shape = shape;
        _stride = stride;
        ElementCount = elementCount;
        StorageName = storageName;
        _path = path;
    }

    /// <summary>View sizes.</summary>
    public long[] Shape { get; }

    /// <summary>Number of elements of the view (may exceed the storage's for overlapping views).</summary>
    public long ElementCount { get; }

    /// <summary>Name of the storage for messages, e.g. <c>data/3</c>.</summary>
    public string StorageName { get; }

    /// <param name="storage">All bytes of the storage.</param>
    /// <param name="elementSize">Bytes per element.</param>
    /// <param name="storageOffset">Index (in elements) of the view's first element.</param>
    /// <param name="shape">View sizes.</param>
    /// <param name="stride">View strides, in elements.</param>
    /// <param name="storageName">Name of the storage for messages, e.g. <c>data/3</c>.</param>
    /// <param name="path">The checkpoint file, for messages.</param>
    /// <exception cref="PickleFormatException">The view is malformed or reaches past the storage.</exception>
    public static StorageView Create(byte[] storage, int elementSize, long storageOffset, long[] shape, long[] stride,
        string storageName, string path)
    {
        string view = Describe(shape, stride, storageOffset);
        if (shape.Length != stride.Length)
            throw new PickleFormatException($"tensor on storage {storageName} has {view}: shape and stride lengths differ");
        if (storageOffset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
            throw new PickleFormatException($"tensor on storage {storageName} has {view}: negative values are not allowed");

        long elementCount;
        long lastIndex = storageOffset;
        try
        {
            elementCount = CheckpointTensor.CountElements(shape);
            if (elementCount > 0)
                for (int d = 0; d < shape.Length; d++)
                    lastIndex = checked(lastIndex + checked((shape[d] - 1) * stride[d]));
        }
        catch (OverflowException)
        {
            throw new PickleFormatException($"tensor on storage {storageName} has {view}: sizes overflow");
        }

        long storageElements = storage.Length / elementSize;
        if (elementCount > 0 && lastIndex >= storageElements)
            throw new PickleFormatException(
                $"storage {storageName} is too small ({storageElements} elements) for a tensor with {view} (needs {lastIndex + 1})");
        return new StorageView(storage, elementSize, storageOffset, shape, stride, elementCount, storageName, path);
    }

    /// <summary>Copies the viewed elements into a new contiguous row-major array.</summary>
    /// <param name="tensorName">The state-dict key, for messages.</param>
    /// <exception cref="CheckpointException">The view has more bytes than one array can hold.</exception>
    public byte[] Materialize(string tensorName)
    {
        if (ElementCount == 0) return Array.Empty<byte>();
        if (ElementCount > Array.MaxLength / _elementSize)
            throw CheckpointException.ForFile(_path,
                $"tensor '{PyDescribe.Printable(tensorName)}' on storage {StorageName} with {Describe(Shape, _stride, _storageOffset)} " +
                $"has {ElementCount} elements, too many to load into one array");

        var result = new byte[ElementCount * _elementSize];
        if (IsRowMajor(Shape, _stride))
            _storage.AsSpan(checked((int)(_storageOffset * _elementSize)), result.Length).CopyTo(result);
        else
            CopyStrided(result);
        return result;
    }

    private static string Describe(long[] shape, long[] stride, long storageOffset) =>
        $"shape {CheckpointTensor.FormatShape(shape)}, stride {CheckpointTensor.FormatShape(stride)}, storage offset {storageOffset}";

    /// <summary>True when the strides are those of a contiguous row-major array (dimensions of size 1 may have any stride).</summary>
    private static bool IsRowMajor(long[] shape, long[] stride)
    {
        long expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && stride[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>Copies row by row (last dimension innermost), walking the outer indices like an odometer.</summary>
    private void CopyStrided(Span<byte> destination)
    {
        ReadOnlySpan<byte> storage = _storage;
        int elementSize = _elementSize;
        int rank = Shape.Length;  // >= 1 here: a scalar is always row-major
        long rowLength = Shape[rank - 1];
        long rowStride = _stride[rank - 1];
        var outerIndex = new long[rank - 1];
        int written = 0;
        long rows = destination.Length / elementSize / rowLength;
        for (long row = 0; row < rows; row++)
        {
            long start = _storageOffset;
            for (int d = 0; d < rank - 1; d++) start += outerIndex[d] * _stride[d];

            if (rowStride == 1)
            {
                int rowBytes = (int)(rowLength * elementSize);
                storage.Slice((int)(start * elementSize), rowBytes).CopyTo(destination.Slice(written, rowBytes));
                written += rowBytes;
            }
            else
            {
                for (long j = 0; j < rowLength; j++)
                {
                    storage.Slice((int)((start + j * rowStride) * elementSize), elementSize).CopyTo(destination.Slice(written, elementSize));
                    written += elementSize;
                }
            }

            for (int d = rank - 2; d >= 0; d--)
            {
                if (++outerIndex[d] < Shape[d]) break;
                outerIndex[d] = 0;
            }
        }
    }
}
