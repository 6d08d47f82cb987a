using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>Window partition/reverse, the shifted-window mask and the relative position index of the Swin blocks.</summary>
public static class WindowOps
{
    /// <summary>(B, H, W, C) → (B·nW, ws, ws, C).</summary>
    public static Tensor Partition(Tensor x, long ws)
    {
        var (b, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        return x.view(b, h / ws, ws, w / ws, ws, c).permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, c);
    }

    /// <summary>(B·nW, ws, ws, C) → (B, H, W, C).</summary>
    public static Tensor Reverse(Tensor windows, long ws, long h, long w)
    {
        var b = windows.shape[0] / (h * w / ws / ws);
        return windows.view(b, h / ws, w / ws, ws, ws, -1).permute(0, 1, 3, 2, 4, 5).contiguous().view(b, h, w, -1);
    }

    /// <summary>
    /// The additive attention mask of a shifted block for an (H, W) feature map: (nW, N, N) with 0 where two tokens
    /// of a window come from the same region of the rolled map and -100 elsewhere (the official construction:
    /// 3×3 regions split at -ws and -shift, window-partitioned region ids, pairwise difference).
    /// Built on the host in float32, as the official code does.
    /// </summary>
    public static Tensor ShiftedWindowMask(long h, long w, long ws, long shift)
    {
        using var scope = NewDisposeScope();
        var ids = new float[h * w];
        var cnt = 0f;
        foreach (var (h0, h1) in Regions(h, ws, shift))
        foreach (var (w0, w1) in Regions(w, ws, shift))
        {
            for (var i = h0; i < h1; i++)
                for (var j = w0; j < w1; j++)
                    ids[i * w + j] = cnt;
            cnt++;
        }
        var imgMask = tensor(ids).view(1, h, w, 1);
        var mw = Partition(imgMask, ws).view(-1, ws * ws);
        var diff = mw.unsqueeze(1) - mw.unsqueeze(2);
        var mask = diff.ne(0).to(ScalarType.Float32) * -100f;
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>The three [start, end) ranges of the official slices (0:-ws, -ws:-shift, -shift:).</summary>
    private static IEnumerable<(long, long)> Regions(long n, long ws, long shift)
    {
        yield return (0, Math.Max(0, n - ws));
        yield return (Math.Max(0, n - ws), Math.Max(0, n - shift));
        yield return (Math.Max(0, n - shift), n);
    }

    /// <summary>
    /// relative_position_index of a ws×ws window: (N, N) int64, entry (i, j) indexes the bias table row for the
    /// offset between tokens i and j: (dy + ws - 1) · (2ws - 1) + (dx + ws - 1).
    /// </summary>
    public static long[] RelativePositionIndex(int ws)
    {
        var n = ws * ws;
        var idx = new long[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                long dy = i / ws - j / ws + ws - 1, dx = i % ws - j % ws + ws - 1;
                idx[i * n + j] = dy * (2 * ws - 1) + dx;
            }
        return idx;
    }
}
