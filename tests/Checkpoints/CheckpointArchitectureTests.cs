using SwinBench.Checkpoints;
using SwinBench.Cli;
using SwinBench.Model;

namespace SwinBench.Tests.Checkpoints;

/// <summary>The config a checkpoint's shapes imply, and the summary a user gets when a checkpoint does not fit.</summary>
public sealed class CheckpointArchitectureTests
{
    private static Dictionary<string, long[]> Shapes(StateDict sd) => sd.Tensors.ToDictionary(t => t.Name, t => t.Shape);

    [Theory]
    [MemberData(nameof(GoldenCheckpointTests.ModelNames), MemberType = typeof(GoldenCheckpointTests))]
    public void The_official_checkpoints_imply_their_own_config(string name)
    {
        var m = Golden.Model(name);
        var implied = CheckpointArchitecture.Infer(Shapes(Checkpoint.Load(m.Checkpoint, m.WrapKey)));
        Assert.Equal(m.Config, implied! with { ImgRange = m.Config.ImgRange });
    }

    public static TheoryData<string> PresetNames() => [.. Presets.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Every_preset_is_recognised_from_its_parameter_shapes(string name)
    {
        var preset = Presets.Get(name);
        using var model = new SwinIR(preset.Config);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        var implied = CheckpointArchitecture.Infer(shapes);
        Assert.NotNull(implied);
        Assert.Equal(preset.Config with { ImgSize = implied.ImgSize, ImgRange = 1.0 }, implied with { ImgRange = 1.0 });
        Assert.Contains(preset, Presets.WithArchitecture(implied));
    }

    [Fact]
    public void Keys_of_another_network_imply_nothing()
    {
        Assert.Null(CheckpointArchitecture.Infer(new Dictionary<string, long[]> { ["fc.weight"] = [2, 3] }));
        Assert.Null(CheckpointArchitecture.Infer(new Dictionary<string, long[]> { ["conv_first.weight"] = [60, 3, 3, 3] }));
    }

    [Fact]
    public void A_checkpoint_for_another_preset_is_summarised_with_the_preset_it_fits()
    {
        var m = Golden.Model("lightweight_x2_full");
        var sd = Checkpoint.Load(m.Checkpoint, m.WrapKey);
        using var model = new SwinIR(Presets.Get("classical-x2").Config);
        var e = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(model, sd, new LoadOptions { IgnoreExtra = ModelFactory.IsDerivedBuffer }));

        Assert.True(e.Message.Length < 800, e.Message);
        Assert.Matches(@"does not match the model: \d+ missing keys \(layers\.4\.[^,]+, [^,]+, [^,]+, …\); \d+ shape mismatches \(conv_first\.weight checkpoint \[60,3,3,3\] vs model \[180,3,3,3\]", e.Message);
        var details = CheckpointMismatchText.Details(e.Mismatch!).ToList();
        Assert.Equal(["the file holds: embed 60, depths [6,6,6,6], heads [6,6,6,6], window 8, x2 pixelshuffledirect, 1conv, in_chans 3",
            "it fits preset lightweight-x2: run with --preset lightweight-x2"], details);
    }

    [Fact]
    public void A_checkpoint_of_no_preset_gets_its_config_as_json_for_config()
    {
        var m = Golden.Model("tiny_classical_x2_3conv");
        using var model = new SwinIR(Presets.Get("classical-x2").Config);
        var e = Assert.Throws<CheckpointException>(() =>
            StateDictLoader.Load(model, Checkpoint.Load(m.Checkpoint, m.WrapKey), new LoadOptions { IgnoreExtra = ModelFactory.IsDerivedBuffer }));
        var hint = CheckpointMismatchText.Details(e.Mismatch!).Last();
        Assert.StartsWith("run it with --config FILE", hint);
        Assert.Equal(m.Config, SwinIRConfig.FromJson(hint[hint.IndexOf('{')..]) with { ImgRange = m.Config.ImgRange });
    }
}
