namespace SwinBench.IO;

/// <summary>Small channel and geometry helpers on <see cref="ImageData"/>. Each returns a new image and leaves its input unchanged.</summary>
public static class ImageOps
{
    /// <summary>ITU-R BT.601 luma weight of red.</summary>
    public const float LumaRed = 0.299f;

    /// <summary>ITU-R BT.601 luma weight of green.</summary>
    public const float LumaGreen = 0.587f;

    /// <summary>ITU-R BT.601 luma weight of blue.</summary>
    public const float LumaBlue = 0.114f;

    /// <summary>
    /// A 3-channel image: a gray image's plane is replicated into R, G and B; an RGB image is returned as it is
    /// (the same instance).
    /// </summary>
    /// <exception cref="ArgumentException">The image has neither 1 nor 3 channels.</exception>
    public static ImageData ToRgb(ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels == 3)
            return image;
        RequireChannels(image, 1, "ToRgb");
        int plane = image.PlaneSize;
        var pixels = new float[3 * plane];
        for (int c = 0; c < 3; c++)
            Array.Copy(image.Pixels, 0, pixels, c * plane, plane);
        return new ImageData(3, image.Height, image.Width, pixels);
    }

    /// <summary>
    /// A 1-channel image of the ITU-R BT.601 luma Y' = 0.299 R + 0.587 G + 0.114 B, computed on the [0, 1] values
    /// (the weights OpenCV's <c>COLOR_RGB2GRAY</c> and <c>IMREAD_GRAYSCALE</c> use); a gray image is returned as it
    /// is (the same instance).
    /// </summary>
    /// <remarks>This is full-range luma, not the offset "Y channel" (16..235) that SR papers evaluate PSNR on.</remarks>
    /// <exception cref="ArgumentException">The image has neither 1 nor 3 channels.</exception>
    public static ImageData ToGray(ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels == 1)
            return image;
        RequireChannels(image, 3, "ToGray");
        int plane = image.PlaneSize;
        float[] src = image.Pixels;
        var pixels = new float[plane];
        for (int i = 0; i < plane; i++)
            pixels[i] = LumaRed * src[i] + LumaGreen * src[plane + i] + LumaBlue * src[2 * plane + i];
        return new ImageData(1, image.Height, image.Width, pixels);
    }

    /// <summary>
    /// The image with <paramref name="channels"/> channels, as the official test reads an image for a model of that many
    /// input channels: gray replicated to RGB (<see cref="ToRgb"/>), RGB turned to luma (<see cref="ToGray"/>), the same
    /// instance when it already has them. Every verb reads inputs through this rule.
    /// </summary>
    /// <exception cref="ArgumentException">Neither count is 1 or 3 where they differ.</exception>
    public static ImageData ToChannels(ImageData image, int channels) => (image.Channels, channels) switch
    {
        var (a, b) when a == b => image,
        (1, 3) => ToRgb(image),
        (3, 1) => ToGray(image),
        var (a, b) => throw new ArgumentException($"cannot turn a {a}-channel image into {b} channels"),
    };

    /// <summary>The <paramref name="height"/> x <paramref name="width"/> window whose top-left pixel is (<paramref name="top"/>, <paramref name="left"/>), all channels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window is empty or reaches outside the image.</exception>
    public static ImageData Crop(ImageData image, int top, int left, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (top < 0 || left < 0 || height <= 0 || width <= 0
            || (long)top + height > image.Height || (long)left + width > image.Width)
            throw new ArgumentOutOfRangeException(nameof(image),
                $"crop window top={top} left={left} {height}x{width} does not fit in a {image.Height}x{image.Width} image");

        var pixels = new float[image.Channels * height * width];
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < height; y++)
                Array.Copy(image.Pixels, (c * image.Height + top + y) * image.Width + left,
                           pixels, (c * height + y) * width, width);
        return new ImageData(image.Channels, height, width, pixels);
    }

    /// <summary>
    /// Crops the bottom rows and right columns so that height and width are multiples of <paramref name="scale"/>
    /// (the "modcrop" of the official SR protocol, applied to the HR image before it is downscaled). An image that
    /// already fits is returned as it is (the same instance).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive or larger than the image.</exception>
    public static ImageData CropToMultiple(ImageData image, int scale)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        int height = image.Height - image.Height % scale;
        int width = image.Width - image.Width % scale;
        if (height == 0 || width == 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"a {image.Height}x{image.Width} image is smaller than the scale");
        return height == image.Height && width == image.Width ? image : Crop(image, 0, 0, height, width);
    }

    private static void RequireChannels(ImageData image, int expected, string operation)
    {
        if (image.Channels != expected)
            throw new ArgumentException($"{operation} needs a 1- or 3-channel image, got {image.Channels} channels", nameof(image));
    }
}
