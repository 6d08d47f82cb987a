namespace SwinBench.Imaging;

/// <summary>
/// Per-output-sample interpolation weights along one dimension, as used by the
/// MATLAB-compatible bicubic resize. Output sample <c>o</c> (0-based) is
/// <c>sum over t in [0, Taps) of Weights[o*Taps + t] * input[Indices[o*Taps + t]]</c>.
/// </summary>
/// <param name="InLength">Length of the input dimension.</param>
/// <param name="OutLength">Length of the output dimension.</param>
/// <param name="Taps">Number of taps per output sample (after trimming all-zero tap columns).</param>
/// <param name="Indices">0-based input indices, already mirrored into <c>[0, InLength)</c>; row-major <c>OutLength x Taps</c>.</param>
/// <param name="Weights">Normalised weights (each row sums to 1); row-major <c>OutLength x Taps</c>.</param>
public sealed record ResizeContributions(int InLength, int OutLength, int Taps, int[] Indices, double[] Weights);

/// <summary>
/// Bicubic image resize that reproduces MATLAB's <c>imresize(img, scale, 'bicubic')</c>
/// (antialiasing on, the default), which the standard super-resolution protocol uses to make
/// low-resolution inputs from high-resolution images.
/// </summary>
/// <remarks>
/// <para>Images are planar CHW <see cref="float"/> arrays with values nominally in [0, 1].
/// All arithmetic is done in <see cref="double"/>.</para>
/// <para>Algorithm, per dimension, with 1-based output index x and input length n:</para>
/// <list type="bullet">
/// <item>Kernel: Keys cubic with a = -0.5. When downscaling (scale &lt; 1) it is stretched:
/// h(d) = scale * cubic(scale * d), width 4/scale; otherwise h = cubic, width 4.</item>
/// <item>Source coordinate of output x: u = x/scale + 0.5*(1 - 1/scale).</item>
/// <item>Taps: left = floor(u - width/2), indices left .. left+P-1 with P = ceil(width) + 2,
/// weights h(u - index) normalised to sum 1.</item>
/// <item>Out-of-range indices are mirrored symmetrically (the sequence 1..n, n..1 repeated), so
/// 0 maps to 1, -1 to 2, n+1 to n, n+2 to n-1.</item>
/// <item>Tap columns whose weight is zero for every output are dropped (this does not change results).</item>
/// <item>Output length is ceil(n * scale). The dimension with the smaller scale is resized first;
/// on a tie, height first.</item>
/// </list>
/// <para>With <c>quantizeUint8</c> the image is treated like a MATLAB uint8 image: the input is
/// rounded to 0..255 integers, and after <em>each</em> one-dimensional pass the result is clamped to
/// [0, 255] and rounded (half away from zero), because MATLAB's per-dimension resize returns the
/// class of its input. The final result is divided by 255.</para>
/// </remarks>
public static class MatlabResize
{
    /// <summary>Support of the unscaled cubic kernel (it is zero for |x| &gt; 2).</summary>
    private const double CubicKernelWidth = 4.0;

    /// <summary>
    /// Keys cubic convolution kernel with a = -0.5:
    /// 1.5|x|^3 - 2.5|x|^2 + 1 for |x| &lt;= 1, -0.5|x|^3 + 2.5|x|^2 - 4|x| + 2 for 1 &lt; |x| &lt;= 2, else 0.
    /// </summary>
    /// <param name="x">Distance in input samples.</param>
    /// <returns>Kernel value.</returns>
    public static double Cubic(double x)
    {
        double ax = Math.Abs(x);
        double ax2 = ax * ax;
        double ax3 = ax2 * ax;
        if (ax <= 1.0) return 1.5 * ax3 - 2.5 * ax2 + 1.0;
        if (ax <= 2.0) return -0.5 * ax3 + 2.5 * ax2 - 4.0 * ax + 2.0;
        return 0.0;
    }

    /// <summary>
    /// Resizes by the same <paramref name="scale"/> along height and width, like
    /// MATLAB <c>imresize(img, scale, 'bicubic')</c>. Output size is ceil(size * scale).
    /// </summary>
    /// <param name="src">Planar CHW pixels, length <c>c*h*w</c>.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Height.</param>
    /// <param name="w">Width.</param>
    /// <param name="scale">Scale factor (&gt; 0); below 1 downscales with antialiasing.</param>
    /// <param name="quantizeUint8">Emulate a uint8 image (see the class remarks); output values are then multiples of 1/255 in [0, 1].</param>
    /// <returns>The resized pixels and their height and width (channels unchanged).</returns>
    public static (float[] dst, int h, int w) Resize(float[] src, int c, int h, int w, double scale, bool quantizeUint8 = false)
        => Resize(src, c, h, w, scale, scale, quantizeUint8);

    /// <summary>
    /// Resizes with separate height and width scales, like MATLAB <c>imresize</c> with a
    /// two-element scale. Output size is (ceil(h * scaleH), ceil(w * scaleW)).
    /// </summary>
    /// <param name="src">Planar CHW pixels, length <c>c*h*w</c>.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Height.</param>
    /// <param name="w">Width.</param>
    /// <param name="scaleH">Height scale factor (&gt; 0).</param>
    /// <param name="scaleW">Width scale factor (&gt; 0).</param>
    /// <param name="quantizeUint8">Emulate a uint8 image (see the class remarks).</param>
    /// <returns>The resized pixels and their height and width.</returns>
    public static (float[] dst, int h, int w) Resize(float[] src, int c, int h, int w, double scaleH, double scaleW, bool quantizeUint8 = false)
    {
        ValidateImage(src, c, h, w);
        ValidateScale(scaleH, nameof(scaleH));
        ValidateScale(scaleW, nameof(scaleW));
        int outH = OutputLength(h, scaleH);
        int outW = OutputLength(w, scaleW);
        return ResizeCore(src, c, h, w, outH, outW, scaleH, scaleW, quantizeUint8);
    }

    /// <summary>
    /// Downscales by an integer factor, like MATLAB <c>imresize(img, 1/factor, 'bicubic')</c>.
    /// Output size is ceil(size / factor), computed exactly in integers.
    /// </summary>
    /// <param name="src">Planar CHW pixels, length <c>c*h*w</c>.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Height.</param>
    /// <param name="w">Width.</param>
    /// <param name="factor">Downscale factor, at least 1 (1 returns a copy, quantised if requested).</param>
    /// <param name="quantizeUint8">Emulate a uint8 image (see the class remarks); use this to reproduce the official uint8 LR sets.</param>
    /// <returns>The downscaled pixels and their height and width.</returns>
    public static (float[] dst, int h, int w) Downscale(float[] src, int c, int h, int w, int factor, bool quantizeUint8 = false)
    {
        ValidateImage(src, c, h, w);
        if (factor < 1)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Downscale factor must be at least 1.");
        double scale = 1.0 / factor;
        int outH = (h + factor - 1) / factor;
        int outW = (w + factor - 1) / factor;
        return ResizeCore(src, c, h, w, outH, outW, scale, scale, quantizeUint8);
    }

    /// <summary>
    /// MATLAB output length for a scale factor: ceil(inLength * scale).
    /// </summary>
    /// <param name="inLength">Input length (&gt;= 1).</param>
    /// <param name="scale">Scale factor (&gt; 0).</param>
    /// <returns>The output length.</returns>
    public static int OutputLength(int inLength, double scale)
    {
        if (inLength < 1) throw new ArgumentOutOfRangeException(nameof(inLength), inLength, "Length must be positive.");
        ValidateScale(scale, nameof(scale));
        double n = Math.Ceiling(inLength * scale);
        if (n > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Output length overflows.");
        return (int)n;
    }

    /// <summary>
    /// Computes MATLAB's per-output interpolation taps for one dimension.
    /// </summary>
    /// <param name="inLength">Input length (&gt;= 1).</param>
    /// <param name="outLength">Output length (&gt;= 1).</param>
    /// <param name="scale">Scale factor (&gt; 0); antialiasing kernel stretch applies when below 1.</param>
    /// <returns>Mirrored indices and normalised weights.</returns>
    public static ResizeContributions Contributions(int inLength, int outLength, double scale)
    {
        if (inLength < 1) throw new ArgumentOutOfRangeException(nameof(inLength), inLength, "Length must be positive.");
        if (outLength < 1) throw new ArgumentOutOfRangeException(nameof(outLength), outLength, "Length must be positive.");
        ValidateScale(scale, nameof(scale));

        bool antialias = scale < 1.0;
        double kernelWidth = antialias ? CubicKernelWidth / scale : CubicKernelWidth;
        int p = (int)Math.Ceiling(kernelWidth) + 2;

        // Untrimmed tables: rawIdx holds 1-based (unmirrored) indices.
        var rawIdx = new long[(long)outLength * p];
        var rawW = new double[(long)outLength * p];
        for (int o = 0; o < outLength; o++)
        {
            double x = o + 1;                                   // 1-based output coordinate
            double u = x / scale + 0.5 * (1.0 - 1.0 / scale);   // 1-based input coordinate
            long left = (long)Math.Floor(u - kernelWidth / 2.0);
            double sum = 0.0;
            for (int t = 0; t < p; t++)
            {
                long idx = left + t;
                double d = u - idx;
                double wt = antialias ? scale * Cubic(scale * d) : Cubic(d);
                rawIdx[o * p + t] = idx;
                rawW[o * p + t] = wt;
                sum += wt;
            }
            for (int t = 0; t < p; t++) rawW[o * p + t] /= sum;
        }

        // Keep only tap columns with a nonzero weight for at least one output.
        var keep = new List<int>(p);
        for (int t = 0; t < p; t++)
        {
            for (int o = 0; o < outLength; o++)
            {
                if (rawW[o * p + t] != 0.0) { keep.Add(t); break; }
            }
        }

        int taps = keep.Count;
        var indices = new int[outLength * taps];
        var weights = new double[outLength * taps];
        for (int o = 0; o < outLength; o++)
        {
            for (int k = 0; k < taps; k++)
            {
                int t = keep[k];
                indices[o * taps + k] = MirrorIndex(rawIdx[o * p + t], inLength);
                weights[o * taps + k] = rawW[o * p + t];
            }
        }
        return new ResizeContributions(inLength, outLength, taps, indices, weights);
    }

    /// <summary>
    /// Maps a 1-based, possibly out-of-range index to a 0-based in-range index with MATLAB's
    /// symmetric padding: the index sequence is 1..n, n..1 repeated periodically.
    /// </summary>
    /// <param name="oneBased">1-based index, any value.</param>
    /// <param name="n">Length of the dimension.</param>
    /// <returns>0-based index in [0, n).</returns>
    public static int MirrorIndex(long oneBased, int n)
    {
        long period = 2L * n;
        long m = (oneBased - 1) % period;
        if (m < 0) m += period;
        return (int)(m < n ? m : period - 1 - m);
    }

    /// <summary>
    /// One-dimensional resize pass along the height of a planar CHW double image.
    /// Building block of <see cref="Resize(float[], int, int, int, double, bool)"/>; no quantisation.
    /// </summary>
    /// <param name="src">Planar CHW pixels, length <c>c*h*w</c>.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Input height.</param>
    /// <param name="w">Width.</param>
    /// <param name="outH">Output height.</param>
    /// <param name="scale">Height scale factor.</param>
    /// <returns>Planar CHW pixels of size <c>c*outH*w</c>.</returns>
    public static double[] ResizeAlongHeight(double[] src, int c, int h, int w, int outH, double scale)
    {
        ValidateImage(src, c, h, w);
        return AlongHeight(src, c, h, w, Contributions(h, outH, scale));
    }

    /// <summary>
    /// One-dimensional resize pass along the width of a planar CHW double image.
    /// Building block of <see cref="Resize(float[], int, int, int, double, bool)"/>; no quantisation.
    /// </summary>
    /// <param name="src">Planar CHW pixels, length <c>c*h*w</c>.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Height.</param>
    /// <param name="w">Input width.</param>
    /// <param name="outW">Output width.</param>
    /// <param name="scale">Width scale factor.</param>
    /// <returns>Planar CHW pixels of size <c>c*h*outW</c>.</returns>
    public static double[] ResizeAlongWidth(double[] src, int c, int h, int w, int outW, double scale)
    {
        ValidateImage(src, c, h, w);
        return AlongWidth(src, c, h, w, Contributions(w, outW, scale));
    }

    private static (float[] dst, int h, int w) ResizeCore(
        float[] src, int c, int h, int w, int outH, int outW, double scaleH, double scaleW, bool quantize)
    {
        var buf = new double[src.Length];
        for (int i = 0; i < src.Length; i++)
            buf[i] = quantize ? ToUint8(src[i] * 255.0) : src[i];

        var contribH = Contributions(h, outH, scaleH);
        var contribW = Contributions(w, outW, scaleW);

        // MATLAB order: smallest scale first; ties resolve to the first dimension (height).
        if (scaleW < scaleH)
        {
            buf = AlongWidth(buf, c, h, w, contribW);
            if (quantize) QuantizeInPlace(buf);
            buf = AlongHeight(buf, c, h, outW, contribH);
        }
        else
        {
            buf = AlongHeight(buf, c, h, w, contribH);
            if (quantize) QuantizeInPlace(buf);
            buf = AlongWidth(buf, c, outH, w, contribW);
        }
        if (quantize) QuantizeInPlace(buf);

        var dst = new float[buf.Length];
        for (int i = 0; i < buf.Length; i++)
            dst[i] = quantize ? (float)(buf[i] / 255.0) : (float)buf[i];
        return (dst, outH, outW);
    }

    private static double[] AlongHeight(double[] src, int c, int h, int w, ResizeContributions k)
    {
        int outH = k.OutLength;
        var dst = new double[c * outH * w];
        for (int ch = 0; ch < c; ch++)
        {
            int srcPlane = ch * h * w;
            int dstPlane = ch * outH * w;
            for (int o = 0; o < outH; o++)
            {
                int dstRow = dstPlane + o * w;
                var dstSpan = dst.AsSpan(dstRow, w);
                for (int t = 0; t < k.Taps; t++)
                {
                    double wt = k.Weights[o * k.Taps + t];
                    int srcRow = srcPlane + k.Indices[o * k.Taps + t] * w;
                    SpanMath.AddScaled(dstSpan, src.AsSpan(srcRow, w), wt);
                }
            }
        }
        return dst;
    }

    private static double[] AlongWidth(double[] src, int c, int h, int w, ResizeContributions k)
    {
        int outW = k.OutLength;
        var dst = new double[c * h * outW];
        for (int row = 0; row < c * h; row++)
        {
            int srcRow = row * w;
            int dstRow = row * outW;
            for (int o = 0; o < outW; o++)
            {
                double acc = 0.0;
                for (int t = 0; t < k.Taps; t++)
                    acc += k.Weights[o * k.Taps + t] * src[srcRow + k.Indices[o * k.Taps + t]];
                dst[dstRow + o] = acc;
            }
        }
        return dst;
    }

    /// <summary>Clamp to [0, 255] and round half away from zero, as a MATLAB uint8 conversion does.</summary>
    private static double ToUint8(double v)
    {
        if (double.IsNaN(v)) return 0.0; // MATLAB's uint8(NaN) is 0
        return Math.Round(Math.Clamp(v, 0.0, 255.0), MidpointRounding.AwayFromZero);
    }

    private static void QuantizeInPlace(double[] buf)
    {
        for (int i = 0; i < buf.Length; i++) buf[i] = ToUint8(buf[i]);
    }

    private static void ValidateImage<T>(T[] src, int c, int h, int w)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (c < 1 || h < 1 || w < 1)
            throw new ArgumentException($"Image shape must be positive, got {c}x{h}x{w} (CxHxW).");
        long expected = (long)c * h * w;
        if (src.Length != expected)
            throw new ArgumentException(
                $"Pixel array length {src.Length} does not match shape {c}x{h}x{w} (CxHxW) = {expected}.", nameof(src));
    }

    private static void ValidateScale(double scale, string name)
    {
        if (!(scale > 0.0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(name, scale, "Scale must be a positive finite number.");
    }
}
