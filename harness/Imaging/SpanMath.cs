using System.Numerics;

namespace SwinBench.Imaging;

/// <summary>Small vectorised kernels shared by the resize and metric code.</summary>
internal static class SpanMath
{
    /// <summary>
    /// dst[i] += k * src[i] for every i. Each element is computed with the same two roundings
    /// (multiply, then add) whether or not SIMD is used, so results do not depend on the hardware.
    /// </summary>
    public static void AddScaled(Span<double> dst, ReadOnlySpan<double> src, double k)
    {
        if (src.Length != dst.Length) throw new ArgumentException("Span lengths differ.");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<double>.Count;
            var kv = new Vector<double>(k);
            for (; i <= dst.Length - lanes; i += lanes)
            {
                var acc = new Vector<double>(dst.Slice(i)) + kv * new Vector<double>(src.Slice(i));
                acc.CopyTo(dst.Slice(i));
            }
        }
        for (; i < dst.Length; i++) dst[i] += k * src[i];
    }
}
