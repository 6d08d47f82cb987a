using SwinBench.Datasets;
using SwinBench.Imaging;
using SwinBench.IO;

namespace SwinBench.Workloads;

/// <summary>A model input and, where it exists, the ground truth it should be restored to.</summary>
public sealed record CaseInput(ImageData Input, ImageData? GroundTruth, bool IsReal);

/// <summary>
/// Makes a task's input from a dataset image following the official protocols: SR — crop the HR image to a multiple of
/// the scale, MATLAB-bicubic downscale on uint8 values; denoise — add N(0, σ/255) noise (seeded, not clipped);
/// JPEG — encode at the quality and decode (stb's JPEG encoder; the official sets used OpenCV's libjpeg).
/// Channels follow the model: gray images are replicated to RGB for 3-channel models, RGB turned to luma for 1-channel ones.
/// </summary>
public static class CaseInputs
{
    public static CaseInput Make(BenchCase c, ImageSource source, DatasetManifest manifest)
    {
        ImageData hr;
        var isReal = false;
        if (c.Dataset == "synthetic")
        {
            var s = c.Task.Kind.Scale;
            hr = SyntheticImage.Generate(3, c.H * s, c.W * s, SyntheticImage.SeedFor(c.Dataset, c.Image));
        }
        else
        {
            var sourced = source.Load(manifest.Find(c.Dataset, c.Image));
            hr = sourced.Image;
            isReal = sourced.IsReal;
        }
        hr = MatchChannels(hr, c.Task.Preset.Config.InChans);
        var (input, truth) = Degrade(c.Task, hr, SyntheticImage.SeedFor(c.Dataset, c.Image));
        if (input.Height != c.H || input.Width != c.W)
            throw new InvalidOperationException($"{c}: made an input of {input.Height}x{input.Width}, expected {c.H}x{c.W}");
        return new CaseInput(input, truth, isReal);
    }

    public static ImageData MatchChannels(ImageData img, int channels) => ImageOps.ToChannels(img, channels);

    /// <summary>Applies the task's degradation to an HR image; returns (input, ground truth).</summary>
    public static (ImageData Input, ImageData Truth) Degrade(BenchTask task, ImageData hr, int seed)
    {
        switch (task.Kind.Type)
        {
            case TaskType.SuperResolution:
            {
                var gt = ImageOps.CropToMultiple(hr, task.Kind.Scale);
                var (lr, h, w) = MatlabResize.Downscale(gt.Pixels, gt.Channels, gt.Height, gt.Width, task.Kind.Scale, quantizeUint8: true);
                return (new ImageData(gt.Channels, h, w, lr), gt);
            }
            case TaskType.Denoise:
            {
                var noisy = (float[])hr.Pixels.Clone();
                var rng = new GaussianRng(seed);
                var sigma = task.NoiseSigma / 255.0;
                for (var i = 0; i < noisy.Length; i++) noisy[i] = (float)(noisy[i] + sigma * rng.Next());
                return (new ImageData(hr.Channels, hr.Height, hr.Width, noisy), hr);
            }
            case TaskType.JpegCar:
                return (JpegRoundTrip(hr, task.JpegQuality), hr);
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task.Kind.Type, "unknown task type");
        }
    }

    private static ImageData JpegRoundTrip(ImageData img, int quality)
    {
        var path = Path.Combine(Path.GetTempPath(), $"swinbench-jpeg-{Guid.NewGuid():N}.jpg");
        try
        {
            ImageIO.Write(path, img, new ImageWriteOptions(JpegQuality: quality));
            return MatchChannels(ImageIO.Read(path), img.Channels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Standard normal numbers from a seeded SplitMix64 stream (Box–Muller), identical on every machine.</summary>
    private sealed class GaussianRng(int seed)
    {
        private SplitMix64 _bits = new((ulong)seed * 0x9E3779B97F4A7C15UL + 1);
        private double? _spare;

        /// <summary>Uniform in (0, 1) with 53 random bits (never 0, so the logarithm below is finite).</summary>
        private double Uniform() => ((_bits.Next() >> 11) + 0.5) / (1UL << 53);

        public double Next()
        {
            if (_spare is { } s) { _spare = null; return s; }
            double u = Uniform(), v = Uniform();
            var r = Math.Sqrt(-2 * Math.Log(u));
            _spare = r * Math.Sin(2 * Math.PI * v);
            return r * Math.Cos(2 * Math.PI * v);
        }
    }
}
