using System.CommandLine;
using SwinBench.Backends;
using SwinBench.Fixtures;
using SwinBench.IO;
using SwinBench.Metrics;
using SwinBench.Model;
using static TorchSharp.torch;

namespace SwinBench.Cli;

/// <summary>
/// <c>swinbench golden</c>: every golden fixture on the CPU (both mask modes, against the official outputs) and, with
/// <c>--device cuda</c>, the device's FP32 against the CPU and its FP16 against its FP32; plus one larger input.
/// </summary>
public static class GoldenCommand
{
    public static Command Create()
    {
        var dir = new Option<DirectoryInfo?>("--fixtures") { Description = "golden fixtures folder (default: tests/fixtures/golden of the checkout)" };
        var device = new Option<string>("--device") { Description = "also compare this device against the CPU (cuda, cuda:N)", DefaultValueFactory = _ => "cpu" };
        var plugins = new Option<string>("--plugins") { Description = "plugin kernels for the device runs: none, all, or a list (mask,lnroll,...)", DefaultValueFactory = _ => "none" };
        var extra = new Option<int>("--extra-size") { Description = "side of an extra synthetic input for the largest fixture model (0 = none)", DefaultValueFactory = _ => 256 };
        var cmd = new Command("golden", "check the model against the official outputs, and a device against the CPU");
        cmd.Options.Add(dir);
        cmd.Options.Add(device);
        cmd.Options.Add(extra);
        cmd.Options.Add(plugins);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var folder = r.GetValue(dir)?.FullName ?? RepoPaths.GoldenDir
                ?? throw new DirectoryNotFoundException("no golden fixtures: pass --fixtures DIR");
            var dev = TorchDevices.Resolve(r.GetValue(device)!);
            var onDevice = dev.type != TorchSharp.DeviceType.CPU;
            var devicePlugins = ModelOptions.ParseKernels(r.GetValue(plugins)!);
            if (devicePlugins != Kernels.None) Console.WriteLine($"device runs with plugins: {ModelOptions.KernelLabel(devicePlugins)}");
            var worst = 0.0;
            var worstDevice = 0.0;
            Console.WriteLine($"{"model",-26} {"case",-8} {"cpu perblock",13} {"cpu hoisted",12}" +
                              (onDevice ? $" {"dev fp32 vs cpu",16} {"fp16 vs fp32 PSNR dB",21} {"fp16 max|d|",12}" : ""));
            var models = GoldenIndex.Load(folder);
            foreach (var m in models)
            foreach (var c in m.Cases)
            {
                using var x = ArrayFiles.ReadNchw(c.Input);
                using var expected = ArrayFiles.ReadNchw(c.Output);
                var row = Compare(m, x, expected, dev, onDevice, devicePlugins);
                worst = Math.Max(worst, Math.Max(row.CpuPerBlock, row.CpuHoisted));
                if (onDevice) worstDevice = Math.Max(worstDevice, row.DevVsOfficial);
                Print(m.Name, $"{c.H}x{c.W}", row, onDevice);
            }
            var size = r.GetValue(extra);
            if (size > 0)
            {
                var big = models.OrderByDescending(m => m.Config.EmbedDim * m.Config.Depths.Sum()).First();
                var img = Datasets.SyntheticImage.Generate(big.Config.InChans, size, size, seed: 7);
                using var x = tensor(img.Pixels, [1, img.Channels, size, size]);
                var row = Compare(big, x, null, dev, onDevice, devicePlugins);
                Print(big.Name, $"{size}x{size}", row, onDevice);
            }
            Console.WriteLine($"worst CPU max|d| vs official: {worst:E2} (tolerance 1e-4)");
            if (onDevice) Console.WriteLine($"worst device FP32 max|d| vs official: {worstDevice:E2} (tolerance 1e-4)");
            return worst <= 1e-4 && worstDevice <= 1e-4 ? 0 : 1;
        }));
        return cmd;
    }

    private sealed record Row(double CpuPerBlock, double CpuHoisted, double DevVsCpu, double DevVsOfficial, double Fp16Psnr, double Fp16MaxDiff);

    private static Row Compare(GoldenModel m, Tensor x, Tensor? expected, Device dev, bool onDevice, Kernels devicePlugins)
    {
        Tensor Run(MaskMode mask, Precision precision, Device d)
        {
            var plugins = d.type == TorchSharp.DeviceType.CPU ? Kernels.None : devicePlugins;
            var (net, _) = ModelFactory.Create(m.Config, new ModelOptions { Mask = mask, Precision = precision, Kernels = plugins }, m.Checkpoint, m.WrapKey);
            using var runner = new TorchSharpRunner(net, d);
            var y = runner.Run(x);
            TorchSharpSession.CollectGarbage();
            return y;
        }
        using var perBlock = Run(MaskMode.PerBlock, Precision.Fp32, CPU);
        using var hoisted = Run(MaskMode.Hoisted, Precision.Fp32, CPU);
        var reference = expected ?? perBlock;
        double pb = MaxAbs(perBlock, reference), ho = MaxAbs(hoisted, reference);
        if (!onDevice) return new Row(pb, ho, double.NaN, double.NaN, double.NaN, double.NaN);
        using var devFp32 = Run(MaskMode.Hoisted, Precision.Fp32, dev);
        using var devFp16 = Run(MaskMode.Hoisted, Precision.Fp16, dev);
        var a = devFp16.data<float>().ToArray();
        var b = devFp32.data<float>().ToArray();
        return new Row(pb, ho, MaxAbs(devFp32, hoisted), MaxAbs(devFp32, reference), ImageMetrics.FidelityPsnr(a, b), ImageMetrics.MaxAbsDiff(a, b));
    }

    private static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static void Print(string model, string size, Row row, bool onDevice) =>
        Console.WriteLine($"{model,-26} {size,-8} {row.CpuPerBlock,13:E2} {row.CpuHoisted,12:E2}" +
                          (onDevice ? $" {row.DevVsCpu,16:E2} {row.Fp16Psnr,21:F2} {row.Fp16MaxDiff,12:E2}" : ""));
}
