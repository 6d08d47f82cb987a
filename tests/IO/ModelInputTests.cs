using SwinBench.IO;
using SwinBench.Workloads;

namespace SwinBench.Tests.IO;

/// <summary>Model inputs: scaled by dtype, fitted to the model's channels by the rule every verb uses, with notes.</summary>
public sealed class ModelInputTests
{
    private static float[] Values(ModelInput input) => input.X.data<float>().ToArray();

    [Fact]
    public void A_uint8_array_reads_like_the_float_image_it_stores()
    {
        using var dir = new TempDir();
        var m = Golden.Model("tiny_lightweight_x2");
        var official = Npy.Read(m.Cases[0].Input);
        var bytes = official.Data.Select(v => (byte)Math.Round(Math.Clamp(v, 0, 1) * 255)).ToArray();
        var path = dir.File("u8.npy");
        File.WriteAllBytes(path, NpyTests.NpyFile(1, $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({string.Join(", ", official.Shape)}), }}", bytes));

        using var input = ModelInput.Read(path, 3);

        Assert.Empty(input.Notes);
        Assert.Equal(official.Shape, input.X.shape);
        Assert.Equal(bytes.Select(b => b / 255f), Values(input));
        Assert.True(Values(input).Zip(official.Data, (a, b) => Math.Abs(a - b)).Max() <= 0.5f / 255 + 1e-6f);
    }

    [Fact]
    public void Floats_outside_the_unit_range_are_warned_once_with_a_hint()
    {
        using var dir = new TempDir();
        var path = dir.File("f255.npy");
        Npy.Write(path, new NpyArray([1, 3, 2, 2], [0, 10, 255, 128, 0, 0, 0, 0, 1, 1, 1, 1]));
        using var input = ModelInput.Read(path, 3);
        Assert.Equal([$"warning: {path}: 3 of 12 values are outside [0, 1] (min 0, max 255); SwinIR expects [0, 1] (0..255 values stored as float? divide them by 255)"],
            input.Notes);

        var slightly = dir.File("noisy.npy");
        Npy.Write(slightly, new NpyArray([1, 1, 1, 3], [-0.05f, 0.5f, float.NaN]));
        using var noisy = ModelInput.Read(slightly, 1);
        Assert.Equal([$"warning: {slightly}: input has 1 non-finite value(s) (NaN or Inf) of 3",
            $"warning: {slightly}: 1 of 3 values are outside [0, 1] (min -0.05, max 0.5); SwinIR expects [0, 1]"], noisy.Notes);
        Assert.Equal(1, noisy.NonFinite);
    }

    [Fact]
    public void Gray_and_rgb_files_are_fitted_to_the_model_exactly_as_dataset_images_are()
    {
        using var dir = new TempDir();
        var gray = dir.File("gray.png");
        ImageIO.Write(gray, new ImageData(1, 3, 4, Enumerable.Range(0, 12).Select(i => i / 11f).ToArray()));
        var rgb = dir.File("rgb.png");
        ImageIO.Write(rgb, new ImageData(3, 2, 2, [0, 0.2f, 0.4f, 0.6f, 1, 1, 0, 0, 0.5f, 0.25f, 0.75f, 1]));

        using var toRgb = ModelInput.Read(gray, 3);
        using var toGray = ModelInput.Read(rgb, 1);

        Assert.Equal(CaseInputs.MatchChannels(ImageIO.Read(gray), 3).Pixels, Values(toRgb));
        Assert.Equal(CaseInputs.MatchChannels(ImageIO.Read(rgb), 1).Pixels, Values(toGray));
        Assert.Equal([1L, 3, 3, 4], toRgb.X.shape);
        Assert.Equal([$"note: {gray}: gray input replicated to RGB (the model takes 3 channels), as the official test reads gray images"], toRgb.Notes);
        Assert.StartsWith($"note: {rgb}: RGB input turned to luma", Assert.Single(toGray.Notes));
    }

    [Fact]
    public void Channel_counts_without_a_rule_are_refused_naming_the_file()
    {
        using var dir = new TempDir();
        var path = dir.File("two.npy");
        Npy.Write(path, new NpyArray([1, 2, 2, 2], new float[8]));
        var e = Assert.Throws<InputFileException>(() => ModelInput.Read(path, 3));
        Assert.Equal($"{path}: input has 2 channel(s), the model expects in_chans = 3", e.Message);
    }
}
