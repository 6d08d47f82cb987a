using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using SwinBench.Backends;
using SwinBench.Cli;
using SwinBench.IO;

namespace SwinBench.Tests.Cli;

/// <summary>Bad command lines get one clear line and leave nothing behind; each verb's help lists only its own options.</summary>
public sealed partial class CliHardeningTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private static void AssertOneLineError(SwinBenchProcess.Result r, int exitCode, string expected)
    {
        Assert.True(r.ExitCode == exitCode, r.ToString());
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", r.Stderr);
        Assert.Contains(expected, r.Stderr);
    }

    private string[] Infer(params string[] extra) => InferOn(Golden.Model("tiny_lightweight_x2").Cases[0].Input, extra);

    private string[] InferOn(string input, params string[] extra)
    {
        var config = _tmp.File("config.json");
        File.WriteAllText(config, Golden.Model("tiny_lightweight_x2").Config.ToJson());
        return ["infer", "--config", config, "--input", input, "--output", _tmp.File("o.npy"), .. extra];
    }

    [Theory]
    [InlineData("-8", null, "--tile must be positive")]
    [InlineData("12", null, "--tile 12 must be a multiple of the window size 8")]
    [InlineData("16", "16", "--tile-overlap 16 must be in [0, tile)")]
    [InlineData("16", "-1", "--tile-overlap must be >= 0")]
    [InlineData(null, "4", "--tile-overlap applies only with --tile")]
    public void Bad_tile_settings_are_one_line_and_write_nothing(string? tile, string? overlap, string expected)
    {
        string[] extra = [.. tile is null ? [] : new[] { "--tile", tile }, .. overlap is null ? [] : new[] { "--tile-overlap", overlap }];
        var r = SwinBenchProcess.Run(Infer(extra));
        AssertOneLineError(r, 2, expected);
        Assert.False(File.Exists(_tmp.File("o.npy")));
    }

    [Fact]
    public void Non_finite_input_is_reported_with_its_count_and_the_output_is_checked()
    {
        var m = Golden.Model("tiny_lightweight_x2");
        var clean = Npy.Read(m.Cases[0].Input);
        var data = clean.Data.ToArray();
        (data[0], data[5], data[17]) = (float.NaN, float.PositiveInfinity, float.NegativeInfinity);
        var input = _tmp.File("nan.npy");
        Npy.Write(input, new NpyArray(clean.Shape, data));
        var r = SwinBenchProcess.Run(InferOn(input));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("input has 3 non-finite value(s)", r.Stderr);
        // a NaN pixel spreads through attention: the output is reported as non-finite too
        var output = Npy.Read(_tmp.File("o.npy"));
        var bad = output.Data.Count(v => !float.IsFinite(v));
        Assert.True(bad > 0);
        Assert.Contains($"output has {bad} non-finite value(s)", r.Stderr);

        var ok = SwinBenchProcess.Run(Infer());
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.DoesNotContain("non-finite", ok.Stderr);
    }

    [Theory]
    [InlineData("100000x100000")]
    [InlineData("8193x8")]
    [InlineData("8192x8193")]
    [InlineData("8192x8192")]
    public void Oversized_size_is_refused_before_anything_runs(string size)
    {
        var outDir = _tmp.File("run");
        var r = SwinBenchProcess.Run("run", "--sweep", "quick", "--size", size, "--out", outDir);
        AssertOneLineError(r, 2, $"each side must be <= {SizeLimits.MaxSide} and H*W <= {SizeLimits.MaxPixels} (2^25)");
        Assert.Contains(size, r.Stderr);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Size_bound_accepts_the_largest_inputs_and_nothing_above()
    {
        Assert.Equal((4096, 8192), SweepOptions.ParseSize("4096x8192"));
        Assert.Equal((5792, 5792), SweepOptions.ParseSize("5792x5792"));
        Assert.Throws<ArgumentException>(() => SweepOptions.ParseSize("4097x8192"));
        Assert.Throws<ArgumentException>(() => SweepOptions.ParseSize("5793x5793"));
        Assert.Throws<ArgumentException>(() => SweepOptions.ParseSize("1x8193"));
    }

    [Fact]
    public void Quick_on_a_device_that_is_not_here_is_refused_and_creates_no_folder()
    {
        if (TorchSharp.torch.cuda.is_available()) Assert.Skip("CUDA is here: quick runs on it");
        var outDir = _tmp.File("quick");
        var r = SwinBenchProcess.Run("quick", "--device", "cuda", "--out", outDir);
        AssertOneLineError(r, 3, "CUDA requested");
        Assert.Equal("", r.Stdout);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_run_that_fails_leaves_no_results_folder()
    {
        var outDir = _tmp.File("nothing");
        var r = SwinBenchProcess.Run("run", "--sweep", "quick", "--filter", "*NoSuchBenchmark*", "--out", outDir);
        AssertOneLineError(r, 2, "matched no benchmark");
        Assert.False(Directory.Exists(outDir), string.Join(", ", Directory.Exists(outDir) ? Directory.GetFileSystemEntries(outDir) : []));
    }

    [Fact]
    public void Failure_cleanup_removes_only_what_the_verb_added()
    {
        var dir = _tmp.File("mine");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "kept");
        Assert.Throws<ArgumentException>(() => ResultsFolder.Run(dir, existed: true, () =>
        {
            File.WriteAllText(Path.Combine(dir, "partial.tmp"), "x");
            Directory.CreateDirectory(Path.Combine(dir, "bdn"));
            throw new ArgumentException("boom");
        }));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));

        var fresh = _tmp.File("fresh");
        Directory.CreateDirectory(fresh);
        Assert.Throws<ArgumentException>(() => ResultsFolder.Run(fresh, existed: false, () =>
        {
            File.WriteAllText(Path.Combine(fresh, "results.csv"), "");
            throw new ArgumentException("boom");
        }));
        Assert.False(Directory.Exists(fresh));
    }

    /// <summary>The options each verb reads: its help must list exactly these, each once.</summary>
    public static TheoryData<string, string[]> VerbOptions() => new()
    {
        { "quick", ["--question", "--out", "--data-root", "--synthetic", "--device", "--weights", "--manifest", "--tasks", "--iterations", "--size"] },
        { "run", ["--sweep", "--list", "--filter", "--resume", "--out", "--data-root", "--synthetic", "--device", "--weights", "--manifest", "--tasks", "--iterations", "--size"] },
        { "accuracy", ["--task", "--dataset", "--weights", "--backend", "--mask", "--precision", "--layernorm", "--kernels", "--device", "--limit",
                       "--out", "--data-root", "--synthetic", "--manifest"] },
        { "plot", ["--in"] },
        { "report", ["--in"] },
        { "infer", ["--preset", "--config", "--weights", "--wrap-key", "--seed", "--backend", "--mask", "--precision", "--layernorm", "--kernels",
                    "--device", "--input", "--output", "--tile", "--tile-overlap"] },
        { "export-onnx", ["--preset", "--config", "--weights", "--wrap-key", "--seed", "--mask", "--precision", "--layernorm", "--keep-norms-fp32",
                          "--kernels", "--out", "--report"] },
        { "presets", ["--json"] },
        { "datasets", ["--data-root", "--manifest"] },
        { "golden", ["--fixtures", "--backend", "--mask", "--precision", "--layernorm", "--kernels", "--device", "--tolerance", "--extra-size"] },
        { "env", [] },
    };

    [Theory]
    [MemberData(nameof(VerbOptions))]
    public void Help_lists_each_option_of_the_verb_once_and_no_other(string verb, string[] expected)
    {
        var root = new RootCommand();
        foreach (var v in Verbs.All()) root.Subcommands.Add(v);
        var help = new StringWriter();
        var code = root.Parse([verb, "--help"]).Invoke(new InvocationConfiguration { Output = help, Error = new StringWriter() });
        Assert.Equal(0, code);
        var listed = LongOption().Matches(help.ToString()).Select(m => m.Groups[1].Value).Where(o => o != "--help").ToList();
        Assert.Equal(listed.Distinct(), listed);
        Assert.Equal(expected.Order(), listed.Order());
    }

    [GeneratedRegex(@"^\s+(?:-\w, )?(--[a-z0-9-]+)", RegexOptions.Multiline)]
    private static partial Regex LongOption();

    [Fact]
    public void Presets_json_is_a_flag_with_the_preset_as_argument()
    {
        var r = SwinBenchProcess.Run("presets", "lightweight-x2", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("upscale").GetInt32());

        var one = SwinBenchProcess.Run("presets", "lightweight-x2");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal(2, one.Stdout.Trim().Split('\n').Length); // header and the one preset

        AssertOneLineError(SwinBenchProcess.Run("presets", "--json"), 2, "give its name");
        AssertOneLineError(SwinBenchProcess.Run("presets", "nope"), 2, "nope");
    }

    [Fact]
    public void Env_names_the_onnx_runtime_library_and_how_to_get_it_when_it_does_not_load()
    {
        var raw = new DllNotFoundException("Unable to load shared library 'onnxruntime' or one of its dependencies. In order to help diagnose " +
                                           "loading problems, consider using a tool like strace.\n/usr/lib/libonnxruntime.so: cannot open shared object file");
        var line = OrtAvailability.LoadFailure(new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods", raw));
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith(OrtAvailability.NativeLibrary + " could not be loaded", line);
        Assert.Contains("Microsoft.ML.OnnxRuntime", line);
        Assert.Contains("LD_LIBRARY_PATH", line);
        Assert.DoesNotContain("strace", line);
    }
}

/// <summary><c>swinbench accuracy</c> through a pipe: a wide plain table (nothing wrapped), on the ort backend.</summary>
public sealed class AccuracyTableCliTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Redirected_table_keeps_each_row_on_one_line()
    {
        var r = SwinBenchProcess.Run("accuracy", "--backend", "ort", "--precision", "fp32", "--mask", "hoisted", "--dataset", "Set5",
            "--limit", "1", "--synthetic", "--out", _tmp.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        var row = r.Stdout.Split('\n').Single(l => l.Contains("synthetic") && !l.Contains("weights"));
        // one row holds the size, the PSNR, the max|d| in E notation and the time: nothing wrapped onto a second line
        Assert.Matches(@"\d+x\d+.*\d+\.\d\d.*\d\.\dE[-+]\d{3}", row);
        Assert.DoesNotContain('\u001b', r.Stdout); // no ANSI codes in a pipe
        Assert.Contains("1/1 images (100%)", r.Stderr); // progress on stderr, as lines when redirected
    }
}
