using System.Text;
using SwinBench.IO;

namespace SwinBench.Datasets;

/// <summary>
/// Deterministic image-like test content, used in place of a dataset image whose file is absent: a smooth
/// multi-colour gradient with soft blobs, a few hard-edged rectangles and discs, a striped patch and a little
/// fine-grained noise, all in [0, 1]. It has the statistics inference cares about (flat areas, edges, texture)
/// without being a real photograph, so it suits timing and numerical-range checks, not quality metrics.
/// </summary>
/// <remarks>
/// The same arguments give bit-identical pixels on every machine and runtime: the generator uses its own SplitMix64
/// integer generator and only float32 additions, multiplications, divisions, comparisons and <see cref="MathF.Floor"/>,
/// which IEEE 754 defines exactly (no <see cref="Random"/>, no transcendental functions). Changing this code changes
/// the synthetic benchmark inputs; the checksum test in the test project guards against that.
/// </remarks>
public static class SyntheticImage
{
    /// <summary>Generates a <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> image from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static ImageData Generate(int channels, int height, int width, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);

        var rng = new SplitMix64((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ 0x5EED_0F_5A1B_E7C4UL);
        var canvas = new Canvas(channels, height, width);

        PaintGradient(canvas, ref rng);
        for (int i = 0; i < 4; i++)
            PaintSoftBlob(canvas, ref rng);
        PaintStripedPatch(canvas, ref rng);
        int hardShapes = 4 + rng.NextInt(3);
        for (int i = 0; i < hardShapes; i++)
        {
            if (i % 2 == 0)
                PaintRectangle(canvas, ref rng);
            else
                PaintDisc(canvas, ref rng);
        }
        AddFineNoise(canvas, rng.Next(), amplitude: 0.01f);
        canvas.Clamp();
        return new ImageData(channels, height, width, canvas.Pixels);
    }

    /// <summary>The synthetic stand-in for a manifest entry: its exact size and channels, seeded by <see cref="SeedFor"/>.</summary>
    public static ImageData For(DatasetImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Generate(image.Channels, image.Height, image.Width, SeedFor(image.Dataset, image.Name));
    }

    /// <summary>
    /// A seed derived from dataset and image name, stable across processes and machines (64-bit FNV-1a of the UTF-8
    /// bytes of <c>dataset/name</c>, lower-cased, folded to 32 bits), unlike <see cref="string.GetHashCode()"/>.
    /// </summary>
    public static int SeedFor(string dataset, string name)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(name);
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes($"{dataset}/{name}".ToLowerInvariant()))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        return (int)(uint)(hash ^ (hash >> 32));
    }

    /// <summary>Per channel: a base level plus horizontal, vertical and saddle terms over normalized coordinates.</summary>
    private static void PaintGradient(Canvas canvas, ref SplitMix64 rng)
    {
        for (int c = 0; c < canvas.Channels; c++)
        {
            float level = rng.Range(0.3f, 0.7f);
            float gx = rng.Range(-0.35f, 0.35f), gy = rng.Range(-0.35f, 0.35f), gxy = rng.Range(-0.6f, 0.6f);
            float[] p = canvas.Pixels;
            int offset = c * canvas.Height * canvas.Width;
            for (int y = 0; y < canvas.Height; y++)
            {
                float v = (y + 0.5f) / canvas.Height - 0.5f;
                for (int x = 0; x < canvas.Width; x++)
                {
                    float u = (x + 0.5f) / canvas.Width - 0.5f;
                    p[offset + y * canvas.Width + x] = level + gx * u + gy * v + gxy * u * v;
                }
            }
        }
    }

    /// <summary>Adds a colour bump (1 - r²/R²)², smooth everywhere, of radius 15–35 % of the shorter side.</summary>
    private static void PaintSoftBlob(Canvas canvas, ref SplitMix64 rng)
    {
        float cx = rng.Range(0f, canvas.Width), cy = rng.Range(0f, canvas.Height);
        float radius = MathF.Max(1f, rng.Range(0.15f, 0.35f) * canvas.ShortSide);
        float[] amplitude = rng.Colour(canvas.Channels, -0.3f, 0.3f);
        float inverseR2 = 1f / (radius * radius);
        canvas.ForEachIn(cy - radius, cx - radius, cy + radius, cx + radius, (y, x, index) =>
        {
            float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
            float t = 1f - (dx * dx + dy * dy) * inverseR2;
            if (t <= 0f)
                return;
            float weight = t * t;
            for (int c = 0; c < canvas.Channels; c++)
                canvas.Pixels[index + c * canvas.PlaneSize] += amplitude[c] * weight;
        });
    }

    /// <summary>A rectangle of oblique triangle-wave stripes (period 3–9 px) added to what is below: fine texture.</summary>
    private static void PaintStripedPatch(Canvas canvas, ref SplitMix64 rng)
    {
        (float top, float left, float bottom, float right) = RandomBox(canvas, ref rng, 0.25f, 0.5f);
        float period = rng.Range(3f, 9f);
        float dirX = rng.Range(-1f, 1f), dirY = rng.Range(-1f, 1f);
        float norm = MathF.Max(MathF.Abs(dirX), MathF.Abs(dirY)); // not unit length, only needs to be non-zero
        if (norm < 0.1f)
            (dirX, dirY, norm) = (1f, 0.3f, 1f);
        dirX /= norm * period;
        dirY /= norm * period;
        float[] amplitude = rng.Colour(canvas.Channels, 0.06f, 0.14f);
        canvas.ForEachIn(top, left, bottom, right, (y, x, index) =>
        {
            float phase = x * dirX + y * dirY;
            float f = phase - MathF.Floor(phase);              // [0, 1)
            float wave = (f < 0.5f ? f : 1f - f) * 4f - 1f;    // triangle in [-1, 1]
            for (int c = 0; c < canvas.Channels; c++)
                canvas.Pixels[index + c * canvas.PlaneSize] += amplitude[c] * wave;
        });
    }

    /// <summary>An opaque (or 85 % opaque) solid-colour rectangle: hard edges, flat interior.</summary>
    private static void PaintRectangle(Canvas canvas, ref SplitMix64 rng)
    {
        (float top, float left, float bottom, float right) = RandomBox(canvas, ref rng, 0.08f, 0.35f);
        float[] colour = rng.Colour(canvas.Channels, 0f, 1f);
        float opacity = rng.NextInt(2) == 0 ? 1f : 0.85f;
        canvas.ForEachIn(top, left, bottom, right, (_, _, index) => canvas.Blend(index, colour, opacity));
    }

    /// <summary>An opaque (or 85 % opaque) solid-colour disc of radius 5–18 % of the shorter side.</summary>
    private static void PaintDisc(Canvas canvas, ref SplitMix64 rng)
    {
        float cx = rng.Range(0f, canvas.Width), cy = rng.Range(0f, canvas.Height);
        float radius = MathF.Max(1f, rng.Range(0.05f, 0.18f) * canvas.ShortSide);
        float[] colour = rng.Colour(canvas.Channels, 0f, 1f);
        float opacity = rng.NextInt(2) == 0 ? 1f : 0.85f;
        float r2 = radius * radius;
        canvas.ForEachIn(cy - radius, cx - radius, cy + radius, cx + radius, (y, x, index) =>
        {
            float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
            if (dx * dx + dy * dy <= r2)
                canvas.Blend(index, colour, opacity);
        });
    }

    /// <summary>Uniform noise in ±<paramref name="amplitude"/>, a hash of (key, channel, pixel index) so it needs no state.</summary>
    private static void AddFineNoise(Canvas canvas, ulong key, float amplitude)
    {
        float[] p = canvas.Pixels;
        for (int i = 0; i < p.Length; i++)
        {
            ulong h = SplitMix64.Mix(key + (ulong)i * 0x9E3779B97F4A7C15UL);
            float unit = (h >> 40) * (1f / (1 << 24)); // [0, 1)
            p[i] += (unit * 2f - 1f) * amplitude;
        }
    }

    /// <summary>A random box whose sides are between <paramref name="minFraction"/> and <paramref name="maxFraction"/> of the image's.</summary>
    private static (float Top, float Left, float Bottom, float Right) RandomBox(
        Canvas canvas, ref SplitMix64 rng, float minFraction, float maxFraction)
    {
        float h = MathF.Max(1f, rng.Range(minFraction, maxFraction) * canvas.Height);
        float w = MathF.Max(1f, rng.Range(minFraction, maxFraction) * canvas.Width);
        float top = rng.Range(0f, MathF.Max(0f, canvas.Height - h));
        float left = rng.Range(0f, MathF.Max(0f, canvas.Width - w));
        return (top, left, top + h, left + w);
    }

    /// <summary>Planar float pixels being painted.</summary>
    private sealed class Canvas(int channels, int height, int width)
    {
        public int Channels { get; } = channels;
        public int Height { get; } = height;
        public int Width { get; } = width;
        public int PlaneSize { get; } = height * width;
        public float ShortSide { get; } = Math.Min(height, width);
        public float[] Pixels { get; } = new float[checked(channels * height * width)];

        /// <summary>Calls <paramref name="paint"/> with (y, x, index in plane 0) for the pixels whose centres lie in the box.</summary>
        public void ForEachIn(float top, float left, float bottom, float right, Action<int, int, int> paint)
        {
            int y0 = Math.Max(0, (int)MathF.Floor(top)), y1 = Math.Min(Height, (int)MathF.Floor(bottom) + 1);
            int x0 = Math.Max(0, (int)MathF.Floor(left)), x1 = Math.Min(Width, (int)MathF.Floor(right) + 1);
            for (int y = y0; y < y1; y++)
            {
                float cy = y + 0.5f;
                if (cy < top || cy > bottom)
                    continue;
                for (int x = x0; x < x1; x++)
                {
                    float cx = x + 0.5f;
                    if (cx >= left && cx <= right)
                        paint(y, x, y * Width + x);
                }
            }
        }

        public void Blend(int index, float[] colour, float opacity)
        {
            for (int c = 0; c < Channels; c++)
            {
                ref float p = ref Pixels[index + c * PlaneSize];
                p = opacity == 1f ? colour[c] : p + (colour[c] - p) * opacity;
            }
        }

        public void Clamp()
        {
            for (int i = 0; i < Pixels.Length; i++)
                Pixels[i] = Math.Clamp(Pixels[i], 0f, 1f);
        }
    }
}
