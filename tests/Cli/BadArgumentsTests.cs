using SwinBench.Cli;

namespace SwinBench.Tests.Cli;

/// <summary>Files the bad command lines point at: a folder, a corrupt CSV and manifest, an int32 array, an index.</summary>
public sealed class BadArgumentFiles : IDisposable
{
    private readonly TempDir _dir = new();

    public BadArgumentFiles()
    {
        Directory.CreateDirectory(_dir.File("folder"));
        File.WriteAllText(_dir.File("short-rows.csv"), "dataset,name\nSet5,baby\n");
        Directory.CreateDirectory(_dir.File("corrupt-results"));
        File.WriteAllText(Path.Combine(_dir.File("corrupt-results"), "results.csv"), "run_id,question\n\"unterminated\n");
        File.WriteAllBytes(_dir.File("i32.npy"), SwinBench.Tests.IO.NpyTests.NpyFile(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 3, 8, 8), }", new byte[768]));
    }

    /// <summary>The argument with <c>{tmp}</c> and <c>{golden}</c> replaced by these files' folder and the golden fixtures.</summary>
    public string Resolve(string arg) => arg.Replace("{tmp}", _dir.Path).Replace("{golden}", Golden.Dir);

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// Every verb driven with bad arguments, as a user types them: exit 2 (a bad argument) or 3 (cannot run here), one line
/// on stderr that starts with <c>error: </c> and names the thing, no stack trace, no NaN, nothing on stdout.
/// </summary>
public sealed class BadArgumentsTests(BadArgumentFiles files) : IClassFixture<BadArgumentFiles>
{
    private const string Input = "{golden}/tiny_lightweight_x2_13x19_in.npy";
    private const string Config = "{golden}/index.json#tiny_lightweight_x2";

    /// <summary>(command line, text the error line must contain).</summary>
    public static TheoryData<string[], string> Cases() => new()
    {
        { [], "give a verb: quick, run" },
        { ["benchmark"], "unknown verb 'benchmark'" },
        { ["qiuck"], "(did you mean quick?)" },
        { ["quick", "--tiles", "3"], "quick: unknown option '--tiles'" },
        { ["quick", "--size", "0x5"], "--size '0x5'" },
        { ["quick", "--iterations", "0"], "--iterations must be >= 1" },
        { ["quick", "--manifest", "{tmp}/short-rows.csv"], "short-rows.csv line 1: missing column(s)" },
        { ["run"], "give --sweep NAME" },
        { ["run", "--sweep", "nope"], "nope" },
        { ["run", "--sweep", "quick", "--tasks", "nope"], "nope" },
        { ["run", "--sweep", "quick", "--weights", "lightweight-x2={tmp}/missing.pth"], "missing.pth" },
        { ["peers", "--device", "cpu", "--python", "{tmp}/no-python"], "no-python" },
        { ["peers", "--device", "cpu", "--modes", "nope"], "nope" },
        { ["peers", "--device", "cpu", "--timeout", "0"], "--timeout must be > 0" },
        { ["accuracy", "--dataset", "Nope"], "unknown dataset 'Nope'" },
        { ["accuracy", "--task", "nope"], "nope" },
        { ["accuracy", "--weights", "{tmp}/missing.pth"], "missing.pth: file not found" },
        { ["accuracy", "--weights", "{tmp}/folder"], "folder: is a folder, not a file" },
        { ["accuracy", "--limit", "-1"], "--limit must be >= 0" },
        { ["accuracy", "--manifest", "{tmp}/short-rows.csv"], "short-rows.csv line 1" },
        { ["accuracy", "--backend", "nope"], "--backend" },
        { ["plot"], "Option '--in' is required" },
        { ["plot", "--in", "{tmp}/missing"], "results folder not found" },
        { ["report", "--in", "{tmp}/folder"], "no results.csv in" },
        { ["report", "--in", "{tmp}/corrupt-results"], "results.csv" },
        { ["infer", "--preset", "lightweight-x2", "-i", Input, "-o", "{tmp}/o.npy", "--tiles", "16"], "unknown option '--tiles' (did you mean --tile?)" },
        { ["infer", "--preset", "lightweight-x2", "-i", "{tmp}/folder", "-o", "{tmp}/o.npy"], "folder: is a folder, not a file" },
        { ["infer", "--preset", "lightweight-x2", "-i", Input, "-o", "{tmp}/folder"], "folder: is a folder: give the output file" },
        { ["infer", "--preset", "lightweight-x2", "-i", "{tmp}/i32.npy", "-o", "{tmp}/o.npy"], "unsupported dtype '<i4'" },
        { ["infer", "--config", "{golden}/index.json", "-i", Input, "-o", "{tmp}/o.npy"], "pick one with --config" },
        { ["infer", "--config", Config, "-i", Input, "-o", "{tmp}/o.npy", "--tile", "12"], "--tile 12 must be a multiple of the window size 8" },
        { ["infer", "--preset", "nope", "-i", Input, "-o", "{tmp}/o.npy"], "unknown preset 'nope'" },
        { ["infer", "--preset", "lightweight-x2", "-i", Input, "-o", "{tmp}/o.npy", "--kernels", "nope"], "--kernels" },
        { ["infer", "--preset", "lightweight-x2", "-i", Input, "-o", "{tmp}/o.npy", "--device", "tpu"], "tpu" },
        { ["export-onnx", "--preset", "lightweight-x2"], "give --out FILE, --report, or both" },
        { ["export-onnx", "--preset", "lightweight-x2", "--out", "{tmp}/missing/m.onnx"], "output folder does not exist" },
        { ["export-onnx", "--config", "{tmp}/folder", "--report"], "is a folder" },
        { ["presets", "nope"], "unknown preset 'nope'" },
        { ["presets", "--json"], "give its name" },
        { ["datasets", "--manifest", "{tmp}/short-rows.csv"], "short-rows.csv line 1" },
        { ["datasets", "--data-root", "{tmp}/missing"], "--data-root not found" },
        { ["golden", "--fixtures", "{tmp}/folder"], "golden index not found" },
        { ["golden", "--tolerance", "-1"], "--tolerance must be positive" },
        { ["golden", "--extra-size", "99999"], "--extra-size must be in [0, 8192]" },
        { ["env", "--bogus"], "env: unknown option '--bogus'" },
        { ["env", "extra"], "env: unexpected argument 'extra'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_command_line_is_one_line_naming_the_thing(string[] args, string expected)
    {
        var r = SwinBenchProcess.Run([.. args.Select(files.Resolve)]);
        Assert.True(r.ExitCode is CliErrors.UserError or CliErrors.Unavailable, r.ToString());
        var stderr = r.Stderr.Trim();
        Assert.DoesNotContain('\n', stderr);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains(files.Resolve(expected), stderr);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        Assert.DoesNotContain("NaN", r.Stdout + r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Every_verb_has_bad_command_lines_above()
    {
        var tried = Cases().Select(c => c.Data.Item1.FirstOrDefault()).OfType<string>().ToHashSet();
        Assert.All(Verbs.All().Select(v => v.Name), v => Assert.Contains(v, tried));
    }

    [Fact]
    public void Exceptions_map_to_the_exit_code_rule_in_one_line()
    {
        (int Code, string Text) Report(Exception e)
        {
            var stderr = new StringWriter();
            return (CliErrors.Report(e, stderr), stderr.ToString().Trim());
        }
        Assert.Equal((2, "error: unknown dataset 'Nope'"), Report(new KeyNotFoundException("unknown dataset 'Nope'")));
        Assert.Equal((2, "error: m.csv line 2: bad"), Report(new FormatException("m.csv line 2:\nbad")));
        Assert.Equal((3, "error: tensorrt: not installed"), Report(new SwinBench.Backends.BackendUnavailableException("tensorrt: not installed")));
        Assert.Equal((3, "error: libx.so"), Report(new TypeInitializationException("X", new DllNotFoundException("libx.so"))));
        var (code, text) = Report(new InvalidOperationException("boom"));
        Assert.Equal(CliErrors.Internal, code);
        Assert.StartsWith("error: internal error (InvalidOperationException): boom; this is a SwinBench bug", text);
        Assert.DoesNotContain('\n', text);
    }
}
