using System.Globalization;
using System.Text.RegularExpressions;
using SwinBench.Model;

namespace SwinBench.Checkpoints;

/// <summary>
/// The SwinIR constructor arguments a checkpoint's tensor shapes imply, read from the official key names: embed_dim and
/// in_chans from <c>conv_first.weight</c>, depths from the blocks of each <c>layers.i</c>, num_heads and window_size from
/// each stage's relative position bias table, mlp_ratio from <c>mlp.fc1</c>, resi_connection from <c>layers.0.conv</c>,
/// the upsampler and scale from the upsampling convolutions, img_size from a stored attention mask when there is one.
/// img_range is not stored in weights: 1.0 is assumed (the JPEG models use 255).
/// </summary>
public static partial class CheckpointArchitecture
{
    /// <summary>The config the shapes imply, or null when the keys are not those of an official SwinIR state dict.</summary>
    public static SwinIRConfig? Infer(IReadOnlyDictionary<string, long[]> shapes)
    {
        if (!shapes.TryGetValue("conv_first.weight", out var first) || first.Length != 4) return null;
        var (embed, inChans) = ((int)first[0], (int)first[1]);
        var blocks = new SortedDictionary<int, int>();
        foreach (var key in shapes.Keys)
            if (BlockKey().Match(key) is { Success: true } m)
            {
                var (stage, block) = (Int(m.Groups[1].Value), Int(m.Groups[2].Value));
                blocks[stage] = Math.Max(blocks.GetValueOrDefault(stage), block + 1);
            }
        if (blocks.Count == 0 || blocks.Keys.Max() != blocks.Count - 1) return null;

        var heads = new int[blocks.Count];
        var window = 0;
        for (var i = 0; i < heads.Length; i++)
        {
            if (!shapes.TryGetValue($"layers.{i}.residual_group.blocks.0.attn.relative_position_bias_table", out var table) || table.Length != 2) return null;
            heads[i] = (int)table[1];
            window = (int)Math.Round((Math.Sqrt(table[0]) + 1) / 2);
        }
        var mlpRatio = shapes.TryGetValue("layers.0.residual_group.blocks.0.mlp.fc1.weight", out var fc1) ? (double)fc1[0] / embed : 2.0;
        var resi = shapes.ContainsKey("layers.0.conv.0.weight") ? "3conv" : "1conv";
        var (upsampler, upscale) = Upsampling(shapes, inChans);
        var imgSize = 64;
        if (shapes.TryGetValue("layers.0.residual_group.blocks.1.attn_mask", out var mask) && mask.Length == 3 && window > 0)
            imgSize = (int)Math.Round(Math.Sqrt(mask[0])) * window;
        return new SwinIRConfig
        {
            Upscale = upscale, InChans = inChans, ImgSize = imgSize, WindowSize = window, ImgRange = 1.0,
            Depths = [.. blocks.Values], EmbedDim = embed, NumHeads = heads, MlpRatio = mlpRatio,
            Upsampler = upsampler, ResiConnection = resi,
        };
    }

    /// <summary>The upsampler and scale: nearest+conv has conv_up1; pixelshuffle has conv_before_upsample and one
    /// convolution per x2 step (one with 9 × num_feat outputs for x3); pixelshuffledirect one convolution with
    /// scale² × in_chans outputs; none of them means no upsampler (scale 1).</summary>
    private static (string Upsampler, int Upscale) Upsampling(IReadOnlyDictionary<string, long[]> shapes, int inChans)
    {
        if (shapes.ContainsKey("conv_up1.weight")) return ("nearest+conv", 4);
        if (!shapes.TryGetValue("upsample.0.weight", out var up) || up.Length != 4) return ("", 1);
        if (shapes.ContainsKey("conv_before_upsample.0.weight"))
        {
            if (up[0] == 9 * SwinIRConfig.NumFeat) return ("pixelshuffle", 3);
            var steps = shapes.Keys.Count(k => UpsampleConv().IsMatch(k));
            return ("pixelshuffle", 1 << steps);
        }
        return ("pixelshuffledirect", (int)Math.Round(Math.Sqrt((double)up[0] / inChans)));
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^layers\.(\d+)\.residual_group\.blocks\.(\d+)\.norm1\.weight$")]
    private static partial Regex BlockKey();

    [GeneratedRegex(@"^upsample\.\d+\.weight$")]
    private static partial Regex UpsampleConv();
}
