using SwinBench.Imaging;
using Xunit;

namespace SwinBench.Tests.Imaging;

/// <summary>
/// Tests of the MATLAB-compatible bicubic resize against values derived by hand.
///
/// Shared derivations used below (a = -0.5 Keys kernel):
///   cubic(x) = 1.5|x|^3 - 2.5|x|^2 + 1             for |x| &lt;= 1
///            = -0.5|x|^3 + 2.5|x|^2 - 4|x| + 2     for 1 &lt; |x| &lt;= 2, else 0.
///   cubic(0.25) = 1.5/64 - 2.5/16 + 1         = 0.0234375 - 0.15625 + 1          =  0.8671875
///   cubic(0.75) = 1.5*27/64 - 2.5*9/16 + 1    = 0.6328125 - 1.40625 + 1          =  0.2265625
///   cubic(1.25) = -0.5*125/64 + 2.5*25/16 - 5 + 2 = -0.9765625 + 3.90625 - 3     = -0.0703125
///   cubic(1.75) = -0.5*343/64 + 2.5*49/16 - 7 + 2 = -2.6796875 + 7.65625 - 5     = -0.0234375
///   cubic(1) = cubic(2) = 0.
///
/// Downscale by 2 (scale s = 0.5): kernel h(d) = s*cubic(s*d), width 4/s = 8, P = ceil(8)+2 = 10.
///   Output x (1-based) samples u = x/s + 0.5(1 - 1/s) = 2x - 0.5, so u = 1.5, 3.5, ...
///   Distances u - i take the values ±0.5, ±1.5, ±2.5, ±3.5 (and ±4.5 which gives 0):
///     h(0.5) = 0.5*cubic(0.25) = 0.43359375     h(1.5) = 0.5*cubic(0.75) = 0.11328125
///     h(2.5) = 0.5*cubic(1.25) = -0.03515625    h(3.5) = 0.5*cubic(1.75) = -0.01171875
///   Their sum is 2*(0.43359375+0.11328125-0.03515625-0.01171875) = 1, so normalisation is a no-op.
///
/// Upscale by 2 (s = 2): plain cubic, width 4, P = 6, u = x/2 + 0.25 = 0.75, 1.25, 1.75, 2.25.
/// </summary>
public class MatlabResizeTests
{
    private const double Exact = 1e-12;
    private const double FloatTol = 1e-6;

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 0.8671875)]
    [InlineData(-0.25, 0.8671875)]
    [InlineData(0.75, 0.2265625)]
    [InlineData(1.0, 0.0)]
    [InlineData(1.25, -0.0703125)]
    [InlineData(-1.75, -0.0234375)]
    [InlineData(2.0, 0.0)]
    [InlineData(2.5, 0.0)]
    public void Cubic_MatchesHandValues(double x, double expected)
    {
        Assert.Equal(expected, MatlabResize.Cubic(x), Exact);
    }

    [Fact]
    public void Contributions_Downscale2_Length4_HandWeightsAndMirroredIndices()
    {
        // n = 4 -> 2 outputs. Output 1: u = 1.5, left = floor(1.5 - 4) = -3, indices -3..6.
        // d = u - i = 4.5 (w 0), 3.5, 2.5, 1.5, 0.5, -0.5, -1.5, -2.5, -3.5, -4.5 (w 0).
        // Output 2: u = 3.5, left = -1, indices -1..8, same distances. The first and last tap
        // columns are zero for both outputs and are trimmed, leaving 8 taps.
        var k = MatlabResize.Contributions(4, 2, 0.5);
        Assert.Equal(8, k.Taps);
        double[] w = { -0.01171875, -0.03515625, 0.11328125, 0.43359375, 0.43359375, 0.11328125, -0.03515625, -0.01171875 };
        for (int o = 0; o < 2; o++)
            for (int t = 0; t < 8; t++)
                Assert.Equal(w[t], k.Weights[o * 8 + t], Exact);

        // Symmetric padding (1-based): 0->1, -1->2, -2->3, 5->4, 6->3, 7->2.
        // Output 1 indices -2..5 -> 3,2,1,1,2,3,4,4 -> 0-based 2,1,0,0,1,2,3,3.
        // Output 2 indices  0..7 -> 1,1,2,3,4,4,3,2 -> 0-based 0,0,1,2,3,3,2,1.
        Assert.Equal(new[] { 2, 1, 0, 0, 1, 2, 3, 3, 0, 0, 1, 2, 3, 3, 2, 1 }, k.Indices);
    }

    [Theory]
    // 1-based index -> 0-based mirrored index for n = 4 (sequence 1,2,3,4,4,3,2,1 repeating).
    [InlineData(1, 0)]
    [InlineData(4, 3)]
    [InlineData(0, 0)]
    [InlineData(-1, 1)]
    [InlineData(-2, 2)]
    [InlineData(-3, 3)]
    [InlineData(-4, 3)]
    [InlineData(5, 3)]
    [InlineData(6, 2)]
    [InlineData(8, 0)]
    [InlineData(9, 0)]
    [InlineData(10, 1)]
    public void MirrorIndex_IsMatlabSymmetricPadding(long oneBased, int expected)
    {
        Assert.Equal(expected, MatlabResize.MirrorIndex(oneBased, 4));
    }

    [Theory]
    // Folding the 8 weights of the previous test onto the mirrored sources gives, for output 1,
    //   s1: 0.11328125 + 0.43359375 = 0.546875     s2: -0.03515625 + 0.43359375 = 0.3984375
    //   s3: -0.01171875 + 0.11328125 = 0.1015625   s4: -0.03515625 - 0.01171875 = -0.046875
    // and for output 2 the same weights reversed (s4 0.546875, s3 0.3984375, s2 0.1015625, s1 -0.046875).
    // [0,0,0,1] -> [-0.046875, 0.546875]; [1,0,0,0] -> [0.546875, -0.046875];
    // [0.25,0.5,0.75,1] -> out1 = 0.13671875 + 0.19921875 + 0.076171875 - 0.046875 = 0.365234375
    //                      out2 = -0.01171875 + 0.05078125 + 0.298828125 + 0.546875 = 0.884765625
    [InlineData(new float[] { 0, 0, 0, 1 }, -0.046875, 0.546875)]
    [InlineData(new float[] { 1, 0, 0, 0 }, 0.546875, -0.046875)]
    [InlineData(new float[] { 0.25f, 0.5f, 0.75f, 1 }, 0.365234375, 0.884765625)]
    public void Downscale2_Length4_SymmetricBoundary_HandValues(float[] signal, double out1, double out2)
    {
        // A 1x4 image: the height pass (length 1) is an identity since every tap mirrors to row 0.
        var (dst, h, w) = MatlabResize.Downscale(signal, 1, 1, 4, 2);
        Assert.Equal((1, 2), (h, w));
        Assert.Equal(out1, dst[0], FloatTol);
        Assert.Equal(out2, dst[1], FloatTol);

        // Same along the height of a 4x1 image.
        var (dstT, hT, wT) = MatlabResize.Downscale(signal, 1, 4, 1, 2);
        Assert.Equal((2, 1), (hT, wT));
        Assert.Equal(out1, dstT[0], FloatTol);
        Assert.Equal(out2, dstT[1], FloatTol);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0 / 3.0)]
    [InlineData(0.25)]
    [InlineData(0.7)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    public void ConstantImage_StaysConstant(double scale)
    {
        // Weights are normalised to sum 1, so any constant is reproduced exactly (up to rounding).
        const float value = 0.37f;
        var src = Enumerable.Repeat(value, 3 * 9 * 7).ToArray();
        var (dst, h, w) = MatlabResize.Resize(src, 3, 9, 7, scale);
        Assert.Equal(3 * h * w, dst.Length);
        Assert.All(dst, v => Assert.Equal(value, v, FloatTol));
    }

    [Theory]
    [InlineData(2, 16)]
    [InlineData(4, 32)]
    public void LinearRamp_InteriorMapsToRampAtSampledCentres(int factor, int n)
    {
        // Ramp value at 0-based index j is j/(n-1). Output x (1-based) samples
        // u = factor*x + 0.5*(1 - factor) (1-based), i.e. 0-based position u - 1.
        // The stretched kernel is nonzero only for |u - i| < 2*factor and its tap distances are
        // symmetric about u, so with weights summing to 1, sum w_i * i = u exactly: the output
        // is the ramp evaluated at the centre, as long as no tap is mirrored, i.e. for
        // u - 2*factor >= 0 and u + 2*factor <= n + 1. For both cases that is x = 3..6.
        var ramp = Enumerable.Range(0, n).Select(j => (float)j / (n - 1)).ToArray();
        var (row, _, w) = MatlabResize.Downscale(ramp, 1, 1, n, factor);
        var (col, h, _) = MatlabResize.Downscale(ramp, 1, n, 1, factor);
        Assert.Equal(n / factor, w);
        Assert.Equal(n / factor, h);
        for (int x = 3; x <= 6; x++)
        {
            double u = factor * x + 0.5 * (1 - factor);
            double expected = (u - 1) / (n - 1);
            Assert.Equal(expected, row[x - 1], FloatTol);
            Assert.Equal(expected, col[x - 1], FloatTol);
        }
        // Near the boundary the mirror bends the ramp, so output 1 is not on it.
        double u1 = factor + 0.5 * (1 - factor);
        Assert.True(Math.Abs(row[0] - (u1 - 1) / (n - 1)) > 1e-4);
    }

    [Fact]
    public void Checkerboard_Downscale2_InteriorIsHalf_CornerMatchesHand()
    {
        // p(i,j) = (i+j) % 2 on 16x16 -> 8x8. Along one dimension, the 8 weights at distances
        // ±0.5, ±1.5, ±2.5, ±3.5 fall on alternating parities: one parity gets
        // 0.43359375 + 0.11328125 - 0.03515625 - 0.01171875 = 0.5, the other the same 0.5.
        // So every output whose taps are all in range (x = 3..6, 1-based) is exactly 0.5
        // after either pass, hence 0.5 in 2-D.
        //
        // Corner (0,0), n = 16: output 1 has u = 1.5 and taps at 1-based i = -2..5 with weights
        // -0.01171875, -0.03515625, 0.11328125, 0.43359375, 0.43359375, 0.11328125, -0.03515625, -0.01171875.
        // Mirroring (n = 16) sends -2 -> 3, -1 -> 2, 0 -> 1 and leaves 1..5 in place, so the folded
        // weights on sources 1..5 are
        //   s1: 0.11328125 + 0.43359375 = 0.546875     s2: -0.03515625 + 0.43359375 = 0.3984375
        //   s3: -0.01171875 + 0.11328125 = 0.1015625   s4: -0.03515625   s5: -0.01171875
        // Odd sources (s1,s3,s5) total 0.63671875 = 163/256, even ones (s2,s4) 0.36328125 = 93/256.
        // Height pass, row 0, column j: 1-based odd rows hold p = j%2, even rows 1 - j%2, so
        //   j even: 0.36328125, j odd: 0.63671875.
        // Width pass at column 0 over that alternating row (1-based odd columns = even j):
        //   0.63671875*0.36328125 + 0.36328125*0.63671875 = 2*163*93/65536 = 30318/65536 = 0.462615966796875.
        const int n = 16;
        var src = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                src[i * n + j] = (i + j) % 2;
        var (dst, h, w) = MatlabResize.Downscale(src, 1, n, n, 2);
        Assert.Equal((8, 8), (h, w));
        for (int i = 2; i <= 5; i++)
            for (int j = 2; j <= 5; j++)
                Assert.Equal(0.5, dst[i * w + j], FloatTol);
        Assert.Equal(0.462615966796875, dst[0], FloatTol);
    }

    [Theory]
    [InlineData(7, 2, 4)]   // ceil(3.5)
    [InlineData(8, 2, 4)]
    [InlineData(7, 3, 3)]   // ceil(2.33)
    [InlineData(9, 3, 3)]
    [InlineData(10, 3, 4)]  // ceil(3.33)
    [InlineData(255, 3, 85)]
    [InlineData(1, 4, 1)]
    public void OutputSize_IsCeiling(int n, int factor, int expected)
    {
        var src = new float[2 * n * (n + 1)];
        var (dst, h, w) = MatlabResize.Downscale(src, 2, n, n + 1, factor);
        Assert.Equal(expected, h);
        Assert.Equal((n + 1 + factor - 1) / factor, w);
        Assert.Equal(2 * h * w, dst.Length);
        // The double-scale API agrees with the integer rule for these cases.
        var (_, h2, _) = MatlabResize.Resize(src, 2, n, n + 1, 1.0 / factor);
        Assert.Equal(expected, h2);
    }

    [Fact]
    public void OutputSize_Upscale_IsCeiling()
    {
        var (_, h, w) = MatlabResize.Resize(new float[5 * 3], 1, 5, 3, 1.5);
        Assert.Equal((8, 5), (h, w)); // ceil(7.5) = 8, ceil(4.5) = 5
    }

    [Fact]
    public void Upscale2_Length2_HandValues_NoAntialiasNoClamp()
    {
        // s = 2, n = 2 -> 4 outputs, u = 0.75, 1.25, 1.75, 2.25.
        // x=1: u = 0.75, left = floor(0.75 - 2) = -2, indices -2..3,
        //      d = 2.75 (0), 1.75, 0.75, -0.25, -1.25, -2.25 (0)
        //      weights -0.0234375 (i=-1 -> 2), 0.2265625 (i=0 -> 1), 0.8671875 (i=1), -0.0703125 (i=2); sum 1.
        //      => out1 = 1.09375*s1 - 0.09375*s2
        // x=2: u = 1.25, left = -1, d = 2.25 (0), 1.25, 0.25, -0.75, -1.75, -2.75 (0)
        //      weights -0.0703125 (i=0 -> 1), 0.8671875 (i=1), 0.2265625 (i=2), -0.0234375 (i=3 -> 2)
        //      => out2 = 0.796875*s1 + 0.203125*s2; outputs 3, 4 mirror these.
        // [0, 1] -> [-0.09375, 0.203125, 0.796875, 1.09375] (overshoot kept: no clamping for floats).
        var (dst, h, w) = MatlabResize.Resize(new float[] { 0, 1 }, 1, 1, 2, 2.0);
        Assert.Equal((2, 4), (h, w));
        double[] row = { -0.09375, 0.203125, 0.796875, 1.09375 };
        for (int r = 0; r < 2; r++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(row[j], dst[r * 4 + j], FloatTol);
    }

    [Fact]
    public void Upscale2_2x2Impulse_IsOuterProductOfHandWeights()
    {
        // From the previous derivation, the weight of source 1 for outputs 1..4 is
        // W = [1.09375, 0.796875, 0.203125, -0.09375]. Separability gives out(i,j) = W[i]*W[j]
        // for an impulse at the top-left pixel.
        double[] wv = { 1.09375, 0.796875, 0.203125, -0.09375 };
        var (dst, h, w) = MatlabResize.Resize(new float[] { 1, 0, 0, 0 }, 1, 2, 2, 2.0);
        Assert.Equal((4, 4), (h, w));
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(wv[i] * wv[j], dst[i * 4 + j], FloatTol);
        Assert.Equal(1.1962890625, dst[0], FloatTol);
        Assert.Equal(0.161865234375, dst[1 * 4 + 2], FloatTol);
        Assert.Equal(-0.1025390625, dst[3], FloatTol);
    }

    [Fact]
    public void QuantizeUint8_Upscale_RoundsAndClamps()
    {
        // Same 1-D case, times 255, clamped and rounded:
        // -23.90625 -> 0, 51.796875 -> 52, 203.203125 -> 203, 278.90625 -> 255.
        var (dst, _, _) = MatlabResize.Resize(new float[] { 0, 1 }, 1, 1, 2, 2.0, quantizeUint8: true);
        Assert.Equal(0.0, dst[0], FloatTol);
        Assert.Equal(52 / 255.0, dst[1], FloatTol);
        Assert.Equal(203 / 255.0, dst[2], FloatTol);
        Assert.Equal(1.0, dst[3], FloatTol);
    }

    [Fact]
    public void QuantizeUint8_RoundsAfterEachPass_LikeMatlabUint8()
    {
        // 2x2 impulse (255 at top-left) upscaled x2. Equal scales: height pass first.
        // Height pass, column 0: 255*W = [278.9, 203.2, 51.8, -23.9] -> uint8 [255, 203, 52, 0];
        // column 1 stays 0. Width pass of row r = [v_r, 0] gives round(clamp(v_r * W[j])):
        //   r0 (255): 278.9->255, 203.203125->203, 51.796875->52, <0->0
        //   r1 (203): 222.03125->222, 161.765625->162, 41.234375->41, 0
        //   r2 (52):  56.875->57, 41.4375->41, 10.5625->11, 0
        //   r3 (0):   0, 0, 0, 0
        // Rounding only at the end would give r0 = [255, 222, 57, 0] (278.9 unclamped).
        int[] expected = { 255, 203, 52, 0, 222, 162, 41, 0, 57, 41, 11, 0, 0, 0, 0, 0 };
        var (dst, _, _) = MatlabResize.Resize(new float[] { 1, 0, 0, 0 }, 1, 2, 2, 2.0, quantizeUint8: true);
        for (int i = 0; i < 16; i++)
            Assert.Equal(expected[i] / 255.0, dst[i], FloatTol);
    }

    [Fact]
    public void QuantizeUint8_Downscale_GivesUint8LevelsCloseToFloatResult()
    {
        var rng = new Random(7);
        var src = Enumerable.Range(0, 3 * 12 * 10).Select(_ => rng.Next(256) / 255f).ToArray();
        var (q, h, w) = MatlabResize.Downscale(src, 3, 12, 10, 2, quantizeUint8: true);
        var (f, h2, w2) = MatlabResize.Downscale(src, 3, 12, 10, 2);
        Assert.Equal((h, w), (h2, w2));
        bool anyDifferent = false;
        for (int i = 0; i < q.Length; i++)
        {
            double level = q[i] * 255.0;
            Assert.Equal(Math.Round(level), level, 1e-3);
            Assert.InRange(q[i], 0f, 1f);
            // Error budget: 0.5 level after pass 1, amplified by sum|w| (< 1.1) in pass 2, plus 0.5
            // at the end, plus any clamping (which only moves values towards [0,1]).
            Assert.True(Math.Abs(q[i] - Math.Clamp(f[i], 0f, 1f)) <= 1.1 / 255, $"pixel {i}");
            anyDifferent |= q[i] != f[i];
        }
        Assert.True(anyDifferent);
    }

    [Fact]
    public void QuantizeUint8_UsesMatlabDimensionOrder_SmallestScaleFirst()
    {
        // scaleH = 2 (upscale), scaleW = 0.5: MATLAB resizes width (smaller scale) first.
        // Compose the passes by hand, quantising in between, in both orders; the result must
        // equal the width-first composition, and the two orders must differ on this image.
        var rng = new Random(11);
        int c = 1, h = 6, w = 10;
        var src = Enumerable.Range(0, c * h * w).Select(_ => rng.Next(256) / 255f).ToArray();
        var levels = src.Select(v => Math.Round(v * 255.0)).ToArray();
        int outH = 12, outW = 5;

        double[] Q(double[] a) => a.Select(v => Math.Round(Math.Clamp(v, 0, 255), MidpointRounding.AwayFromZero)).ToArray();
        var widthFirst = Q(MatlabResize.ResizeAlongHeight(Q(MatlabResize.ResizeAlongWidth(levels, c, h, w, outW, 0.5)), c, h, outW, outH, 2.0));
        var heightFirst = Q(MatlabResize.ResizeAlongWidth(Q(MatlabResize.ResizeAlongHeight(levels, c, h, w, outH, 2.0)), c, outH, w, outW, 0.5));

        var (dst, rh, rw) = MatlabResize.Resize(src, c, h, w, 2.0, 0.5, quantizeUint8: true);
        Assert.Equal((outH, outW), (rh, rw));
        for (int i = 0; i < dst.Length; i++)
            Assert.Equal(widthFirst[i] / 255.0, dst[i], FloatTol);
        Assert.Contains(Enumerable.Range(0, dst.Length), i => widthFirst[i] != heightFirst[i]);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0 / 3.0)]
    [InlineData(2.0)]
    public void Separability_OrderDoesNotMatterForEqualFactors(double scale)
    {
        var rng = new Random(3);
        int c = 3, h = 13, w = 17;
        var src = Enumerable.Range(0, c * h * w).Select(_ => rng.NextDouble()).ToArray();
        int outH = MatlabResize.OutputLength(h, scale), outW = MatlabResize.OutputLength(w, scale);

        var hw = MatlabResize.ResizeAlongWidth(MatlabResize.ResizeAlongHeight(src, c, h, w, outH, scale), c, outH, w, outW, scale);
        var wh = MatlabResize.ResizeAlongHeight(MatlabResize.ResizeAlongWidth(src, c, h, w, outW, scale), c, h, outW, outH, scale);
        var (viaApi, _, _) = MatlabResize.Resize(src.Select(v => (float)v).ToArray(), c, h, w, scale);

        Assert.Equal(c * outH * outW, hw.Length);
        for (int i = 0; i < hw.Length; i++)
        {
            Assert.Equal(hw[i], wh[i], 1e-6);
            Assert.Equal(hw[i], viaApi[i], 1e-6);
        }
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => MatlabResize.Resize(new float[11], 1, 3, 4, 0.5));
        Assert.Throws<ArgumentException>(() => MatlabResize.Downscale(new float[0], 1, 0, 4, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatlabResize.Resize(new float[12], 1, 3, 4, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatlabResize.Resize(new float[12], 1, 3, 4, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatlabResize.Downscale(new float[12], 1, 3, 4, 0));
    }
}
