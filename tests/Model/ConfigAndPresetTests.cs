using System.Text.Json;
using SwinBench.Model;

namespace SwinBench.Tests.Model;

public class ConfigAndPresetTests
{
    [Fact]
    public void Config_json_uses_the_official_keys_and_round_trips()
    {
        var m = Golden.Model("tiny_classical_x2_3conv");
        var json = m.Config.ToJson();
        using var doc = JsonDocument.Parse(json);
        var keys = doc.RootElement.EnumerateObject().Select(p => p.Name).OrderBy(k => k).ToArray();
        Assert.Equal(new[] { "depths", "embed_dim", "img_range", "img_size", "in_chans", "mlp_ratio", "num_heads", "resi_connection", "upsampler", "upscale", "window_size" }, keys);
        Assert.Equal(m.Config, SwinIRConfig.FromJson(json));
        Assert.Equal("3conv", m.Config.ResiConnection);
    }

    [Theory]
    [InlineData("""{"upscale":2,"in_chans":3,"img_size":64,"window_size":8,"img_range":1.0,"depths":[6,6],"embed_dim":60,"num_heads":[6],"mlp_ratio":2,"upsampler":"pixelshuffledirect","resi_connection":"1conv"}""", "num_heads")]
    [InlineData("""{"upscale":2,"in_chans":3,"img_size":64,"window_size":8,"img_range":1.0,"depths":[6],"embed_dim":60,"num_heads":[7],"mlp_ratio":2,"upsampler":"pixelshuffledirect","resi_connection":"1conv"}""", "divisible")]
    [InlineData("""{"upscale":2,"upsampler":"bilinear"}""", "upsampler 'bilinear'")]
    [InlineData("""{"upscale":5,"upsampler":"pixelshuffle"}""", "upscale 5")]
    [InlineData("""{"upscale":2,"resi_connection":"2conv"}""", "resi_connection '2conv'")]
    [InlineData("""{"upscale":2,"windowsize":8}""", "windowsize")]
    [InlineData("""{"upscale":2,"img_range":0}""", "img_range")]
    public void Bad_configs_name_the_key(string json, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => SwinIRConfig.FromJson(json, "cfg.json"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("cfg.json", e.Message);
    }

    [Fact]
    public void Presets_cover_every_official_inference_model()
    {
        var names = Presets.All.Select(p => p.Name).ToHashSet();
        foreach (var n in new[] { "classical-x2", "classical-x3", "classical-x4", "classical-x8", "lightweight-x2", "lightweight-x3",
                     "lightweight-x4", "realsr-x4", "realsr-x4-large", "gray-dn", "color-dn", "gray-jpeg", "color-jpeg" })
            Assert.Contains(n, names);
        Assert.Equal(8, Presets.Get("classical-x2").Config.WindowSize);
        Assert.Equal(7, Presets.Get("color-jpeg").Config.WindowSize);
        Assert.Equal(255.0, Presets.Get("gray-jpeg").Config.ImgRange);
        Assert.Equal(126, Presets.Get("gray-jpeg").Config.ImgSize);
        Assert.Equal("params_ema", Presets.Get("realsr-x4").WrapKey);
        var e = Assert.Throws<ConfigException>(() => Presets.Get("classical-x5"));
        Assert.Contains("classical-x2", e.Message);
    }

    [Fact]
    public void Lightweight_x2_preset_has_the_parameters_of_the_official_swinir_s()
    {
        // The golden full-size SwinIR-S x2 checkpoint holds exactly the parameters of the preset's architecture.
        var golden = Golden.Model("lightweight_x2_full");
        var preset = Presets.Get("lightweight-x2").Config;
        Assert.Equal(preset with { ImgSize = golden.Config.ImgSize }, golden.Config);
        using var m = new SwinIR(preset);
        var sd = SwinBench.Checkpoints.Checkpoint.Load(golden.Checkpoint, golden.WrapKey);
        var paramCount = sd.Where(kv => !ModelFactory.IsDerivedBuffer(kv.Key))
            .Sum(kv => kv.Value.Shape.Aggregate(1L, (a, b) => a * b));
        Assert.Equal(paramCount, m.ParameterCount);
    }

    [Fact]
    public void Config_files_are_plain_configs_index_entries_or_an_index_with_a_picked_entry()
    {
        using var tmp = new TempDir();
        var m = Golden.Model("tiny_lightweight_x2");
        var plain = tmp.File("plain.json");
        File.WriteAllText(plain, m.Config.ToJson());
        Assert.Equal(new ConfigFile(m.Config, "plain", null), ConfigFile.Load(plain));

        var entry = tmp.File("entry.json");
        File.WriteAllText(entry, $$"""{"config": {{m.Config.ToJson()}}, "wrap_key": "params_ema"}""");
        Assert.Equal(new ConfigFile(m.Config, "entry", "params_ema"), ConfigFile.Load(entry));

        var index = Path.Combine(Golden.Dir, "index.json");
        Assert.Equal(new ConfigFile(m.Config, m.Name, m.WrapKey), ConfigFile.Load($"{index}#{m.Name}"));
        var single = tmp.File("one.json");
        File.WriteAllText(single, $$$"""{"_about": "one model", "mine": {"config": {{{m.Config.ToJson()}}}}}""");
        Assert.Equal(new ConfigFile(m.Config, "mine", null), ConfigFile.Load(single));
    }

    [Theory]
    [InlineData("index.json", "is an index of 5 configs (tiny_classical_x4, tiny_lightweight_x2, tiny_color_dn, tiny_classical_x2_3conv, lightweight_x2_full): pick one with --config")]
    [InlineData("index.json#nope", "has no config 'nope'; it has tiny_classical_x4")]
    [InlineData("tiny_lightweight_x2.pth", "not valid JSON")]
    [InlineData("missing.json", "config file not found")]
    [InlineData("", "is a folder")]
    public void Config_file_errors_name_the_file_and_the_choice(string file, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigFile.Load(Path.Combine(Golden.Dir, file)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_plain_config_file_refuses_an_entry_name()
    {
        using var tmp = new TempDir();
        var plain = tmp.File("plain.json");
        File.WriteAllText(plain, Presets.Get("lightweight-x2").Config.ToJson());
        Assert.Contains("is one config, not an index: drop '#x'", Assert.Throws<ConfigException>(() => ConfigFile.Load(plain + "#x")).Message);
    }
}
