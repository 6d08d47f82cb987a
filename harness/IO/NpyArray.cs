namespace SwinBench.IO;

/// <summary>
/// A C-ordered (row-major) float32 array, as stored in a NumPy <c>.npy</c> file. <see cref="Data"/> holds
/// the product of <see cref="Shape"/> elements; an empty shape is a scalar with one element.
/// Two arrays are equal when their shapes and element values are equal.
/// </summary>
public sealed record NpyArray
{
    /// <summary>Creates an array; <paramref name="data"/> must hold exactly the number of elements <paramref name="shape"/> describes.</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the data length does not match the shape.</exception>
    public NpyArray(long[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException(
                $"shape ({string.Join(", ", shape)}) holds {count} elements but the data has {data.Length}", nameof(data));
        Shape = shape;
        Data = data;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public long[] Shape { get; }

    /// <summary>The elements in C (row-major) order.</summary>
    public float[] Data { get; }

    /// <summary>The element type of the file it was read from (<c>float32</c>, <c>float64</c>, <c>float16</c>, <c>uint8</c>, <c>uint16</c>); not part of equality.</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Deconstructs into shape and data, like a positional record.</summary>
    public void Deconstruct(out long[] shape, out float[] data)
    {
        shape = Shape;
        data = Data;
    }

    /// <summary>The number of elements a shape describes (1 for the scalar shape <c>()</c>).</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the count exceeds what one array can hold.</exception>
    public static long ElementCount(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException($"negative dimension {dim} in shape ({string.Join(", ", shape)})", nameof(shape));
            count = dim == 0 ? 0 : (count > Array.MaxLength / dim ? long.MaxValue : count * dim);
        }
        if (count > Array.MaxLength)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) has more elements than one array can hold", nameof(shape));
        return count;
    }

    /// <summary>Shapes and element values are equal (element comparison uses <see cref="float.Equals(float)"/>, so NaN equals NaN).</summary>
    public bool Equals(NpyArray? other) =>
        other is not null && Shape.AsSpan().SequenceEqual(other.Shape) && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long dim in Shape) hash.Add(dim);
        return hash.ToHashCode();
    }

    /// <summary>For example <c>NpyArray (1, 3, 13, 19) float32</c>.</summary>
    public override string ToString() => $"NpyArray ({string.Join(", ", Shape)}{(Shape.Length == 1 ? "," : "")}) float32";
}
