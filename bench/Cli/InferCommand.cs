using System.CommandLine;
using System.Diagnostics;
using SwinBench.Backends;
using SwinBench.IO;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Cli;

/// <summary><c>swinbench infer</c>: one model on one input, written to one output.</summary>
public static class InferCommand
{
    public static Command Create()
    {
        var model = new ModelSelection();
        var input = new Option<FileInfo>("--input", "-i") { Description = ".npy (float32 NCHW in [0,1]) or PNG/BMP/JPEG/TIFF image", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = ".npy or image, chosen by extension", Required = true };
        var tile = new Option<int>("--tile") { Description = "tile size for tiled inference (multiple of the window; 0 = whole image)", DefaultValueFactory = _ => 0 };
        var overlap = new Option<int>("--tile-overlap") { Description = "overlap of neighbouring tiles", DefaultValueFactory = _ => 32 };
        var cmd = new Command("infer", "run one SwinIR model on one input");
        model.AddTo(cmd);
        cmd.Options.Add(input);
        cmd.Options.Add(output);
        cmd.Options.Add(tile);
        cmd.Options.Add(overlap);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var (config, name, wrapKey) = model.ResolveConfig(r);
            var options = model.ResolveOptions(r);
            var device = TorchDevices.Resolve(r.GetValue(model.Device)!);
            var inPath = r.GetValue(input)!.FullName;
            var outPath = r.GetValue(output)!.FullName;
            ArrayFiles.CheckWritable(outPath);
            var t = r.GetValue(tile);
            var ov = r.GetValue(overlap);
            if (t > 0) TiledInference.Validate(t, ov, config.WindowSize);

            using var x = ArrayFiles.ReadNchw(inPath);
            if (x.shape[1] != config.InChans)
                throw new InvalidInputException($"{inPath}: input has {x.shape[1]} channel(s), the model expects in_chans = {config.InChans}");
            var (net, weights) = ModelFactory.Create(config, options, r.GetValue(model.Weights)?.FullName, wrapKey, r.GetValue(model.Seed));
            using var runner = new TorchSharpRunner(net, device, t, ov);
            Console.WriteLine($"model   {name}: {config}");
            Console.WriteLine($"weights {weights.Description}");
            Console.WriteLine($"variant {options.Label} on {device}{(t > 0 ? $", tile {t} overlap {ov}" : "")}");
            var sw = Stopwatch.StartNew();
            using var y = runner.Run(x);
            sw.Stop();
            ArrayFiles.WriteNchw(outPath, y);
            Console.WriteLine($"input [{string.Join(", ", x.shape)}] -> output [{string.Join(", ", y.shape)}] in {sw.Elapsed.TotalMilliseconds:F0} ms (first run, includes warm-up)");
            Console.WriteLine($"wrote {outPath}");
            return 0;
        }));
        return cmd;
    }
}
