using SwinBench.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>Where a model's weights came from, for logs and result files.</summary>
public sealed record WeightsSource(string Description, bool IsRandom);

/// <summary>Builds a <see cref="SwinIR"/> from a config and options, with official weights or a seeded random init.</summary>
public static class ModelFactory
{
    /// <summary>Checkpoint keys that official release files carry but the model derives itself.</summary>
    public static bool IsDerivedBuffer(string key) =>
        key.EndsWith(".attn_mask", StringComparison.Ordinal) || key.EndsWith(".relative_position_index", StringComparison.Ordinal);

    /// <summary>Builds the model and loads <paramref name="weightsPath"/> strictly (or initializes randomly from <paramref name="seed"/> when it is null).</summary>
    public static (SwinIR Model, WeightsSource Weights) Create(SwinIRConfig config, ModelOptions options, string? weightsPath, string? wrapKey = null, long seed = 0)
    {
        var model = CreateRandom(config, options, seed);
        if (weightsPath is null)
            return (model, new WeightsSource($"random init (seed {seed}); outputs are not meaningful restorations", true));
        try
        {
            var sd = Checkpoint.Load(weightsPath, wrapKey);
            var report = StateDictLoader.Load(model, sd, new LoadOptions { IgnoreExtra = IsDerivedBuffer });
            var wrap = sd.WrapKey is null ? "bare state dict" : $"key '{sd.WrapKey}'";
            return (model, new WeightsSource($"{Path.GetFileName(weightsPath)} ({wrap}, {report.LoadedCount} tensors)", false));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // libtorch's default generator is process-wide: seeding and every draw of one model happen under this lock, so two
    // threads creating models at once still get the weights of their own seeds.
    private static readonly object SeedLock = new();

    /// <summary>
    /// A model with the official initialization, made deterministic by seeding: Linear weights and relative position
    /// bias tables ~ truncated N(0, 0.02), Linear biases 0, LayerNorm 1/0, convolutions PyTorch's default.
    /// </summary>
    public static SwinIR CreateRandom(SwinIRConfig config, ModelOptions options, long seed)
    {
        Backends.CpuConvolutionCheck.Ensure();
        lock (SeedLock)
            return CreateSeeded(config, options, seed);
    }

    private static SwinIR CreateSeeded(SwinIRConfig config, ModelOptions options, long seed)
    {
        torch.random.manual_seed(seed);
        var model = new SwinIR(config, options);
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("relative_position_bias_table", StringComparison.Ordinal))
                nn.init.trunc_normal_(p, std: 0.02);
        }
        foreach (var m in model.modules())
        {
            if (m is Linear linear)
            {
                nn.init.trunc_normal_(linear.weight!, std: 0.02);
                if (linear.bias is not null) nn.init.zeros_(linear.bias);
            }
        }
        return model;
    }
}
