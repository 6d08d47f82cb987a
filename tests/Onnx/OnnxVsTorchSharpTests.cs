using SwinBench.Model;
using SwinBench.Onnx;
using static TorchSharp.torch;

namespace SwinBench.Tests.Onnx;

/// <summary>
/// Config paths no golden fixture covers (nearest+conv, x3 and x8 pixelshuffle, grayscale with img_range 255 and window 7,
/// a window that shrinks to img_size), against the TorchSharp model, which the golden tests tie to the official code.
/// </summary>
public class OnnxVsTorchSharpTests
{
    private static SwinIRConfig Tiny(string upsampler, int upscale, int inChans = 3, int window = 8, int imgSize = 16, double imgRange = 1.0,
        string resi = "1conv") => new()
    {
        Upscale = upscale, InChans = inChans, ImgSize = imgSize, WindowSize = window, ImgRange = imgRange, Depths = [2, 2], EmbedDim = 24,
        NumHeads = [6, 4], MlpRatio = 2, Upsampler = upsampler, ResiConnection = resi,
    };

    public static TheoryData<string, int, int> Configs() => new()
    {
        { "nearest+conv x4", 19, 26 },
        { "pixelshuffle x3", 21, 17 },
        { "pixelshuffle x8 3conv", 9, 16 },
        { "gray jpeg w7 range255", 23, 30 },
        { "window shrinks to img_size", 13, 21 },
    };

    private static SwinIRConfig ConfigFor(string name) => name switch
    {
        "nearest+conv x4" => Tiny("nearest+conv", 4),
        "pixelshuffle x3" => Tiny("pixelshuffle", 3),
        "pixelshuffle x8 3conv" => Tiny("pixelshuffle", 8, resi: "3conv"),
        "gray jpeg w7 range255" => Tiny("", 1, inChans: 1, window: 7, imgSize: 21, imgRange: 255),
        "window shrinks to img_size" => Tiny("pixelshuffledirect", 2, imgSize: 4),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Export_matches_the_torchsharp_model(string name, int h, int w)
    {
        var config = ConfigFor(name);
        using var net = ModelFactory.CreateRandom(config, ModelOptions.Original, seed: 7);
        net.eval();
        using var generator = new Generator(3); // its own generator: the default one is shared by tests running in parallel
        using var x = rand([1, config.InChans, h, w], generator: generator);
        float[] expected;
        using (no_grad())
        using (var y = net.forward(x))
            expected = y.data<float>().ToArray();
        foreach (var options in new[] { new OnnxExportOptions(), new OnnxExportOptions { Mask = MaskMode.Hoisted, LayerNorm = OnnxLayerNorm.Decomposed } })
        {
            using var ort = new OrtCpu(OnnxExporter.Export(net, options));
            var (actual, shape) = ort.Run(x.data<float>().ToArray(), x.shape);
            Assert.Equal([1, config.InChans, h * config.OutputScale, w * config.OutputScale], shape);
            var maxDiff = OrtCpu.MaxAbsDiff(actual, expected);
            Assert.True(maxDiff <= 1e-4, $"{name} {options.Label}: max|d| = {maxDiff:E3} > 1e-4");
        }
    }
}
