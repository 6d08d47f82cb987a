using SwinBench.IO;
using SwinBench.Model;

namespace SwinBench.Tests.Cli;

public sealed class InferCliTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("swinbench-cli-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string WriteConfig(SwinIRConfig config)
    {
        var path = Path.Combine(_tmp, "config.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }

    [Theory]
    [InlineData("tiny_classical_x4", 1)]
    [InlineData("tiny_color_dn", 1)]
    [InlineData("tiny_classical_x2_3conv", 0)]
    public void Infer_reproduces_the_official_output(string model, int caseIndex)
    {
        var m = Golden.Model(model);
        var c = m.Cases[caseIndex];
        var output = Path.Combine(_tmp, "out.npy");
        var r = SwinBenchProcess.Run("infer", "--config", WriteConfig(m.Config), "--weights", m.Checkpoint,
            "--input", c.Input, "--output", output, "--mask", "hoisted");
        Assert.True(r.ExitCode == 0, r.ToString());
        var got = Npy.Read(output);
        var expected = Npy.Read(c.Output);
        Assert.Equal(expected.Shape, got.Shape);
        var maxDiff = got.Data.Zip(expected.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4, $"max|d| {maxDiff}");
        Assert.Contains("weights", r.Stdout);
    }

    [Fact]
    public void An_index_entry_runs_the_same_model_as_its_plain_config_with_its_wrap_key()
    {
        var m = Golden.Model("tiny_classical_x2_3conv");
        var (viaIndex, viaPlain) = (Path.Combine(_tmp, "index.npy"), Path.Combine(_tmp, "plain.npy"));
        var r = SwinBenchProcess.Run("infer", "--config", $"{Path.Combine(Golden.Dir, "index.json")}#{m.Name}", "--weights", m.Checkpoint,
            "--input", m.Cases[0].Input, "--output", viaIndex);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"model   {m.Name}: {m.Config}", r.Stdout);
        Assert.Contains($"(key '{m.WrapKey}'", r.Stdout);
        r = SwinBenchProcess.Run("infer", "--config", WriteConfig(m.Config), "--weights", m.Checkpoint, "--input", m.Cases[0].Input, "--output", viaPlain);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Npy.Read(viaPlain), Npy.Read(viaIndex));
    }

    [Fact]
    public void Infer_accepts_an_image_and_writes_an_image()
    {
        var input = Path.Combine(_tmp, "in.png");
        var rng = new Random(4);
        var px = new float[3 * 20 * 28];
        for (var i = 0; i < px.Length; i++) px[i] = rng.Next(256) / 255f;
        ImageIO.Write(input, new ImageData(3, 20, 28, px));
        var output = Path.Combine(_tmp, "out.png");
        var r = SwinBenchProcess.Run("infer", "--config", WriteConfig(Golden.Model("tiny_lightweight_x2").Config), "--input", input, "--output", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("random init (seed 0)", r.Stdout);
        var img = ImageIO.Read(output);
        Assert.Equal((3, 40, 56), (img.Channels, img.Height, img.Width));
    }

    [Fact]
    public void Gray_input_to_a_three_channel_model_is_replicated_with_a_note_and_other_channel_counts_fail()
    {
        var gray = Path.Combine(_tmp, "gray.png");
        ImageIO.Write(gray, new ImageData(1, 16, 16, Enumerable.Range(0, 256).Select(i => i / 255f).ToArray()));
        var output = Path.Combine(_tmp, "o.npy");
        var r = SwinBenchProcess.Run("infer", "--preset", "lightweight-x2", "--input", gray, "--output", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"note: {gray}: gray input replicated to RGB (the model takes 3 channels)", r.Stderr);
        Assert.Equal([1L, 3, 32, 32], Npy.Read(output).Shape);

        var two = Path.Combine(_tmp, "two.npy");
        Npy.Write(two, new NpyArray([1, 2, 16, 16], new float[512]));
        r = SwinBenchProcess.Run("infer", "--preset", "lightweight-x2", "--input", two, "--output", Path.Combine(_tmp, "o2.npy"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {two}: input has 2 channel(s), the model expects in_chans = 3", r.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_tmp, "o2.npy")));
    }

    [Fact]
    public void A_small_tile_gets_an_overlap_that_fits_it()
    {
        var m = Golden.Model("tiny_lightweight_x2");
        var output = Path.Combine(_tmp, "tiled.npy");
        var r = SwinBenchProcess.Run("infer", "--config", WriteConfig(m.Config), "--weights", m.Checkpoint, "--input", m.Cases[1].Input,
            "--output", output, "--tile", "16");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("tile 16 overlap 4", r.Stdout);
        Assert.Equal(m.Cases[1].OutShape, Npy.Read(output).Shape);
        Assert.Equal([0, 2, 4, 16, 32, 32], new[] { 0, 8, 16, 64, 128, 512 }.Select(SwinBench.Cli.InferCommand.OverlapFor));
    }

    [Fact]
    public void Tiny_and_empty_inputs_fail_clearly()
    {
        var tiny = Path.Combine(_tmp, "tiny.npy");
        Npy.Write(tiny, new NpyArray([1, 3, 1, 1], [0.5f, 0.5f, 0.5f]));
        var r = SwinBenchProcess.Run("infer", "--preset", "lightweight-x2", "--input", tiny, "--output", Path.Combine(_tmp, "o.npy"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("1x1 is too small", r.Stderr);

        var empty = Path.Combine(_tmp, "empty.png");
        File.WriteAllBytes(empty, []);
        r = SwinBenchProcess.Run("infer", "--preset", "lightweight-x2", "--input", empty, "--output", Path.Combine(_tmp, "o.npy"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("empty.png", r.Stderr);

        r = SwinBenchProcess.Run("infer", "--preset", "lightweight-x2", "--input", Path.Combine(_tmp, "missing.npy"), "--output", Path.Combine(_tmp, "o.npy"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("missing.npy", r.Stderr);
    }

    [Fact]
    public void Mismatched_checkpoint_is_summarised_with_the_config_the_file_holds()
    {
        var input = Golden.Model("tiny_lightweight_x2").Cases[0].Input;
        var x4 = Golden.Model("tiny_classical_x4");
        var r = SwinBenchProcess.Run("infer", "--config", WriteConfig(Golden.Model("tiny_lightweight_x2").Config),
            "--weights", x4.Checkpoint, "--input", input, "--output", Path.Combine(_tmp, "o.npy"));
        Assert.Equal(2, r.ExitCode);
        var lines = r.StderrLines;
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^error: checkpoint .*tiny_classical_x4\.pth does not match the model: \d+ unexpected keys \(.*\); \d+ shape mismatches \(conv_first\.weight checkpoint \[36,3,3,3\] vs model \[24,3,3,3\]", lines[0]);
        Assert.True(lines[0].Length < 1000, lines[0]);
        Assert.Equal($"  the file holds: {x4.Config}", lines[1]);
        Assert.StartsWith("  run it with --config FILE, FILE holding this JSON", lines[2]);
        Assert.False(File.Exists(Path.Combine(_tmp, "o.npy")));
    }

    [Fact]
    public void Cuda_request_without_cuda_is_a_clear_error()
    {
        if (TorchSharp.torch.cuda.is_available()) return; // only meaningful on CPU-only machines (CI)
        var input = Golden.Model("tiny_lightweight_x2").Cases[0].Input;
        var r = SwinBenchProcess.Run("infer", "--preset", "lightweight-x2", "--device", "cuda", "--input", input, "--output", Path.Combine(_tmp, "o.npy"));
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("CUDA requested", r.Stderr);
    }

    [Fact]
    public void Config_and_preset_together_are_rejected()
    {
        var r = SwinBenchProcess.Run("infer", "--preset", "lightweight-x2", "--config", WriteConfig(Presets.Get("lightweight-x2").Config),
            "--input", "x.npy", "--output", "y.npy");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("exactly one of --preset", r.Stderr);
    }

    [Fact]
    public void Presets_verb_lists_parameter_counts()
    {
        var r = SwinBenchProcess.Run("presets");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("lightweight-x2", r.Stdout);
        Assert.Contains("910,152", r.Stdout); // SwinIR-S x2, equal to the golden full-size checkpoint's parameter count
    }
}
