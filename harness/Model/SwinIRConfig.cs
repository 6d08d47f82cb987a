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

    /// <summary>Reads a JSON config file; the file may be the config itself or an object with a "config" member (a fixture index entry).</summary>
    public static SwinIRConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"config file not found: {path}");
        var text = File.ReadAllText(path);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("config", out var inner))
                text = inner.GetRawText();
        }
        catch (JsonException e) { throw new ConfigException($"{path}: not valid JSON: {e.Message}"); }
        return FromJson(text, path);
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public override string ToString() =>
        $"embed {EmbedDim}, depths [{string.Join(",", Depths)}], heads [{string.Join(",", NumHeads)}], window {WindowSize}, " +
        $"x{Upscale} {(Upsampler.Length == 0 ? "no upsampler" : Upsampler)}, {ResiConnection}, in_chans {InChans}";

    public bool Equals(SwinIRConfig? other) => other is not null && ToJson() == other.ToJson();
    public override int GetHashCode() => ToJson().GetHashCode();
}

/// <summary>A bad model configuration; the message names the key.</summary>
public sealed class ConfigException(string message) : Exception(message);
