using System.Text.Json;
using System.Text.Json.Serialization;

namespace SwinBench.Model;

/// <summary>
/// The official SwinIR constructor arguments, with the official JSON key names
/// (<c>upscale, in_chans, img_size, window_size, img_range, depths, embed_dim, num_heads, mlp_ratio,
/// upsampler, resi_connection</c>), exactly as in the golden fixtures' <c>index.json</c>.
/// </summary>
public sealed record SwinIRConfig
{
    [JsonPropertyName("upscale")] public int Upscale { get; init; } = 2;
    [JsonPropertyName("in_chans")] public int InChans { get; init; } = 3;
    [JsonPropertyName("img_size")] public int ImgSize { get; init; } = 64;
    [JsonPropertyName("window_size")] public int WindowSize { get; init; } = 8;
    [JsonPropertyName("img_range")] public double ImgRange { get; init; } = 1.0;
    [JsonPropertyName("depths")] public int[] Depths { get; init; } = [6, 6, 6, 6];
    [JsonPropertyName("embed_dim")] public int EmbedDim { get; init; } = 60;
    [JsonPropertyName("num_heads")] public int[] NumHeads { get; init; } = [6, 6, 6, 6];
    [JsonPropertyName("mlp_ratio")] public double MlpRatio { get; init; } = 2.0;
    [JsonPropertyName("upsampler")] public string Upsampler { get; init; } = "";
    [JsonPropertyName("resi_connection")] public string ResiConnection { get; init; } = "1conv";

    /// <summary>Upsampler names of the official code (<c>""</c> = none: denoising / JPEG with the global residual).</summary>
    public static readonly IReadOnlyList<string> Upsamplers = ["pixelshuffle", "pixelshuffledirect", "nearest+conv", ""];
    public static readonly IReadOnlyList<string> ResiConnections = ["1conv", "3conv"];

    /// <summary>Feature width of the upsampling heads (<c>num_feat</c> in the official code).</summary>
    public const int NumFeat = 64;

    /// <summary>Output scale of the network (1 when there is no upsampler).</summary>
    [JsonIgnore] public int OutputScale => Upsampler.Length == 0 ? 1 : Upscale;

    /// <summary>Checks every key; throws <see cref="ConfigException"/> naming the first bad key.</summary>
    public SwinIRConfig Validate()
    {
        if (InChans is < 1) throw new ConfigException($"in_chans must be >= 1, got {InChans}");
        if (ImgSize < 1) throw new ConfigException($"img_size must be >= 1, got {ImgSize}");
        if (WindowSize < 1) throw new ConfigException($"window_size must be >= 1, got {WindowSize}");
        if (!(ImgRange > 0) || double.IsInfinity(ImgRange)) throw new ConfigException($"img_range must be a positive number, got {ImgRange}");
        if (Depths is null || Depths.Length == 0) throw new ConfigException("depths must list at least one stage");
        if (NumHeads is null || NumHeads.Length != Depths.Length)
            throw new ConfigException($"num_heads has {NumHeads?.Length ?? 0} entries but depths has {Depths.Length}; they must match");
        if (Depths.Any(d => d < 1)) throw new ConfigException($"every depth must be >= 1, got [{string.Join(", ", Depths)}]");
        if (EmbedDim < 1) throw new ConfigException($"embed_dim must be >= 1, got {EmbedDim}");
        foreach (var h in NumHeads)
            if (h < 1 || EmbedDim % h != 0)
                throw new ConfigException($"embed_dim {EmbedDim} must be divisible by every num_heads entry, got {h}");
        if (!(MlpRatio > 0)) throw new ConfigException($"mlp_ratio must be > 0, got {MlpRatio}");
        if (!Upsamplers.Contains(Upsampler))
            throw new ConfigException($"upsampler '{Upsampler}' is not one of: pixelshuffle, pixelshuffledirect, nearest+conv, \"\" (none)");
        if (!ResiConnections.Contains(ResiConnection))
            throw new ConfigException($"resi_connection '{ResiConnection}' is not one of: 1conv, 3conv");
        if (ResiConnection == "3conv" && EmbedDim % 4 != 0)
            throw new ConfigException($"resi_connection 3conv needs embed_dim divisible by 4, got {EmbedDim}");
        if (Upscale < 1) throw new ConfigException($"upscale must be >= 1, got {Upscale}");
        switch (Upsampler)
        {
            case "pixelshuffle" when !(IsPowerOfTwo(Upscale) || Upscale == 3):
                throw new ConfigException($"upscale {Upscale} is not supported by pixelshuffle (2^n or 3)");
            case "nearest+conv" when Upscale != 4:
                throw new ConfigException($"upscale {Upscale} is not supported by nearest+conv (x4 only, as in the official code)");
        }
        return this;
    }

    private static bool IsPowerOfTwo(int v) => v > 0 && (v & (v - 1)) == 0;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly JsonSerializerOptions CompactJsonOptions = new(JsonOptions) { WriteIndented = false };

    /// <summary>Parses a config from JSON text (official keys); unknown keys are rejected by name.</summary>
    public static SwinIRConfig FromJson(string json, string source = "config")
    {
        SwinIRConfig? cfg;
        try { cfg = JsonSerializer.Deserialize<SwinIRConfig>(json, JsonOptions); }
        catch (JsonException e) { throw new ConfigException($"{source}: {e.Message}"); }
        if (cfg is null) throw new ConfigException($"{source}: empty config");
        try { return cfg.Validate(); }
        catch (ConfigException e) { throw new ConfigException($"{source}: {e.Message}"); }
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The config as JSON on one line.</summary>
    public string ToCompactJson() => JsonSerializer.Serialize(this, CompactJsonOptions);

    public override string ToString() =>
        $"embed {EmbedDim}, depths [{string.Join(",", Depths)}], heads [{string.Join(",", NumHeads)}], window {WindowSize}, " +
        $"x{Upscale} {(Upsampler.Length == 0 ? "no upsampler" : Upsampler)}, {ResiConnection}, in_chans {InChans}";

    public bool Equals(SwinIRConfig? other) => other is not null && ToJson() == other.ToJson();
    public override int GetHashCode() => ToJson().GetHashCode();
}

/// <summary>
/// A model config named on the command line (<c>--config</c>): a JSON file holding the SwinIR constructor arguments
/// (<see cref="SwinIRConfig"/>'s official keys), one index entry (an object with <c>config</c> and optionally
/// <c>wrap_key</c>), or an index of such entries by name, such as the golden fixtures' <c>index.json</c>, where
/// <c>FILE#NAME</c> picks one (the only entry needs no name).
/// </summary>
/// <param name="Config">The validated config.</param>
/// <param name="Name">The entry's name, or the file name without extension.</param>
/// <param name="WrapKey">The entry's <c>wrap_key</c>, or null.</param>
public sealed record ConfigFile(SwinIRConfig Config, string Name, string? WrapKey)
{
    /// <summary>Reads <c>FILE</c> or <c>FILE#NAME</c>; every problem is a <see cref="ConfigException"/> naming the file and entry.</summary>
    public static ConfigFile Load(string spec)
    {
        var (path, entry) = Split(spec);
        if (Directory.Exists(path)) throw new ConfigException($"--config {path} is a folder; give a JSON config file");
        if (!File.Exists(path)) throw new ConfigException($"config file not found: {path}");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new ConfigException($"{path}: not valid JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ConfigException($"{path}: expected a JSON object, found {root.ValueKind}");
            var stem = Path.GetFileNameWithoutExtension(path);
            if (root.TryGetProperty("config", out _) || !IsIndex(root))
            {
                if (entry is not null) throw new ConfigException($"{path} is one config, not an index: drop '#{entry}'");
                return root.TryGetProperty("config", out _) ? FromEntry(root, stem, path) : new(SwinIRConfig.FromJson(root.GetRawText(), path), stem, null);
            }
            var names = root.EnumerateObject().Where(p => IsEntry(p.Value)).Select(p => p.Name).ToList();
            if (entry is null && names.Count == 1) entry = names[0];
            if (entry is null)
                throw new ConfigException($"{path} is an index of {names.Count} configs ({string.Join(", ", names)}): pick one with --config {path}#{names[0]}");
            if (!root.TryGetProperty(entry, out var e) || !IsEntry(e))
                throw new ConfigException($"{path} has no config '{entry}'; it has {string.Join(", ", names)}");
            return FromEntry(e, entry, $"{path}#{entry}");
        }
    }

    /// <summary>An index entry: its <c>config</c> and <c>wrap_key</c> (<paramref name="source"/> names it in errors).</summary>
    public static ConfigFile FromEntry(JsonElement entry, string name, string source)
    {
        var config = SwinIRConfig.FromJson(entry.GetProperty("config").GetRawText(), source);
        var wrap = entry.TryGetProperty("wrap_key", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;
        return new ConfigFile(config, name, wrap);
    }

    private static bool IsEntry(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object;

    /// <summary>An object whose object members are all entries (other members, such as a note string, are allowed).</summary>
    private static bool IsIndex(JsonElement root)
    {
        var objects = root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).ToList();
        return objects.Count > 0 && objects.All(p => IsEntry(p.Value));
    }

    private static (string Path, string? Entry) Split(string spec)
    {
        var hash = spec.LastIndexOf('#');
        if (File.Exists(spec) || hash <= 0) return (Path.GetFullPath(spec), null);
        return (Path.GetFullPath(spec[..hash]), spec[(hash + 1)..]);
    }
}

/// <summary>A bad model configuration; the message names the key.</summary>
public sealed class ConfigException(string message) : Exception(message);
