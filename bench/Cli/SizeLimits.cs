namespace SwinBench.Cli;

/// <summary>
/// The largest input a verb accepts from the command line (<c>--size</c>, <c>--extra-size</c>): each side at most
/// <see cref="MaxSide"/> pixels and at most <see cref="MaxPixels"/> pixels in all, so a typo cannot start an unbounded
/// allocation. 8192 × 4096 is the largest input, 5792 × 5792 the largest square.
/// </summary>
public static class SizeLimits
{
    public const int MaxSide = 8192;
    public const long MaxPixels = 1L << 25;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="option"/> and the bound when h × w is out of range.</summary>
    public static void Check(string option, int h, int w)
    {
        if (h <= 0 || w <= 0) throw new ArgumentException($"{option} {h}x{w}: both sides must be positive");
        if (h > MaxSide || w > MaxSide || (long)h * w > MaxPixels)
            throw new ArgumentException($"{option} {h}x{w} is too large: each side must be <= {MaxSide} and H*W <= {MaxPixels} (2^25) pixels");
    }
}
