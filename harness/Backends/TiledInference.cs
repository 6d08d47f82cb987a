using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary>
/// Tiled inference like the official test script: overlapping tile×tile crops (stride tile − overlap, the last tile
/// flush with the border), each output added into an accumulator and averaged where tiles overlap.
/// A tile at least as large as both sides runs the image whole, giving the untiled result.
/// </summary>
public static class TiledInference
{
    public static void Validate(int tile, int overlap, int windowSize)
    {
        if (tile <= 0) throw new ArgumentException($"--tile must be positive, got {tile}");
        if (tile % windowSize != 0) throw new ArgumentException($"--tile {tile} must be a multiple of the window size {windowSize}");
        if (overlap < 0 || overlap >= tile) throw new ArgumentException($"--tile-overlap {overlap} must be in [0, tile) = [0, {tile})");
    }

    /// <param name="run">The model on one crop: (N, C, h, w) → (N, C, h·scale, w·scale).</param>
    public static Tensor Run(Func<Tensor, Tensor> run, Tensor x, int tile, int overlap, int scale)
    {
        var (n, h, w) = (x.shape[0], (int)x.shape[2], (int)x.shape[3]);
        if (tile >= h && tile >= w) return run(x);
        using var scope = NewDisposeScope();
        int th = Math.Min(tile, h), tw = Math.Min(tile, w);
        var rows = Starts(h, th, Math.Max(1, th - overlap));
        var cols = Starts(w, tw, Math.Max(1, tw - overlap));
        Tensor? acc = null, weight = null;
        foreach (var r in rows)
        foreach (var c in cols)
        {
            using var inner = NewDisposeScope();
            var patch = run(x[.., .., r..(r + th), c..(c + tw)]);
            acc ??= zeros([n, patch.shape[1], h * scale, w * scale], patch.dtype, patch.device).MoveToOuterDisposeScope();
            weight ??= zeros([1, 1, h * scale, w * scale], patch.dtype, patch.device).MoveToOuterDisposeScope();
            acc[.., .., (r * scale)..((r + th) * scale), (c * scale)..((c + tw) * scale)].add_(patch);
            weight[.., .., (r * scale)..((r + th) * scale), (c * scale)..((c + tw) * scale)].add_(1);
        }
        return acc!.div_(weight!).MoveToOuterDisposeScope();
    }

    /// <summary>range(0, size − tile, stride) + [size − tile].</summary>
    internal static List<int> Starts(int size, int tile, int stride)
    {
        var list = new List<int>();
        for (var i = 0; i < size - tile; i += stride) list.Add(i);
        list.Add(size - tile);
        return list;
    }
}
