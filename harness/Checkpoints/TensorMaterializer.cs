namespace SwinBench.Checkpoints;

/// <summary>
/// Turns a (storage, storage offset, size, stride) view — the arguments of <c>torch._utils._rebuild_tensor_v2</c> —
/// into a contiguous row-major copy of the viewed elements, after checking that the view stays inside the storage.
/// </summary>
internal static class TensorMaterializer
{
    /// <param name="storage">All bytes of the storage.</param>
    /// <param name="elementSize">Bytes per element.</param>
    /// <param name="storageOffset">Index (in elements) of the view's first element.</param>
    /// <param name="shape">View sizes.</param>
    /// <param name="stride">View strides, in elements.</param>
    /// <param name="storageName">Name of the storage for messages, e.g. <c>data/3</c>.</param>
    /// <exception cref="PickleFormatException">The view is malformed or reaches past the storage.</exception>
    public static byte[] Materialize(ReadOnlySpan<byte> storage, int elementSize, long storageOffset,
        long[] shape, long[] stride, string storageName)
    {
        string view = $"shape {CheckpointTensor.FormatShape(shape)}, stride {CheckpointTensor.FormatShape(stride)}, storage offset {storageOffset}";
        if (shape.Length != stride.Length)
            throw new PickleFormatException($"tensor on storage {storageName} has {view}: shape and stride lengths differ");
        if (storageOffset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
            throw new PickleFormatException($"tensor on storage {storageName} has {view}: negative values are not allowed");

        long elementCount;
        long lastIndex = storageOffset;
        try
        {
            elementCount = CheckpointTensor.CountElements(shape);
            for (int d = 0; d < shape.Length; d++)
                if (shape[d] > 0) lastIndex = checked(lastIndex + (shape[d] - 1) * stride[d]);
        }
        catch (OverflowException)
        {
            throw new PickleFormatException($"tensor on storage {storageName} has {view}: sizes overflow");
        }
        if (elementCount == 0) return Array.Empty<byte>();

        long storageElements = storage.Length / elementSize;
        if (lastIndex >= storageElements)
            throw new PickleFormatException(
                $"storage {storageName} is too small ({storageElements} elements) for a tensor with {view} (needs {lastIndex + 1})");
        if (elementCount > Array.MaxLength / elementSize)
            throw new PickleFormatException($"tensor on storage {storageName} with {view} is too large to load");

        var result = new byte[elementCount * elementSize];
        if (IsRowMajor(shape, stride))
        {
            storage.Slice((int)(storageOffset * elementSize), result.Length).CopyTo(result);
            return result;
        }
        CopyStrided(storage, elementSize, storageOffset, shape, stride, result);
        return result;
    }

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
    private static void CopyStrided(ReadOnlySpan<byte> storage, int elementSize, long storageOffset,
        long[] shape, long[] stride, Span<byte> destination)
    {
        int rank = shape.Length;  // >= 1 here: a scalar is always row-major
        long rowLength = shape[rank - 1];
        long rowStride = stride[rank - 1];
        var outerIndex = new long[rank - 1];
        int written = 0;
        long rows = destination.Length / elementSize / rowLength;
        for (long row = 0; row < rows; row++)
        {
            long start = storageOffset;
            for (int d = 0; d < rank - 1; d++) start += outerIndex[d] * stride[d];

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
                if (++outerIndex[d] < shape[d]) break;
                outerIndex[d] = 0;
            }
        }
    }
}
