using System.CommandLine;
using SwinBench.Model;

namespace SwinBench.Cli;

/// <summary>Options shared by the verbs that build a model.</summary>
public sealed class ModelSelection
{
    public Option<string?> Preset { get; } = new("--preset") { Description = "official model preset (see 'swinbench presets')" };
    public Option<FileInfo?> Config { get; } = new("--config") { Description = "JSON file with the official SwinIR constructor keys" };
    public Option<FileInfo?> Weights { get; } = new("--weights") { Description = ".pth (zip format) or .safetensors; absent: seeded random init" };
    public Option<string?> WrapKey { get; } = new("--wrap-key") { Description = "state-dict key in the checkpoint (default: auto-detect params_ema/params/state_dict/none)" };
    public Option<long> Seed { get; } = new("--seed") { Description = "seed of the random init used without --weights", DefaultValueFactory = _ => 0 };
    public Option<string> Mask { get; } = new("--mask") { Description = "perblock (official) or hoisted", DefaultValueFactory = _ => "perblock" };
    public Option<string> Precision { get; } = new("--precision") { Description = "fp32 or fp16", DefaultValueFactory = _ => "fp32" };
    public Option<string> LayerNorm { get; } = new("--layernorm") { Description = "fused, decomposed or fp32", DefaultValueFactory = _ => "fused" };
    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
    public Option<string> Plugins { get; } = new("--plugins") { Description = "plugin kernels: none, all, or mask,lnroll,revadd,qkv,ln32,fattn,align (needs plugins-cu built)", DefaultValueFactory = _ => "none" };

    public void AddTo(System.CommandLine.Command cmd)
    {
        foreach (var o in new Option[] { Preset, Config, Weights, WrapKey, Seed, Mask, Precision, LayerNorm, Device, Plugins }) cmd.Options.Add(o);
    }

    public (SwinIRConfig Config, string Name, string? WrapKey) ResolveConfig(ParseResult r)
    {
        var preset = r.GetValue(Preset);
        var config = r.GetValue(Config);
        if ((preset is null) == (config is null))
            throw new ArgumentException("give exactly one of --preset NAME or --config FILE");
        var wrap = r.GetValue(WrapKey);
        if (preset is not null)
        {
            var p = Presets.Get(preset);
            return (p.Config, p.Name, wrap);
        }
        return (SwinIRConfig.Load(config!.FullName), Path.GetFileNameWithoutExtension(config.Name), wrap);
    }

    public ModelOptions ResolveOptions(ParseResult r) => new()
    {
        Mask = ParseEnum<MaskMode>(r.GetValue(Mask)!, "--mask", ("perblock", MaskMode.PerBlock), ("hoisted", MaskMode.Hoisted)),
        Precision = ParseEnum<Precision>(r.GetValue(Precision)!, "--precision", ("fp32", Model.Precision.Fp32), ("fp16", Model.Precision.Fp16)),
        LayerNorm = ParseEnum<LayerNormMode>(r.GetValue(LayerNorm)!, "--layernorm",
            ("fused", LayerNormMode.Fused), ("decomposed", LayerNormMode.Decomposed), ("fp32", LayerNormMode.Fp32Accumulate)),
        Kernels = ModelOptions.ParseKernels(r.GetValue(Plugins)!),
    };

    private static T ParseEnum<T>(string value, string option, params (string Name, T Value)[] choices)
    {
        foreach (var (name, v) in choices)
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) return v;
        throw new ArgumentException($"{option} '{value}' is not one of: {string.Join(", ", choices.Select(c => c.Name))}");
    }
}
