using System.Globalization;

namespace SwinBench.Datasets;

/// <summary>The restoration tasks SwinIR is benchmarked on.</summary>
public enum TaskType
{
    /// <summary>Classical or lightweight super-resolution by an integer scale.</summary>
    SuperResolution,

    /// <summary>Gray or colour denoising (output size = input size).</summary>
    Denoise,

    /// <summary>JPEG compression artifact reduction (output size = input size).</summary>
    JpegCar,
}

/// <summary>
/// A task and, for super-resolution, its scale; it decides the network input size for a dataset image according to
/// the official evaluation protocol.
/// </summary>
/// <remarks>
/// Super-resolution by scale s: the HR image is cropped at the bottom/right to a multiple of s ("modcrop") and
/// bicubically downscaled, so the LR input is floor(H / s) x floor(W / s) and the output is s times that.
/// Denoising and JPEG artifact reduction: input and output are the HR size.
/// </remarks>
public sealed record TaskKind
{
    private TaskKind(TaskType type, int scale)
    {
        Type = type;
        Scale = scale;
    }

    /// <summary>The task.</summary>
    public TaskType Type { get; }

    /// <summary>The upscaling factor: 2, 3, 4 or 8 for super-resolution, 1 otherwise.</summary>
    public int Scale { get; }

    /// <summary>Denoising (scale 1).</summary>
    public static TaskKind Denoise { get; } = new(TaskType.Denoise, 1);

    /// <summary>JPEG compression artifact reduction (scale 1).</summary>
    public static TaskKind JpegCar { get; } = new(TaskType.JpegCar, 1);

    /// <summary>Super-resolution by <paramref name="scale"/> (2 or more).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is less than 2.</exception>
    public static TaskKind SuperResolution(int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 2);
        return new(TaskType.SuperResolution, scale);
    }

    /// <summary>The network input size for <paramref name="image"/> under this task.</summary>
    /// <exception cref="ArgumentException">The image is smaller than the scale.</exception>
    public ImageSize InputSize(DatasetImage image) => InputSize(image, Scale);

    /// <summary>The network output size for <paramref name="image"/>: the input size times the scale (the cropped HR size for SR).</summary>
    public ImageSize OutputSize(DatasetImage image)
    {
        ImageSize input = InputSize(image);
        return new ImageSize(input.Height * Scale, input.Width * Scale);
    }

    /// <summary>
    /// The input size for a scale: the HR size when <paramref name="scale"/> is 1 (denoising, JPEG), otherwise
    /// floor(H / scale) x floor(W / scale), i.e. the HR image cropped to a multiple of the scale, then divided.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The image is smaller than the scale.</exception>
    public static ImageSize InputSize(DatasetImage image, int scale)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        int height = image.Height / scale, width = image.Width / scale;
        if (height == 0 || width == 0)
            throw new ArgumentException($"{image} is smaller than the scale {scale}", nameof(image));
        return new ImageSize(height, width);
    }

    /// <summary>Parses the <see cref="ToString"/> form: <c>sr-x2</c> (also <c>srx2</c>, <c>x2</c>), <c>denoise</c>, <c>jpeg-car</c> (also <c>jpeg</c>, <c>car</c>); case-insensitive.</summary>
    /// <exception cref="FormatException">The text names no task.</exception>
    public static TaskKind Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant().Replace("_", "-");
        switch (t)
        {
            case "denoise" or "dn":
                return Denoise;
            case "jpeg-car" or "jpeg" or "car":
                return JpegCar;
        }
        string digits = t.StartsWith("sr-x", StringComparison.Ordinal) ? t[4..]
            : t.StartsWith("srx", StringComparison.Ordinal) ? t[3..]
            : t.StartsWith('x') ? t[1..]
            : "";
        if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int scale) && scale >= 2)
            return SuperResolution(scale);
        throw new FormatException($"unknown task '{text}'; expected sr-x2, sr-x3, sr-x4, sr-x8, denoise or jpeg-car");
    }

    /// <summary><c>sr-x4</c>, <c>denoise</c> or <c>jpeg-car</c>.</summary>
    public override string ToString() => Type switch
    {
        TaskType.SuperResolution => $"sr-x{Scale}",
        TaskType.Denoise => "denoise",
        _ => "jpeg-car",
    };
}
