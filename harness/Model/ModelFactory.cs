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

    /// <summary>
    /// A model with the official initialization, made deterministic by seeding: Linear weights and relative position
    /// bias tables ~ truncated N(0, 0.02), Linear biases 0, LayerNorm 1/0, convolutions PyTorch's default
    /// (weight and bias ~ U(−1/√fan_in, 1/√fan_in)). Every draw comes from a generator of this call's own, never from
    /// libtorch's process-wide one, so other threads drawing random numbers meanwhile cannot change the weights.
    /// </summary>
    public static SwinIR CreateRandom(SwinIRConfig config, ModelOptions options, long seed)
    {
        Backends.CpuConvolutionCheck.Ensure();
        var model = new SwinIR(config, options);
        try
        {
            Initialize(model, new Generator(unchecked((ulong)seed)));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void Initialize(SwinIR model, Generator g)
    {
        using var _ = no_grad();
        var drawn = new HashSet<IntPtr>(); // native tensors: a module's parameter and named_parameters' are one tensor, two wrappers
        foreach (var (_, m) in model.named_modules())
        {
            switch (m)
            {
                case Linear linear:
                    drawn.Add(TruncNormal(linear.weight!, g).Handle);
                    if (linear.bias is { } lb) drawn.Add(nn.init.zeros_(lb).Handle);
                    break;
                case Conv2d conv:
                    var w = conv.weight!;
                    var bound = 1.0 / Math.Sqrt(w.shape[1] * w.shape[2] * w.shape[3]);
                    drawn.Add(w.uniform_(-bound, bound, generator: g).Handle);
                    if (conv.bias is { } cb) drawn.Add(cb.uniform_(-bound, bound, generator: g).Handle);
                    break;
                case LayerNorm or SwinLayerNorm:
                    foreach (var (name, p) in m.named_parameters(recurse: false))
                        drawn.Add((name == "weight" ? nn.init.ones_(p) : nn.init.zeros_(p)).Handle);
                    break;
            }
        }
        foreach (var (name, p) in model.named_parameters())
        {
            if (drawn.Contains(p.Handle)) continue;
            if (!name.EndsWith("relative_position_bias_table", StringComparison.Ordinal) && !name.EndsWith("absolute_pos_embed", StringComparison.Ordinal))
                throw new InvalidOperationException($"random init: no rule for parameter '{name}' {string.Join("x", p.shape)}");
            TruncNormal(p, g);
        }
    }

    /// <summary>
    /// PyTorch's <c>trunc_normal_(std=0.02)</c>: N(0, 0.02²) cut at ±2 (absolute, as its defaults a = −2, b = 2 are).
    /// Drawn with the tensor's own <c>normal_</c>: TorchSharp 0.107's <c>nn.init</c> functions ignore their generator,
    /// and its <c>trunc_normal_</c> fills the tensor with the standard deviation itself.
    /// </summary>
    private static Tensor TruncNormal(Tensor p, Generator g) => p.normal_(0, 0.02, generator: g).clamp_(-2, 2);
}
