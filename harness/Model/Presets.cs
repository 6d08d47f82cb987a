namespace SwinBench.Model;

/// <summary>What a model restores; decides the input protocol (SR: bicubic-downscaled LR; denoise: noisy HR; JPEG: compressed HR).</summary>
public enum RestorationTask { ClassicalSR, LightweightSR, RealSR, GrayDenoise, ColorDenoise, GrayJpeg, ColorJpeg }

/// <summary>
/// One official SwinIR inference model: its constructor config, the wrap key of its release file and the release
/// file name (the official model zoo), so that <c>--preset NAME --weights FILE</c> reproduces the official test script.
/// </summary>
public sealed record Preset(string Name, RestorationTask Task, SwinIRConfig Config, string WrapKey, string ReleaseFile, string Description)
{
    public int Scale => Config.OutputScale;
}

/// <summary>Every official SwinIR inference config (main_test_swinir.py's define_model), by name.</summary>
public static class Presets
{
    private static SwinIRConfig Medium(int upscale, int inChans, int imgSize, string upsampler, int window = 8, double imgRange = 1.0) => new()
    {
        Upscale = upscale, InChans = inChans, ImgSize = imgSize, WindowSize = window, ImgRange = imgRange,
        Depths = [6, 6, 6, 6, 6, 6], EmbedDim = 180, NumHeads = [6, 6, 6, 6, 6, 6], MlpRatio = 2,
        Upsampler = upsampler, ResiConnection = "1conv",
    };

    private static SwinIRConfig Small(int upscale) => new()
    {
        Upscale = upscale, InChans = 3, ImgSize = 64, WindowSize = 8, ImgRange = 1.0,
        Depths = [6, 6, 6, 6], EmbedDim = 60, NumHeads = [6, 6, 6, 6], MlpRatio = 2,
        Upsampler = "pixelshuffledirect", ResiConnection = "1conv",
    };

    private static readonly SwinIRConfig Large = new()
    {
        Upscale = 4, InChans = 3, ImgSize = 64, WindowSize = 8, ImgRange = 1.0,
        Depths = [6, 6, 6, 6, 6, 6, 6, 6, 6], EmbedDim = 240, NumHeads = [8, 8, 8, 8, 8, 8, 8, 8, 8], MlpRatio = 2,
        Upsampler = "nearest+conv", ResiConnection = "3conv",
    };

    /// <summary>All presets in listing order.</summary>
    public static IReadOnlyList<Preset> All { get; } = Build();

    private static List<Preset> Build()
    {
        var list = new List<Preset>();
        foreach (var s in new[] { 2, 3, 4, 8 })
        {
            list.Add(new($"classical-x{s}", RestorationTask.ClassicalSR, Medium(s, 3, 64, "pixelshuffle"), "params",
                $"001_classicalSR_DF2K_s64w8_SwinIR-M_x{s}.pth", $"classical SR x{s}, SwinIR-M, trained on DF2K with 64x64 patches"));
            list.Add(new($"classical-x{s}-s48", RestorationTask.ClassicalSR, Medium(s, 3, 48, "pixelshuffle"), "params",
                $"001_classicalSR_DIV2K_s48w8_SwinIR-M_x{s}.pth", $"classical SR x{s}, SwinIR-M, trained on DIV2K with 48x48 patches"));
        }
        foreach (var s in new[] { 2, 3, 4 })
            list.Add(new($"lightweight-x{s}", RestorationTask.LightweightSR, Small(s), "params",
                $"002_lightweightSR_DIV2K_s64w8_SwinIR-S_x{s}.pth", $"lightweight SR x{s}, SwinIR-S"));
        list.Add(new("realsr-x4", RestorationTask.RealSR, Medium(4, 3, 64, "nearest+conv"), "params_ema",
            "003_realSR_BSRGAN_DFO_s64w8_SwinIR-M_x4_GAN.pth", "real-world SR x4, SwinIR-M (GAN)"));
        list.Add(new("realsr-x4-large", RestorationTask.RealSR, Large, "params_ema",
            "003_realSR_BSRGAN_DFOWMFC_s64w8_SwinIR-L_x4_GAN.pth", "real-world SR x4, SwinIR-L (GAN)"));
        list.Add(new("gray-dn", RestorationTask.GrayDenoise, Medium(1, 1, 128, ""), "params",
            "004_grayDN_DFWB_s128w8_SwinIR-M_noise{15,25,50}.pth", "grayscale denoising (one file per noise level 15/25/50)"));
        list.Add(new("color-dn", RestorationTask.ColorDenoise, Medium(1, 3, 128, ""), "params",
            "005_colorDN_DFWB_s128w8_SwinIR-M_noise{15,25,50}.pth", "color denoising (one file per noise level 15/25/50)"));
        list.Add(new("gray-jpeg", RestorationTask.GrayJpeg, Medium(1, 1, 126, "", window: 7, imgRange: 255.0), "params",
            "006_CAR_DFWB_s126w7_SwinIR-M_jpeg{10,20,30,40}.pth", "grayscale JPEG artifact removal (one file per quality 10/20/30/40)"));
        list.Add(new("color-jpeg", RestorationTask.ColorJpeg, Medium(1, 3, 126, "", window: 7, imgRange: 255.0), "params",
            "006_colorCAR_DFWB_s126w7_SwinIR-M_jpeg{10,20,30,40}.pth", "color JPEG artifact removal (one file per quality 10/20/30/40)"));
        return list;
    }

    /// <summary>
    /// The presets whose weights have the shapes of <paramref name="config"/>'s (every key but img_range, which weights
    /// do not store), those with the same img_size first.
    /// </summary>
    public static IReadOnlyList<Preset> WithArchitecture(SwinIRConfig config) =>
        All.Where(p => p.Config with { ImgRange = config.ImgRange, ImgSize = config.ImgSize } == config)
            .OrderBy(p => p.Config.ImgSize == config.ImgSize ? 0 : 1).ToList();

    /// <summary>Finds a preset by name (case-insensitive); unknown names get an error listing the known ones.</summary>
    public static Preset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigException($"unknown preset '{name}'; known presets: {string.Join(", ", All.Select(p => p.Name))}");
}
