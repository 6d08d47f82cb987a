namespace SwinBench.Datasets;

/// <summary>SplitMix64 (Steele, Lea and Flood 2014): a tiny, well-mixed, fully specified 64-bit generator.</summary>
internal struct SplitMix64(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (exact in float32).</summary>
    public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));

    public float Range(float min, float max) => min + (max - min) * NextFloat();

    public int NextInt(int bound) => (int)((Next() >> 33) % (ulong)bound);

    public float[] Colour(int channels, float min, float max)
    {
        var colour = new float[channels];
        for (int c = 0; c < channels; c++)
            colour[c] = Range(min, max);
        return colour;
    }
}
