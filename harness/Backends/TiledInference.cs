using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary>
/// Tiled inference like the official test script: overlapping tile×tile crops (stride tile − overlap, the last tile
/// flush with the border), each output added into an accumulator and averaged where tiles overlap.
/// A tile at least as large as both sides runs the image whole, giving the untiled result.
/// </summary>
public static class TiledInference
{
    /// <summary>
    /// Checks a tile size and overlap: the tile 0 (the whole image) or a positive multiple of the window size (as the
    /// official test script requires), the overlap in [0, tile). Throws <see cref="ArgumentException"/> naming the value.
    /// </summary>
    public static void Validate(int tile, int overlap, int windowSize)
    {
        if (tile < 0) throw new ArgumentException($"--tile must be positive (or 0 for the whole image), got {tile}");
        if (overlap < 0) throw new ArgumentException($"--tile-overlap must be >= 0, got {overlap}");
        if (tile == 0) return;
        if (tile % windowSize != 0) throw new ArgumentException($"--tile {tile} must be a multiple of the window size {windowSize}");
        if (overlap >= tile) throw new ArgumentException($"--tile-overlap {overlap} must be in [0, tile) = [0, {tile})");
    }

    /// <summary>The (height, width) of every crop of an h × w image (the last crops are flush with the border, so all are equal).</summary>
    public static (int Height, int Width) TileShape(int h, int w, int tile) => tile <= 0 ? (h, w) : (Math.Min(tile, h), Math.Min(tile, w));

    /// <summary>How many crops <see cref="Run"/> makes of an h × w image (1 when the tile covers it).</summary>
    public static int TileCount(int h, int w, int tile, int overlap)
    {
        if (tile <= 0 || (tile >= h && tile >= w)) return 1;
        var (th, tw) = TileShape(h, w, tile);
        return Starts(h, th, Math.Max(1, th - overlap)).Count * Starts(w, tw, Math.Max(1, tw - overlap)).Count;
    }

    /// <param name="run">The model on one crop: (N, C, h, w) → (N, C, h·scale, w·scale).</param>
    /// <param name="progress">Called after each crop with (crops done, crops in all).</param>
    public static Tensor Run(Func<Tensor, Tensor> run, Tensor x, int tile, int overlap, int scale, Action<int, int>? progress = null)
    {
        var (n, h, w) = (x.shape[0], (int)x.shape[2], (int)x.shape[3]);
        if (tile <= 0 || (tile >= h && tile >= w))
        {
            var whole = run(x);
            progress?.Invoke(1, 1);
            return whole;
        }
        using var scope = NewDisposeScope();
        var (th, tw) = TileShape(h, w, tile);
        var rows = Starts(h, th, Math.Max(1, th - overlap));
        var cols = Starts(w, tw, Math.Max(1, tw - overlap));
        var (done, total) = (0, rows.Count * cols.Count);
        Tensor? acc = null, weight = null;
        foreach (var r in rows)
        foreach (var c in cols)
        {
            using var inner = NewDisposeScope();
            var patch = run(x[.., .., r..(r + th), c..(c + tw)]);
            progress?.Invoke(++done, total);
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
