using System.CommandLine;
using SwinBench.Backends;
using SwinBench.Fixtures;
using SwinBench.IO;
using SwinBench.Metrics;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench golden</c>: one variant (any backend, options and device) on every golden fixture, against the official
/// SwinIR outputs, with a PASS/FAIL verdict per row and overall (exit 1 on FAIL). The fixtures are small, so an extra row
/// runs a larger synthetic input through the largest fixture model; it has no official output, so it is compared with
/// the CPU TorchSharp original (per-block masks, FP32), which the fixture rows check against the official outputs.
/// </summary>
public static class GoldenCommand
{
    /// <summary>The default tolerance on max |variant − official| for FP32 variants.</summary>
    public const double Fp32Tolerance = 1e-4;

    /// <summary>The default tolerance for FP16 variants (half precision keeps about 3 significant digits).</summary>
    public const double Fp16Tolerance = 2e-2;

    public static Command Create()
    {
        var dir = new Option<DirectoryInfo?>("--fixtures") { Description = "golden fixtures folder (default: tests/fixtures/golden of the checkout)" };
        var variants = new VariantSelection();
        var extra = new Option<int>("--extra-size")
        {
            Description = "side of an extra synthetic input run through the largest fixture model and compared with the CPU original (0 = none)",
            DefaultValueFactory = _ => 256,
        };
        var tolerance = new Option<double?>("--tolerance") { Description = $"max |d| for PASS (default {Fp32Tolerance:G} for fp32, {Fp16Tolerance:G} for fp16)" };
        var cmd = new Command("golden", "check one variant against the official SwinIR outputs, PASS/FAIL per row and overall");
        cmd.Options.Add(dir);
        variants.AddTo(cmd);
        cmd.Options.Add(tolerance);
        cmd.Options.Add(extra);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var folder = r.GetValue(dir)?.FullName ?? RepoPaths.GoldenDir
                ?? throw new DirectoryNotFoundException("no golden fixtures: pass --fixtures DIR");
            var (variant, device) = variants.ResolveAvailable(r);
            var tol = r.GetValue(tolerance) ?? (variant.Precision == Precision.Fp16 ? Fp16Tolerance : Fp32Tolerance);
            if (!(tol > 0)) throw new ArgumentException($"--tolerance must be positive, got {tol}");
            var size = r.GetValue(extra);
            if (size < 0 || size > SizeLimits.MaxSide) throw new ArgumentException($"--extra-size must be in [0, {SizeLimits.MaxSide}], got {size}");
            var models = GoldenIndex.Load(folder);
            if (models.Count == 0) throw new InvalidDataException($"{Path.Combine(folder, "index.json")} lists no model");

            Console.WriteLine($"variant {variant.Label} on {device}; PASS when max|d| <= {tol:G}");
            Console.WriteLine($"{"model",-26} {"case",-30} {"max|d|",10} {"PSNR dB",9}  verdict");
            var (rows, failed) = (0, 0);
            void Report(string model, string label, double maxAbs, double psnr)
            {
                var pass = maxAbs <= tol; // false for NaN
                rows++;
                if (!pass) failed++;
                var diff = double.IsNaN(maxAbs) ? "non-finite" : maxAbs.ToString("E2", System.Globalization.CultureInfo.InvariantCulture);
                Console.WriteLine($"{model,-26} {label,-30} {diff,10} {QuickCommand.Db(psnr),9}  {(pass ? "PASS" : "FAIL")}");
            }

            foreach (var m in models)
            {
                using var runner = new VariantRunner(variant, Spec(m), device);
                foreach (var c in m.Cases)
                {
                    using var x = ArrayFiles.ReadNchw(c.Input);
                    using var expected = ArrayFiles.ReadNchw(c.Output);
                    using var y = runner.Run(x);
                    if (!y.shape.SequenceEqual(expected.shape))
                        throw new InvalidDataException($"{c.Output}: official output is [{string.Join(", ", expected.shape)}], the variant gave [{string.Join(", ", y.shape)}]");
                    var (maxAbs, psnr) = Compare(y, expected);
                    Report(m.Name, $"{c.H}x{c.W} vs official", maxAbs, psnr);
                }
            }

            var reference = new Variant("original", ModelOptions.Original);
            if (size > 0 && (variant.Backend, variant.Options, device) == (reference.Backend, reference.Options, "cpu"))
                Console.WriteLine($"extra {size}x{size}: skipped, the variant is the CPU original it would be compared with");
            else if (size > 0)
            {
                var big = models.OrderByDescending(m => (long)m.Config.EmbedDim * m.Config.Depths.Sum()).First();
                var img = Datasets.SyntheticImage.Generate(big.Config.InChans, size, size, seed: 7);
                using var x = tensor(img.Pixels, [1, img.Channels, size, size]);
                using var refRunner = new VariantRunner(reference, Spec(big), "cpu");
                using var expected = refRunner.Run(x);
                using var runner = new VariantRunner(variant, Spec(big), device);
                using var y = runner.Run(x);
                var (maxAbs, psnr) = Compare(y, expected);
                Report(big.Name, $"{size}x{size} synthetic vs CPU orig.*", maxAbs, psnr);
                Console.WriteLine($"* extra row: a synthetic {size}x{size} input (more windows than the fixtures) has no official output; " +
                                  "it is compared with the CPU TorchSharp original (per-block masks, FP32), which the rows above check against the official outputs");
            }
            Console.WriteLine(failed == 0
                ? $"golden: PASS ({rows}/{rows} rows within {tol:G})"
                : $"golden: FAIL ({failed} of {rows} rows above {tol:G})");
            return failed == 0 ? 0 : 1;
        }));
        return cmd;
    }

    private static ModelSpec Spec(GoldenModel m) => new(m.Config, m.Checkpoint, m.WrapKey, Name: m.Name);

    private static (double MaxAbs, double Psnr) Compare(Tensor y, Tensor expected)
    {
        var a = y.data<float>().ToArray();
        var b = expected.contiguous().data<float>().ToArray();
        return (ImageMetrics.MaxAbsDiff(a, b), ImageMetrics.FidelityPsnr(a, b));
    }
}
