using System.Globalization;
using static TorchSharp.torch;

namespace SwinBench.IO;

/// <summary>
/// A model input read from a file (<see cref="ArrayFiles.ReadNchw"/>) and fitted to the model's input channels by the
/// rule every verb uses (<see cref="ImageOps.ToChannels"/>), with one line per thing the reader noticed: a channel
/// conversion, non-finite values, values outside [0, 1].
/// </summary>
/// <param name="X">The float32 NCHW input.</param>
/// <param name="Notes">Lines for stderr, each starting with <c>note:</c> or <c>warning:</c> and naming the file.</param>
/// <param name="NonFinite">How many values are NaN or ±Inf.</param>
public sealed record ModelInput(Tensor X, IReadOnlyList<string> Notes, long NonFinite) : IDisposable
{
    /// <summary>Reads <paramref name="path"/> for a model of <paramref name="channels"/> input channels.</summary>
    /// <exception cref="InputFileException">The file cannot be read, or its channels cannot be fitted to the model's.</exception>
    public static ModelInput Read(string path, int channels)
    {
        var x = ArrayFiles.ReadNchw(path);
        var notes = new List<string>();
        var c = (int)x.shape[1];
        if (c != channels)
        {
            if (x.shape[0] != 1 || c is not (1 or 3) || channels is not (1 or 3))
            {
                x.Dispose();
                throw new InputFileException(path, $"input has {c} channel(s), the model expects in_chans = {channels}");
            }
            var image = ImageOps.ToChannels(new ImageData(c, (int)x.shape[2], (int)x.shape[3], x.data<float>().ToArray()), channels);
            x.Dispose();
            x = tensor(image.Pixels, [1, channels, image.Height, image.Width]);
            notes.Add(channels == 3
                ? $"note: {path}: gray input replicated to RGB (the model takes 3 channels), as the official test reads gray images"
                : $"note: {path}: RGB input turned to luma Y' = 0.299 R + 0.587 G + 0.114 B (the model takes 1 channel)");
        }
        var (nonFinite, outside, min, max) = Range(x.data<float>().ToArray());
        if (nonFinite > 0) notes.Add($"warning: {path}: input has {nonFinite} non-finite value(s) (NaN or Inf) of {x.numel()}");
        if (outside > 0)
            notes.Add($"warning: {path}: {outside} of {x.numel()} values are outside [0, 1] (min {G(min)}, max {G(max)}); SwinIR expects [0, 1]" +
                      (max > 1.5f ? " (0..255 values stored as float? divide them by 255)" : ""));
        return new ModelInput(x, notes, nonFinite);
    }

    /// <summary>Non-finite values, finite values outside [0, 1], and the smallest and largest finite value.</summary>
    private static (long NonFinite, long Outside, float Min, float Max) Range(ReadOnlySpan<float> values)
    {
        long nonFinite = 0, outside = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                nonFinite++;
                continue;
            }
            if (v < 0f || v > 1f) outside++;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (nonFinite, outside, min, max);
    }

    private static string G(float v) => v.ToString("G4", CultureInfo.InvariantCulture);

    public void Dispose() => X.Dispose();
}
