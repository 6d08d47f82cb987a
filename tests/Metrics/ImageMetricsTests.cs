using SwinBench.Metrics;
using Xunit;

namespace SwinBench.Tests.Metrics;

/// <summary>
/// Tests of PSNR / SSIM (official SwinIR protocol) and float fidelity measures against
/// answers derived by hand. Images are planar CHW floats in [0, 1]; an 8-bit level k is k/255f.
/// </summary>
public class ImageMetricsTests
{
    private const double Tol = 1e-10;

    private static float[] Levels(params int[] levels) => levels.Select(k => k / 255f).ToArray();

    private static float[] Constant(int length, int level) => Enumerable.Repeat(level / 255f, length).ToArray();

    private static float[] RandomLevels(int length, int seed, int lo = 0, int hi = 255)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => rng.Next(lo, hi + 1) / 255f).ToArray();
    }

    /// <summary>A 3-channel 1x1 image (R, G, B planes) of 8-bit levels, repeated over h x w.</summary>
    private static float[] Rgb(int h, int w, int r, int g, int b)
        => Constant(h * w, r).Concat(Constant(h * w, g)).Concat(Constant(h * w, b)).ToArray();

    // ---------------------------------------------------------------- PSNR

    [Fact]
    public void Psnr_Identical_IsPositiveInfinity()
    {
        var a = RandomLevels(3 * 8 * 9, seed: 1);
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(a, (float[])a.Clone(), 3, 8, 9));
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(a, a, 3, 8, 9, cropBorder: 2, yChannel: true));
    }

    [Fact]
    public void Psnr_OneGrayLevelOffset_Is20Log10Of255()
    {
        // Every pixel differs by exactly one 8-bit level: MSE = 1, PSNR = 20*log10(255/1)
        // = 20 * 2.40654018043395... = 48.1308036086791 dB.
        var a = Enumerable.Range(0, 3 * 85).Select(i => i % 255).ToArray();
        var pa = Levels(a);
        var pb = Levels(a.Select(k => k + 1).ToArray());
        double psnr = ImageMetrics.Psnr(pa, pb, 3, 5, 17);
        Assert.Equal(48.1308036086791, psnr, 1e-9);
        Assert.Equal(20 * Math.Log10(255), psnr, Tol);
    }

    [Fact]
    public void Psnr_KnownMse_HandComputed()
    {
        // 1x2x2: one pixel off by 10 levels -> MSE = 100/4 = 25, PSNR = 20*log10(255/5) = 20*log10(51)
        // = 34.1514035219587 dB.
        double p1 = ImageMetrics.Psnr(Levels(0, 0, 0, 0), Levels(10, 0, 0, 0), 1, 2, 2);
        Assert.Equal(34.1514035219587, p1, 1e-9);

        // 3x1x2: errors 3 and 4 levels among 6 values -> MSE = (9+16)/6 = 25/6,
        // PSNR = 10*log10(255^2 * 6 / 25) = 10*log10(15606).
        double p2 = ImageMetrics.Psnr(Levels(0, 0, 0, 0, 0, 0), Levels(3, 0, 0, 4, 0, 0), 3, 1, 2);
        Assert.Equal(10 * Math.Log10(15606), p2, Tol);
    }

    [Fact]
    public void Psnr_CropBorder_ExcludesCorruptedBorder()
    {
        // 1x8x8 identical except a corrupted ring at depth 1 (rows/cols 1 and 6), and the outer
        // ring (depth 0) also corrupted. crop 1 still sees the depth-1 ring; crop 2 sees none.
        const int n = 8;
        var a = RandomLevels(n * n, seed: 2, lo: 20, hi: 230);
        var b = (float[])a.Clone();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                int depth = Math.Min(Math.Min(i, j), Math.Min(n - 1 - i, n - 1 - j));
                if (depth <= 1) b[i * n + j] += 10 / 255f;
            }
        Assert.True(double.IsFinite(ImageMetrics.Psnr(a, b, 1, n, n, cropBorder: 0)));
        // crop 1: the 6x6 centre has its outer ring (20 pixels of 36) off by 10 levels:
        // MSE = 20*100/36, PSNR = 10*log10(255^2 * 36 / 2000).
        Assert.Equal(10 * Math.Log10(255.0 * 255 * 36 / 2000), ImageMetrics.Psnr(a, b, 1, n, n, cropBorder: 1), 1e-9);
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(a, b, 1, n, n, cropBorder: 2));
    }

    [Fact]
    public void Luma_PureColours()
    {
        // Y = 16 + 65.481 R + 128.553 G + 24.966 B with R,G,B in [0,1]; the three coefficients sum to 219.
        Assert.Equal(235.0, ImageMetrics.Luma(255, 255, 255), Tol);
        Assert.Equal(16.0, ImageMetrics.Luma(0, 0, 0), Tol);
        Assert.Equal(16.0 + 65.481, ImageMetrics.Luma(255, 0, 0), Tol);
        Assert.Equal(16.0 + 128.553, ImageMetrics.Luma(0, 255, 0), Tol);
        Assert.Equal(16.0 + 24.966, ImageMetrics.Luma(0, 0, 255), Tol);
    }

    [Fact]
    public void Psnr_YChannel_PureColours_HandComputed()
    {
        const int h = 4, w = 5;
        var white = Rgb(h, w, 255, 255, 255);
        var black = Rgb(h, w, 0, 0, 0);
        var red = Rgb(h, w, 255, 0, 0);
        var blue = Rgb(h, w, 0, 0, 255);

        // RGB: every value differs by 255 -> MSE = 255^2 -> PSNR = 0 dB.
        Assert.Equal(0.0, ImageMetrics.Psnr(white, black, 3, h, w), Tol);
        // Y: 235 vs 16 -> diff 219 -> 20*log10(255/219) = 1.32192131187674 dB.
        Assert.Equal(20 * Math.Log10(255.0 / 219), ImageMetrics.Psnr(white, black, 3, h, w, yChannel: true), Tol);
        Assert.Equal(1.32192131187674, ImageMetrics.Psnr(white, black, 3, h, w, yChannel: true), 1e-9);
        // Y: red 81.481 vs black 16 -> diff 65.481 (not re-rounded; 65 would give 11.8711 dB)
        // -> 20*log10(255/65.481) = 11.8084975453881 dB. Also proves plane 0 is taken as R.
        Assert.Equal(11.8084975453881, ImageMetrics.Psnr(red, black, 3, h, w, yChannel: true), 1e-9);
        // Y: red vs blue -> diff 65.481 - 24.966 = 40.515 -> 20*log10(255/40.515) = 15.9784867438165 dB.
        Assert.Equal(15.9784867438165, ImageMetrics.Psnr(red, blue, 3, h, w, yChannel: true), 1e-9);
        // RGB red vs blue: two of three planes differ by 255 -> MSE = 2/3 * 255^2 -> 10*log10(3/2).
        Assert.Equal(10 * Math.Log10(1.5), ImageMetrics.Psnr(red, blue, 3, h, w), Tol);
    }

    [Fact]
    public void YChannel_SingleChannelIsIgnored_OtherCountsRejected()
    {
        var a = RandomLevels(36, seed: 3);
        var b = RandomLevels(36, seed: 4);
        Assert.Equal(ImageMetrics.Psnr(a, b, 1, 6, 6), ImageMetrics.Psnr(a, b, 1, 6, 6, yChannel: true));
        var ex = Assert.Throws<ArgumentException>(() => ImageMetrics.Psnr(a, b, 2, 3, 6, yChannel: true));
        Assert.Contains("2", ex.Message);
    }

    [Fact]
    public void Psnr_RoundsLikeOfficial_HalfToEvenAfterSinglePrecisionScale()
    {
        // The official test does (x*255).round() in float32 (NumPy: half to even).
        // (k+0.5)/255 scales back to exactly k+0.5, so 0.5,1.5,...,7.5 -> 0,2,2,4,4,6,6,8.
        var half = Enumerable.Range(0, 8).Select(k => (float)((k + 0.5) / 255)).ToArray();
        Assert.Equal(new double[] { 0, 2, 2, 4, 4, 6, 6, 8 }, half.Select(ImageMetrics.ToUint8Value).ToArray());
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(half, Levels(0, 2, 2, 4, 4, 6, 6, 8), 1, 2, 4));
        // Half away from zero would give 1..8; against that the MSE is 4 errors of 1 in 8 -> 0.5:
        // PSNR = 20*log10(255/sqrt(0.5)) = 10*log10(2 * 255^2).
        Assert.Equal(10 * Math.Log10(2.0 * 255 * 255), ImageMetrics.Psnr(half, Levels(1, 2, 3, 4, 5, 6, 7, 8), 1, 2, 4), Tol);

        // Values are clamped to [0, 1] before scaling.
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(new[] { -0.2f, 1.3f }, new[] { 0f, 1f }, 1, 1, 2));
        // And a sub-level difference disappears after rounding (0.3/255 -> 0).
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(new[] { 0.3f / 255 }, new[] { 0f }, 1, 1, 1));
    }

    // ---------------------------------------------------------------- SSIM

    [Fact]
    public void Ssim_Identical_IsOne()
    {
        var a = RandomLevels(3 * 20 * 23, seed: 5);
        Assert.Equal(1.0, ImageMetrics.Ssim(a, (float[])a.Clone(), 3, 20, 23));
        Assert.Equal(1.0, ImageMetrics.Ssim(a, a, 3, 20, 23, cropBorder: 3, yChannel: true));
    }

    [Fact]
    public void Ssim_ConstantOffsetOnConstantImage_IsLuminanceTermOnly()
    {
        // Constant images have zero local variance and covariance, so the contrast-structure
        // factor is (0 + C2)/(0 + 0 + C2) = 1 and SSIM = (2*mx*my + C1)/(mx^2 + my^2 + C1),
        // C1 = (0.01*255)^2 = 6.5025. For 100 vs 110:
        //   (22000 + 6.5025) / (10000 + 12100 + 6.5025) = 22006.5025 / 22106.5025 = 0.995476444091507.
        const int n = 16;
        double ssim = ImageMetrics.Ssim(Constant(n * n, 100), Constant(n * n, 110), 1, n, n);
        Assert.Equal(0.995476444091507, ssim, 1e-12);

        // RGB grey: SSIM per channel is the same value, so the channel average is too.
        Assert.Equal(0.995476444091507, ImageMetrics.Ssim(Rgb(n, n, 100, 100, 100), Rgb(n, n, 110, 110, 110), 3, n, n), 1e-12);

        // Y of grey v is 16 + 219 v / 255: 101.882352941... vs 110.470588235...
        double ya = 16 + 219.0 * 100 / 255, yb = 16 + 219.0 * 110 / 255, c1 = 6.5025;
        double expectedY = (2 * ya * yb + c1) / (ya * ya + yb * yb + c1);
        Assert.Equal(expectedY, ImageMetrics.Ssim(Rgb(n, n, 100, 100, 100), Rgb(n, n, 110, 110, 110), 3, n, n, yChannel: true), 1e-12);
    }

    [Fact]
    public void Ssim_SingleWindow_CentreImpulse_HandDerived()
    {
        // 11x11 images give exactly one 'valid' window. x = 100 everywhere; y = 100 except the
        // centre, 110. With g_i = exp(-(i-5)^2 / (2*1.5^2)) / sum_j exp(-(j-5)^2 / 4.5), the
        // centre weight of the 2-D window is wc = g_5^2. Then
        //   mu_x = 100, mu_y = 100 + 10 wc,
        //   var_x = 0, cov = 0, var_y = wc*110^2 + (1-wc)*100^2 - mu_y^2 = 100 wc (1 - wc),
        //   SSIM = (2 mu_x mu_y + C1)/(mu_x^2 + mu_y^2 + C1) * C2/(var_y + C2), C2 = (0.03*255)^2 = 58.5225.
        double sum = 0;
        for (int j = 0; j < 11; j++) sum += Math.Exp(-(j - 5) * (j - 5) / 4.5);
        double wc = 1 / (sum * sum);
        double muY = 100 + 10 * wc, varY = 100 * wc * (1 - wc);
        const double c1 = 6.5025, c2 = 58.5225;
        double expected = (2 * 100 * muY + c1) / (100 * 100 + muY * muY + c1) * c2 / (varY + c2);

        var x = Constant(121, 100);
        var y = Constant(121, 100);
        y[5 * 11 + 5] = 110 / 255f;
        Assert.Equal(expected, ImageMetrics.Ssim(x, y, 1, 11, 11), 1e-12);
        Assert.InRange(expected, 0.5, 0.99); // sanity: a clearly visible but partial drop
    }

    [Fact]
    public void GaussianWindow_IsNormalisedSymmetricWithHandRatios()
    {
        var g = ImageMetrics.GaussianKernel(11, 1.5);
        Assert.Equal(1.0, g.Sum(), 1e-15);
        for (int i = 0; i < 11; i++)
        {
            Assert.Equal(g[i], g[10 - i], 1e-17);
            // g_i / g_5 = exp(-(i-5)^2 / 4.5)
            Assert.Equal(Math.Exp(-(i - 5) * (i - 5) / 4.5), g[i] / g[5], 1e-14);
        }
    }

    [Fact]
    public void Ssim_IsSymmetric()
    {
        var a = RandomLevels(3 * 19 * 21, seed: 6);
        var b = RandomLevels(3 * 19 * 21, seed: 7);
        double ab = ImageMetrics.Ssim(a, b, 3, 19, 21, cropBorder: 2);
        double ba = ImageMetrics.Ssim(b, a, 3, 19, 21, cropBorder: 2);
        Assert.Equal(ab, ba, 1e-14);
        Assert.True(ab < 0.5); // independent noise images are dissimilar
    }

    [Fact]
    public void Ssim_ContrastScaled_IsNearTwoAlphaOverOnePlusAlphaSquared()
    {
        // y = 128 + alpha (x - 128) keeps local means nearly equal (luminance term ~1) and scales
        // the deviations: var_y = alpha^2 var_x, cov = alpha var_x, so the contrast-structure term is
        // (2 alpha var_x + C2) / ((1 + alpha^2) var_x + C2) -> 2 alpha / (1 + alpha^2) = 0.8 for
        // alpha = 0.5 when var_x >> C2. Uniform levels in [50, 200] have var ~ 151^2/12 ~ 1900,
        // giving (950*2 + 58.5) / (1.25*1900 + 58.5) ~ 0.805; rounding y to levels adds a little noise.
        const int n = 32;
        var rng = new Random(8);
        var xl = Enumerable.Range(0, n * n).Select(_ => rng.Next(50, 201)).ToArray();
        var yl = xl.Select(k => (int)Math.Round(128 + 0.5 * (k - 128))).ToArray();
        double ssim = ImageMetrics.Ssim(Levels(xl), Levels(yl), 1, n, n);
        Assert.InRange(ssim, 0.77, 0.83);
    }

    [Fact]
    public void Ssim_CropBorder_ExcludesCorruptedBorder()
    {
        const int n = 15;
        var a = RandomLevels(n * n, seed: 9);
        var b = (float[])a.Clone();
        for (int i = 0; i < n; i++)
        {
            b[i] = 1 - b[i];                     // top row
            b[(n - 1) * n + i] = 1 - b[(n - 1) * n + i]; // bottom row
            b[i * n] = 1 - b[i * n];             // left column
        }
        Assert.True(ImageMetrics.Ssim(a, b, 1, n, n) < 0.999);
        Assert.Equal(1.0, ImageMetrics.Ssim(a, b, 1, n, n, cropBorder: 1));
    }

    // ---------------------------------------------------------------- Fidelity

    [Fact]
    public void Fidelity_HandComputed()
    {
        // Binary-exact values. Diffs 0.0625, 0, 0.125, 0 ->
        //   MSE = (1/256 + 1/64)/4 = 5/1024 -> PSNR = 10*log10(1024/5) = 23.1132995230379 dB
        //   max = 0.125, mean = 0.1875/4 = 0.046875.
        var a = new[] { 0.25f, 0.5f, 0.75f, 1.0f };
        var b = new[] { 0.3125f, 0.5f, 0.625f, 1.0f };
        Assert.Equal(10 * Math.Log10(1024.0 / 5), ImageMetrics.FidelityPsnr(a, b), Tol);
        Assert.Equal(23.1132995230379, ImageMetrics.FidelityPsnr(a, b), 1e-9);
        Assert.Equal(0.125, ImageMetrics.MaxAbsDiff(a, b));
        Assert.Equal(0.046875, ImageMetrics.MeanAbsDiff(a, b));
        Assert.Equal(ImageMetrics.FidelityPsnr(a, b), ImageMetrics.FidelityPsnr(b, a));
    }

    [Fact]
    public void Fidelity_Identical_IsInfinityAndZero()
    {
        var a = RandomLevels(50, seed: 10);
        Assert.Equal(double.PositiveInfinity, ImageMetrics.FidelityPsnr(a, (float[])a.Clone()));
        Assert.Equal(0.0, ImageMetrics.MaxAbsDiff(a, a));
        Assert.Equal(0.0, ImageMetrics.MeanAbsDiff(a, a));
    }

    [Fact]
    public void Fidelity_DoesNotRound()
    {
        // A 0.25-level difference vanishes in the 8-bit PSNR but not in the fidelity PSNR:
        // MSE = (0.25/255)^2 -> 20*log10(255/0.25) = 20*log10(1020).
        var a = new[] { 100 / 255f };
        var b = new[] { 100.25f / 255f };
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(a, b, 1, 1, 1));
        Assert.Equal(20 * Math.Log10(1020), ImageMetrics.FidelityPsnr(a, b), 1e-3);
        Assert.Equal(0.25 / 255, ImageMetrics.MaxAbsDiff(a, b), 1e-7);
    }

    [Fact]
    public void Fidelity_NaN_Propagates()
    {
        var a = new[] { 0.1f, float.NaN };
        var b = new[] { 0.1f, 0.2f };
        Assert.True(double.IsNaN(ImageMetrics.FidelityPsnr(a, b)));
        Assert.True(double.IsNaN(ImageMetrics.MaxAbsDiff(a, b)));
        Assert.True(double.IsNaN(ImageMetrics.MeanAbsDiff(a, b)));
        Assert.True(double.IsNaN(ImageMetrics.Psnr(a, b, 1, 1, 2)));
    }

    // ---------------------------------------------------------------- Validation

    [Fact]
    public void MismatchedSizes_ThrowNamingBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageMetrics.Psnr(new float[12], new float[11], 3, 2, 2));
        Assert.Contains("3x2x2", ex.Message);
        Assert.Contains("12", ex.Message);
        Assert.Contains("11", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => ImageMetrics.Ssim(new float[300], new float[363], 3, 10, 10));
        Assert.Contains("363", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => ImageMetrics.FidelityPsnr(new float[4], new float[5]));
        Assert.Contains("4", ex.Message);
        Assert.Contains("5", ex.Message);
        Assert.Throws<ArgumentException>(() => ImageMetrics.MaxAbsDiff(new float[4], new float[5]));
        Assert.Throws<ArgumentException>(() => ImageMetrics.MeanAbsDiff(new float[0], new float[0]));
    }

    [Fact]
    public void CropBorderTooLarge_ThrowsClearError()
    {
        var a = new float[16];
        var ex = Assert.Throws<ArgumentException>(() => ImageMetrics.Psnr(a, a, 1, 4, 4, cropBorder: 2));
        Assert.Contains("Crop border 2", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageMetrics.Psnr(a, a, 1, 4, 4, cropBorder: -1));
        Assert.True(double.IsPositiveInfinity(ImageMetrics.Psnr(a, a, 1, 4, 4, cropBorder: 1)));

        // SSIM needs an 11x11 window after cropping: 14 - 2*2 = 10 is too small, 14 - 2*1 = 12 is fine.
        var s = new float[14 * 14];
        ex = Assert.Throws<ArgumentException>(() => ImageMetrics.Ssim(s, s, 1, 14, 14, cropBorder: 2));
        Assert.Contains("10x10", ex.Message);
        Assert.Equal(1.0, ImageMetrics.Ssim(s, s, 1, 14, 14, cropBorder: 1));
    }
}
