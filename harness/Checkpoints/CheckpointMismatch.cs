namespace SwinBench.Checkpoints;

/// <summary>
/// What did not fit when a checkpoint was loaded into a model: model keys the file lacks, file keys the model lacks,
/// keys whose shapes differ, and the shape of every tensor in the file (so a caller can tell what the file holds).
/// </summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Missing">Model keys absent from the file.</param>
/// <param name="Unexpected">File keys unknown to the model.</param>
/// <param name="ShapeMismatches">One entry per key of both with different shapes: <c>key checkpoint [a,b] vs model [c,d]</c>.</param>
/// <param name="FileShapes">Every tensor of the file by key.</param>
public sealed record CheckpointMismatch(
    string Path,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> ShapeMismatches,
    IReadOnlyDictionary<string, long[]> FileShapes)
{
    /// <summary>How many entries of each list the one-line summary quotes.</summary>
    public const int Examples = 3;

    /// <summary>
    /// One line: the file and, per kind of problem, the count and up to <see cref="Examples"/> keys, e.g.
    /// <c>checkpoint F does not match the model: 120 missing keys (a, b, c, …); 1 unexpected key (d)</c>.
    /// </summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>();
            if (Missing.Count > 0) parts.Add(Count(Missing, "missing key"));
            if (Unexpected.Count > 0) parts.Add(Count(Unexpected, "unexpected key"));
            if (ShapeMismatches.Count > 0) parts.Add(Count(ShapeMismatches, "shape mismatch", "es"));
            return $"checkpoint {Path} does not match the model: {string.Join("; ", parts)}";
        }
    }

    private static string Count(IReadOnlyList<string> items, string what, string plural = "s") =>
        $"{items.Count} {what}{(items.Count == 1 ? "" : plural)} ({string.Join(", ", items.Take(Examples))}{(items.Count > Examples ? ", …" : "")})";
}
