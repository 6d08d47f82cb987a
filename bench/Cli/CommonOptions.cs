using System.CommandLine;
using SwinBench.Model;

namespace SwinBench.Cli;

/// <summary>Options of the verbs that build one model: which architecture (preset or config) and which weights.</summary>
public sealed class ModelSelection
{
    public Option<string?> Preset { get; } = new("--preset") { Description = "official model preset (see 'swinbench presets')" };
    public Option<string?> Config { get; } = new("--config")
    {
        Description = "JSON file with the SwinIR constructor keys (see 'presets NAME --json'), or an index of them such as " +
                      "tests/fixtures/golden/index.json, one entry picked as FILE#NAME",
    };
    public Option<FileInfo?> Weights { get; } = new("--weights") { Description = ".pth (zip format) or .safetensors; absent: seeded random init" };
    public Option<string?> WrapKey { get; } = new("--wrap-key") { Description = "state-dict key in the checkpoint (default: auto-detect params_ema/params/state_dict/none)" };
    public Option<long> Seed { get; } = new("--seed") { Description = "seed of the random init used without --weights", DefaultValueFactory = _ => 0 };

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { Preset, Config, Weights, WrapKey, Seed }) cmd.Options.Add(o);
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
        var file = ConfigFile.Load(config!);
        return (file.Config, file.Name, wrap ?? file.WrapKey);
    }

    /// <summary>The model spec of the chosen architecture and weights, for <see cref="Backends.SessionFactory"/>.</summary>
    public Backends.ModelSpec ResolveSpec(ParseResult r)
    {
        var (config, name, wrap) = ResolveConfig(r);
        return new Backends.ModelSpec(config, r.GetValue(Weights)?.FullName, wrap, r.GetValue(Seed), name);
    }
}

/// <summary>
/// The variant options every entry point takes (<c>infer</c>, <c>golden</c>, <c>accuracy</c>): backend, mask, precision,
/// LayerNorm, kernels and device. <see cref="Resolve"/> turns them into a <see cref="Variant"/> that
/// <see cref="Backends.SessionFactory"/> opens; no verb has its own session code.
/// </summary>
public sealed class VariantSelection(string mask = "perblock", string precision = "fp32")
{
    /// <summary>What the help says about the ONNX model of the ort and tensorrt backends (one place for every verb).</summary>
    public const string OnnxNote =
        "ort and tensorrt run the ONNX graph SwinBench exports for these options; it is built in memory on every run, never cached";

    public Option<string> Backend { get; } = new("--backend") { Description = $"torchsharp, ort or tensorrt ({OnnxNote})", DefaultValueFactory = _ => "torchsharp" };
    public Option<string> Mask { get; } = new("--mask") { Description = "perblock (official) or hoisted", DefaultValueFactory = _ => mask };
    public Option<string> Precision { get; } = new("--precision") { Description = "fp32 or fp16", DefaultValueFactory = _ => precision };
    public Option<string> LayerNorm { get; } = new("--layernorm") { Description = "fused, decomposed or fp32 (FP32-accumulating under fp16)", DefaultValueFactory = _ => "fused" };
    public Option<string> Kernels { get; } = new("--kernels")
    {
        Description = $"plugins-cu kernels: none, or a list of all (every per-op kernel), {string.Join(",", ModelOptions.KernelTokens.Select(k => k.Token))} (needs plugins-cu built)",
        DefaultValueFactory = _ => "none",
    };
    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { Backend, Mask, Precision, LayerNorm, Kernels, Device }) cmd.Options.Add(o);
    }

    public ModelOptions ResolveOptions(ParseResult r) => new()
    {
        Mask = ParseEnum(r.GetValue(Mask)!, "--mask", ("perblock", MaskMode.PerBlock), ("hoisted", MaskMode.Hoisted)),
        Precision = ParseEnum(r.GetValue(Precision)!, "--precision", ("fp32", Model.Precision.Fp32), ("fp16", Model.Precision.Fp16)),
        LayerNorm = ParseEnum(r.GetValue(LayerNorm)!, "--layernorm",
            ("fused", LayerNormMode.Fused), ("decomposed", LayerNormMode.Decomposed), ("fp32", LayerNormMode.Fp32Accumulate)),
        Kernels = ParseKernels(r.GetValue(Kernels)!),
    };

    /// <summary>The variant under test, named by its label (e.g. <c>ort:hoisted/fp32/ln-fused</c>).</summary>
    public Variant Resolve(ParseResult r)
    {
        var backend = ParseBackend(r.GetValue(Backend)!);
        var options = ResolveOptions(r);
        var probe = new Variant("", options, backend);
        return probe with { Name = probe.Label };
    }

    /// <summary>
    /// The variant and the <c>--device</c> value, checked before anything runs: a backend, device or kernel that cannot
    /// run here is a <see cref="Backends.BackendUnavailableException"/> saying which and why.
    /// </summary>
    public (Variant Variant, string Device) ResolveAvailable(ParseResult r)
    {
        var variant = Resolve(r);
        var device = r.GetValue(Device)!.Trim().ToLowerInvariant();
        Backends.SessionFactory.CheckAvailable(variant, device);
        return (variant, device);
    }

    private static Model.Backend ParseBackend(string text)
    {
        try
        {
            return Variant.ParseBackend(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--backend: {e.Message}");
        }
    }

    private static Model.Kernels ParseKernels(string text)
    {
        try
        {
            return ModelOptions.ParseKernels(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--kernels: {e.Message}");
        }
    }

    internal static T ParseEnum<T>(string value, string option, params (string Name, T Value)[] choices)
    {
        foreach (var (name, v) in choices)
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) return v;
        throw new ArgumentException($"{option} '{value}' is not one of: {string.Join(", ", choices.Select(c => c.Name))}");
    }
}
