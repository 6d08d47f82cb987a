using System.CommandLine;
using System.Diagnostics;
using SwinBench.Backends;
using SwinBench.IO;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench infer</c>: one model on one input, written to one output, on any backend. The variant is opened through
/// <see cref="SessionFactory"/> (see <see cref="VariantRunner"/>); the ONNX graph of ort and tensorrt is exported in
/// memory on every run (<see cref="VariantSelection.OnnxNote"/>).
/// </summary>
public static class InferCommand
{
    public static Command Create()
    {
        var model = new ModelSelection();
        var variants = new VariantSelection();
        var input = new Option<FileInfo>("--input", "-i")
        {
            Description = ".npy (NCHW or CHW: float in [0,1], or uint8/uint16, scaled) or PNG/BMP/JPEG/TIFF image; gray or RGB, fitted to the model's in_chans",
            Required = true,
        };
        var output = new Option<FileInfo>("--output", "-o") { Description = ".npy or image, chosen by extension", Required = true };
        var tile = new Option<int>("--tile") { Description = "tile size for tiled inference (a positive multiple of the window; 0 = whole image)", DefaultValueFactory = _ => 0 };
        var overlap = new Option<int?>("--tile-overlap")
        {
            Description = $"overlap of neighbouring tiles, in [0, tile) (with --tile; default {DefaultOverlap}, or tile/4 for tiles under {4 * DefaultOverlap})",
        };
        var cmd = new Command("infer", "run one SwinIR model on one input");
        model.AddTo(cmd);
        variants.AddTo(cmd);
        cmd.Options.Add(input);
        cmd.Options.Add(output);
        cmd.Options.Add(tile);
        cmd.Options.Add(overlap);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var spec = model.ResolveSpec(r);
            var (variant, device) = variants.ResolveAvailable(r);
            var inPath = r.GetValue(input)!.FullName;
            var outPath = r.GetValue(output)!.FullName;
            ArrayFiles.CheckWritable(outPath);
            var t = r.GetValue(tile);
            if (t == 0 && r.GetValue(overlap) is not null) throw new ArgumentException("--tile-overlap applies only with --tile");
            var ov = r.GetValue(overlap) ?? OverlapFor(t);
            TiledInference.Validate(t, ov, spec.Config.WindowSize);

            using var read = ModelInput.Read(inPath, spec.Config.InChans);
            foreach (var note in read.Notes) Console.Error.WriteLine(note);
            var x = read.X;
            using var runner = new VariantRunner(variant, spec, device);
            var (h, w) = ((int)x.shape[2], (int)x.shape[3]);
            var tiles = TiledInference.TileCount(h, w, t, ov);
            var (th, tw) = TiledInference.TileShape(h, w, tiles > 1 ? t : 0);
            runner.Open(th, tw); // before tiling: the tiles run inside dispose scopes, which must not own the model
            Console.WriteLine($"model   {spec.Name}: {spec.Config}");
            Console.WriteLine($"weights {spec.WeightsDescription}");
            Console.WriteLine($"variant {variant.Label} on {device}{(t > 0 ? $", tile {t} overlap {ov}" : "")}");
            var sw = Stopwatch.StartNew();
            using var y = tiles > 1
                ? CliProgress.Run($"infer {h}x{w} in {tiles} tiles", "tiles",
                    progress => TiledInference.Run(runner.Run, x, t, ov, spec.Config.OutputScale, progress))
                : runner.Run(x);
            sw.Stop();
            var badOutput = NonFinite(y);
            if (badOutput > 0) Console.Error.WriteLine($"warning: output has {badOutput} non-finite value(s) (NaN or Inf) of {y.numel()}");
            else if (read.NonFinite > 0) Console.Error.WriteLine("warning: the output has no non-finite values, but is computed from a non-finite input");
            ArrayFiles.WriteNchw(outPath, y);
            Console.WriteLine($"input [{string.Join(", ", x.shape)}] -> output [{string.Join(", ", y.shape)}] in {sw.Elapsed.TotalMilliseconds:F0} ms (first run, includes warm-up)");
            Console.WriteLine($"wrote {outPath}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The tile overlap used without <c>--tile-overlap</c> for tiles of at least 4 × this size (the official test's).</summary>
    public const int DefaultOverlap = 32;

    /// <summary>The overlap used without <c>--tile-overlap</c>: <see cref="DefaultOverlap"/>, or a quarter of a smaller tile.</summary>
    public static int OverlapFor(int tile) => Math.Min(DefaultOverlap, tile / 4);

    /// <summary>How many values of <paramref name="x"/> are NaN or ±Inf.</summary>
    internal static long NonFinite(Tensor x)
    {
        using var finite = x.isfinite();
        return x.numel() - finite.sum().item<long>();
    }
}
