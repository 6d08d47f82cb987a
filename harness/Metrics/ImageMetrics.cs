using SwinBench.Imaging;

namespace SwinBench.Metrics;

/// <summary>
/// Image quality metrics computed the way the official SwinIR test script does, plus
/// float-level fidelity measures for comparing an inference variant with a reference output.
/// </summary>
/// <remarks>
/// <para>Images are passed as <c>(float[] pixels, int channels, int height, int width)</c>:
/// planar CHW layout, values nominally in [0, 1]. For three-channel images the planes are
/// taken to be R, G, B in that order.</para>
/// <para>PSNR and SSIM follow the official protocol: each image is first converted to 8-bit values
/// (clamp to [0, 1], multiply by 255 in single precision, round half to even as NumPy does),
/// then <c>cropBorder</c> pixels are removed from every side, then optionally the luma (Y) channel
/// of ITU-R BT.601 is taken, Y = 16 + 65.481 R + 128.553 G + 24.966 B with R, G, B in [0, 1]
/// (so Y lies in [16, 235] and is not re-rounded). Everything after the 8-bit conversion is
/// double precision on the 0..255 scale.</para>
/// <para>A NaN pixel makes PSNR and SSIM return NaN rather than throwing.</para>
/// </remarks>
public static class ImageMetrics
{
    private const double Peak8Bit = 255.0;

    /// <summary>Side length of the SSIM Gaussian window.</summary>
    public const int SsimWindowSize = 11;

    /// <summary>Standard deviation of the SSIM Gaussian window.</summary>
    public const double SsimSigma = 1.5;

    /// <summary>SSIM luminance stabiliser, (0.01 * 255)^2.</summary>
    public const double SsimC1 = (0.01 * 255) * (0.01 * 255);

    /// <summary>SSIM contrast/structure stabiliser, (0.03 * 255)^2.</summary>
    public const double SsimC2 = (0.03 * 255) * (0.03 * 255);

    /// <summary>
    /// Peak signal-to-noise ratio in dB between two images after 8-bit conversion, border crop and
    /// optional Y-channel conversion: 20 * log10(255 / sqrt(MSE)), with MSE over all remaining
    /// pixels and channels.
    /// </summary>
    /// <param name="a">First image, planar CHW, length <c>channels*height*width</c>.</param>
    /// <param name="b">Second image, same shape.</param>
    /// <param name="channels">Channels (1 or 3 when <paramref name="yChannel"/> is set; any otherwise).</param>
    /// <param name="height">Height.</param>
    /// <param name="width">Width.</param>
    /// <param name="cropBorder">Pixels removed from each side before comparing (usually the SR scale).</param>
    /// <param name="yChannel">Compare only the Y channel (3-channel RGB input); ignored for 1 channel.</param>
    /// <returns>PSNR in dB; <see cref="double.PositiveInfinity"/> when the compared values are identical.</returns>
    /// <exception cref="ArgumentException">Shapes do not match, crop too large, or Y requested for a channel count other than 1 or 3.</exception>
    public static double Psnr(float[] a, float[] b, int channels, int height, int width, int cropBorder = 0, bool yChannel = false)
    {
        var (pa, pb, _, _, _) = Prepare(a, b, channels, height, width, cropBorder, yChannel, minSide: 1);
        double sum = 0.0;
        for (int i = 0; i < pa.Length; i++)
        {
            double d = pa[i] - pb[i];
            sum += d * d;
        }
        double mse = sum / pa.Length;
        if (mse == 0.0) return double.PositiveInfinity;
        return 20.0 * Math.Log10(Peak8Bit / Math.Sqrt(mse));
    }

    /// <summary>
    /// Structural similarity (SSIM) between two images after 8-bit conversion, border crop and
    /// optional Y-channel conversion. Uses an 11x11 Gaussian window (sigma 1.5), 'valid' filtering
    /// (the map loses 5 pixels on each side), C1 = (0.01*255)^2, C2 = (0.03*255)^2, values on the
    /// 0..255 scale. The map mean is computed per channel and the channel results are averaged.
    /// </summary>
    /// <param name="a">First image, planar CHW, length <c>channels*height*width</c>.</param>
    /// <param name="b">Second image, same shape.</param>
    /// <param name="channels">Channels (1 or 3 when <paramref name="yChannel"/> is set; any otherwise).</param>
    /// <param name="height">Height.</param>
    /// <param name="width">Width.</param>
    /// <param name="cropBorder">Pixels removed from each side before comparing.</param>
    /// <param name="yChannel">Compare only the Y channel (3-channel RGB input); ignored for 1 channel.</param>
    /// <returns>SSIM, 1 for identical images.</returns>
    /// <exception cref="ArgumentException">Shapes do not match, crop too large, image smaller than
    /// 11x11 after cropping, or Y requested for a channel count other than 1 or 3.</exception>
    public static double Ssim(float[] a, float[] b, int channels, int height, int width, int cropBorder = 0, bool yChannel = false)
    {
        var (pa, pb, c, h, w) = Prepare(a, b, channels, height, width, cropBorder, yChannel, minSide: SsimWindowSize);
        double[] kernel = GaussianKernel(SsimWindowSize, SsimSigma);
        int plane = h * w;
        double total = 0.0;
        for (int ch = 0; ch < c; ch++)
        {
            var x = new ReadOnlySpan<double>(pa, ch * plane, plane);
            var y = new ReadOnlySpan<double>(pb, ch * plane, plane);
            total += SsimPlane(x, y, h, w, kernel);
        }
        return total / c;
    }

    /// <summary>
    /// PSNR in dB between two float arrays with peak 1.0 and no rounding:
    /// 10 * log10(1 / MSE). Use to measure how far a variant's raw output is from a reference.
    /// </summary>
    /// <param name="a">First array.</param>
    /// <param name="b">Second array, same length.</param>
    /// <returns>PSNR in dB; <see cref="double.PositiveInfinity"/> for identical arrays; NaN if any value is NaN.</returns>
    /// <exception cref="ArgumentException">Lengths differ or arrays are empty.</exception>
    public static double FidelityPsnr(float[] a, float[] b)
    {
        ValidatePair(a, b);
        double sum = 0.0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }
        double mse = sum / a.Length;
        if (mse == 0.0) return double.PositiveInfinity;
        return 10.0 * Math.Log10(1.0 / mse);
    }

    /// <summary>Largest absolute element-wise difference, max |a[i] - b[i]| (computed in double).</summary>
    /// <param name="a">First array.</param>
    /// <param name="b">Second array, same length.</param>
    /// <returns>The maximum absolute difference; NaN if any value is NaN.</returns>
    /// <exception cref="ArgumentException">Lengths differ or arrays are empty.</exception>
    public static double MaxAbsDiff(float[] a, float[] b)
    {
        ValidatePair(a, b);
        double max = 0.0;
        for (int i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs((double)a[i] - b[i])); // Math.Max propagates NaN
        return max;
    }

    /// <summary>Mean absolute element-wise difference, mean |a[i] - b[i]| (computed in double).</summary>
    /// <param name="a">First array.</param>
    /// <param name="b">Second array, same length.</param>
    /// <returns>The mean absolute difference; NaN if any value is NaN.</returns>
    /// <exception cref="ArgumentException">Lengths differ or arrays are empty.</exception>
    public static double MeanAbsDiff(float[] a, float[] b)
    {
        ValidatePair(a, b);
        double sum = 0.0;
        for (int i = 0; i < a.Length; i++)
            sum += Math.Abs((double)a[i] - b[i]);
        return sum / a.Length;
    }

    /// <summary>
    /// Converts a [0, 1] float to the 8-bit value the official test produces:
    /// clamp to [0, 1], multiply by 255 in single precision, round half to even.
    /// NaN stays NaN.
    /// </summary>
    /// <param name="x">Pixel value.</param>
    /// <returns>An integer value in [0, 255] (as double), or NaN.</returns>
    public static double ToUint8Value(float x)
    {
        if (float.IsNaN(x)) return double.NaN;
        float scaled = Math.Clamp(x, 0f, 1f) * 255f;
        return MathF.Round(scaled, MidpointRounding.ToEven);
    }

    /// <summary>
    /// BT.601 luma on the 0..255 scale from 8-bit R, G, B values:
    /// 16 + (65.481 R + 128.553 G + 24.966 B) / 255. Not rounded.
    /// </summary>
    /// <param name="r">Red, 0..255.</param>
    /// <param name="g">Green, 0..255.</param>
    /// <param name="b">Blue, 0..255.</param>
    /// <returns>Y in [16, 235] for inputs in [0, 255].</returns>
    public static double Luma(double r, double g, double b)
        => 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / Peak8Bit;

    /// <summary>
    /// Normalised 1-D Gaussian weights exp(-(i - (n-1)/2)^2 / (2 sigma^2)) / sum, i = 0..n-1.
    /// The SSIM window is the outer product of this vector with itself.
    /// </summary>
    /// <param name="size">Number of taps.</param>
    /// <param name="sigma">Standard deviation.</param>
    /// <returns>The weights, summing to 1.</returns>
    public static double[] GaussianKernel(int size, double sigma)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "Kernel size must be positive.");
        if (!(sigma > 0.0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "Sigma must be positive.");
        var k = new double[size];
        double centre = (size - 1) / 2.0;
        double sum = 0.0;
        for (int i = 0; i < size; i++)
        {
            double d = i - centre;
            k[i] = Math.Exp(-(d * d) / (2.0 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) k[i] /= sum;
        return k;
    }

    /// <summary>SSIM map mean for one plane of 0..255 doubles.</summary>
    private static double SsimPlane(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int h, int w, double[] kernel)
    {
        int n = h * w;
        var xx = new double[n];
        var yy = new double[n];
        var xy = new double[n];
        for (int i = 0; i < n; i++)
        {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }

        var (muX, oh, ow) = FilterValid(x, h, w, kernel);
        var (muY, _, _) = FilterValid(y, h, w, kernel);
        var (eXX, _, _) = FilterValid(xx, h, w, kernel);
        var (eYY, _, _) = FilterValid(yy, h, w, kernel);
        var (eXY, _, _) = FilterValid(xy, h, w, kernel);

        double sum = 0.0;
        for (int i = 0; i < oh * ow; i++)
        {
            double muXX = muX[i] * muX[i];
            double muYY = muY[i] * muY[i];
            double muXY = muX[i] * muY[i];
            double varX = eXX[i] - muXX;
            double varY = eYY[i] - muYY;
            double cov = eXY[i] - muXY;
            double num = (2.0 * muXY + SsimC1) * (2.0 * cov + SsimC2);
            double den = (muXX + muYY + SsimC1) * (varX + varY + SsimC2);
            sum += num / den;
        }
        return sum / (oh * ow);
    }

    /// <summary>
    /// Separable 'valid' filtering with the outer product of <paramref name="kernel"/> with itself:
    /// output (h - k + 1) x (w - k + 1). The kernel is symmetric, so correlation equals convolution.
    /// </summary>
    private static (double[] data, int h, int w) FilterValid(ReadOnlySpan<double> src, int h, int w, double[] kernel)
    {
        int k = kernel.Length;
        int oh = h - k + 1;
        int ow = w - k + 1;

        var rows = new double[h * ow]; // filtered along width
        for (int r = 0; r < h; r++)
        {
            var dstRow = rows.AsSpan(r * ow, ow);
            var srcRow = src.Slice(r * w, w);
            for (int t = 0; t < k; t++) SpanMath.AddScaled(dstRow, srcRow.Slice(t, ow), kernel[t]);
        }

        var dst = new double[oh * ow];  // then along height
        for (int r = 0; r < oh; r++)
        {
            var dstRow = dst.AsSpan(r * ow, ow);
            for (int t = 0; t < k; t++) SpanMath.AddScaled(dstRow, rows.AsSpan((r + t) * ow, ow), kernel[t]);
        }
        return (dst, oh, ow);
    }

    /// <summary>
    /// Validates, converts to 8-bit values, crops and optionally converts to Y.
    /// Returns planar CHW doubles of both images with the resulting shape.
    /// </summary>
    private static (double[] a, double[] b, int c, int h, int w) Prepare(
        float[] a, float[] b, int channels, int height, int width, int cropBorder, bool yChannel, int minSide)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"Image shape must be positive, got {channels}x{height}x{width} (CxHxW).");
        long expected = (long)channels * height * width;
        if (a.Length != expected || b.Length != expected)
            throw new ArgumentException(
                $"Image sizes do not match the shape {channels}x{height}x{width} (CxHxW), which needs {expected} values: " +
                $"a has {a.Length} values{DescribeShape(a.Length, channels, height, width)}, " +
                $"b has {b.Length} values{DescribeShape(b.Length, channels, height, width)}.");
        if (cropBorder < 0)
            throw new ArgumentOutOfRangeException(nameof(cropBorder), cropBorder, "Crop border must not be negative.");
        int h = height - 2 * cropBorder;
        int w = width - 2 * cropBorder;
        if (h < 1 || w < 1)
            throw new ArgumentException(
                $"Crop border {cropBorder} removes the whole {height}x{width} image (needs 2*cropBorder < height and < width).",
                nameof(cropBorder));
        if (h < minSide || w < minSide)
            throw new ArgumentException(
                $"After cropping {cropBorder} pixels per side the image is {h}x{w}; SSIM needs at least {minSide}x{minSide}.",
                nameof(cropBorder));
        if (yChannel && channels != 1 && channels != 3)
            throw new ArgumentException($"Y-channel comparison needs 3 (RGB) channels, got {channels}.", nameof(yChannel));

        int outC = yChannel ? 1 : channels;
        return (ConvertPlanes(a), ConvertPlanes(b), outC, h, w);

        double[] ConvertPlanes(float[] src)
        {
            var cropped = new double[channels * h * w];
            for (int ch = 0; ch < channels; ch++)
                for (int r = 0; r < h; r++)
                {
                    int srcRow = (ch * height + r + cropBorder) * width + cropBorder;
                    int dstRow = (ch * h + r) * w;
                    for (int col = 0; col < w; col++)
                        cropped[dstRow + col] = ToUint8Value(src[srcRow + col]);
                }
            if (!yChannel || channels == 1) return cropped;

            int plane = h * w;
            var luma = new double[plane];
            for (int i = 0; i < plane; i++)
                luma[i] = Luma(cropped[i], cropped[plane + i], cropped[2 * plane + i]);
            return luma;
        }
    }

    private static string DescribeShape(int length, int channels, int height, int width)
        => length == (long)channels * height * width ? "" : " (not " + channels + "x" + height + "x" + width + ")";

    private static void ValidatePair(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length != b.Length)
            throw new ArgumentException($"Array lengths differ: a has {a.Length} values, b has {b.Length}.");
        if (a.Length == 0)
            throw new ArgumentException("Arrays are empty.");
    }
}
