using System.Text.Json;
using SwinBench.Model;

namespace SwinBench.Fixtures;

/// <summary>One input/output pair of a golden model (float32 NCHW .npy files).</summary>
public sealed record GoldenCase(string Input, string Output, int H, int W, long[] OutShape);

/// <summary>A golden model: official config, checkpoint file, wrap key, and cases.</summary>
public sealed record GoldenModel(string Name, SwinIRConfig Config, string? WrapKey, string Checkpoint, IReadOnlyList<GoldenCase> Cases);

/// <summary>Reads <c>golden/index.json</c>: outputs of the official SwinIR code for saved random weights.</summary>
public static class GoldenIndex
{
    public static IReadOnlyList<GoldenModel> Load(string dir)
    {
        var path = Path.Combine(dir, "index.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"golden index not found: {path}");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var models = new List<GoldenModel>();
        foreach (var m in doc.RootElement.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.Object) continue; // e.g. "_about"
            var (config, _, wrap) = ConfigFile.FromEntry(m.Value, m.Name, $"{path}#{m.Name}");
            var cases = m.Value.GetProperty("cases").EnumerateArray().Select(c => new GoldenCase(
                Path.Combine(dir, c.GetProperty("input").GetString()!),
                Path.Combine(dir, c.GetProperty("output").GetString()!),
                c.GetProperty("H").GetInt32(), c.GetProperty("W").GetInt32(),
                c.GetProperty("out_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray())).ToList();
            models.Add(new GoldenModel(m.Name, config, wrap, Path.Combine(dir, m.Name + ".pth"), cases));
        }
        return models;
    }
}
