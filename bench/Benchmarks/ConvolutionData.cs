using static TorchSharp.torch;

namespace SwinBench.Benchmarks;

/// <summary>
/// The data of one SwinIR convolution (C → C, 3×3, padding 1, with bias) on a (1, C, H, W) input, as float32 host
/// arrays in NCHW / OIHW order: a seeded input uniform in [-1, 1), weights uniform in ±√(3 / 9C) (each output a sum of
/// 9C products with variance about 1/3) and biases uniform in ±0.1, so every value stays O(1) in FP16.
/// </summary>
public sealed record ConvolutionData(int Channels, int H, int W, float[] Input, float[] Weight, float[] Bias)
{
    public const int Kernel = 3;

    public static ConvolutionData Seeded(int channels, int h, int w, int seed = 0)
    {
        var random = new Random(seed);
        var input = Uniform(random, (long)channels * h * w, 1f);
        var weight = Uniform(random, (long)channels * channels * Kernel * Kernel, MathF.Sqrt(3f / (channels * Kernel * Kernel)));
        var bias = Uniform(random, channels, 0.1f);
        return new ConvolutionData(channels, h, w, input, weight, bias);
    }

    private static float[] Uniform(Random random, long count, float bound)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (2 * random.NextSingle() - 1) * bound;
        return values;
    }

    public long[] InputShape => [1, Channels, H, W];

    /// <summary>
    /// The same convolution on <paramref name="channels"/> ≥ <see cref="Channels"/> channels: input channels, weights and
    /// biases appended as zeros, so the first <see cref="Channels"/> output channels are this convolution's and the rest zero.
    /// </summary>
    public ConvolutionData PaddedTo(int channels)
    {
        if (channels < Channels) throw new ArgumentException($"cannot pad {Channels} channels to {channels}");
        if (channels == Channels) return this;
        var plane = (long)H * W;
        var input = new float[channels * plane];
        Array.Copy(Input, input, Input.LongLength);
        const int taps = Kernel * Kernel;
        var weight = new float[(long)channels * channels * taps];
        for (var o = 0; o < Channels; o++)
            Array.Copy(Weight, (long)o * Channels * taps, weight, (long)o * channels * taps, (long)Channels * taps);
        var bias = new float[channels];
        Array.Copy(Bias, bias, Channels);
        return new ConvolutionData(channels, H, W, input, weight, bias);
    }

    /// <summary>The first <see cref="Channels"/> channels of a (1, C', H, W) output of a padded copy (<see cref="PaddedTo"/>).</summary>
    public float[] OwnChannels(float[] output)
    {
        var count = (long)Channels * H * W;
        if (output.LongLength == count) return output;
        if (output.LongLength < count || output.LongLength % ((long)H * W) != 0)
            throw new ArgumentException($"an output of {output.LongLength} values is not (1, >= {Channels}, {H}, {W})");
        return output[..(int)count];
    }
}

/// <summary>
/// <see cref="ConvolutionData"/>'s convolution in TorchSharp: input, weight and bias on the device in the given type,
/// channels-last (NHWC strides, as <see cref="Model.SwinIR.ToChannelsLast"/>) when asked, so cuDNN runs it NHWC.
/// </summary>
public sealed class TorchConvolution : IDisposable
{
    private readonly Tensor _input, _weight, _bias;

    public TorchConvolution(ConvolutionData data, Device device, ScalarType type, bool channelsLast)
    {
        using var scope = NewDisposeScope();
        Tensor On(float[] values, long[] shape) => tensor(values, shape).to(type).to(device);
        var input = On(data.Input, data.InputShape);
        var weight = On(data.Weight, [data.Channels, data.Channels, ConvolutionData.Kernel, ConvolutionData.Kernel]);
        if (channelsLast)
        {
            input = Model.SwinIR.ToChannelsLast(input);
            weight = Model.SwinIR.ToChannelsLast(weight);
        }
        _input = input.MoveToOuterDisposeScope();
        _weight = weight.MoveToOuterDisposeScope();
        _bias = On(data.Bias, [data.Channels]).MoveToOuterDisposeScope();
    }

    /// <summary>One convolution (queued on the device; the caller synchronizes).</summary>
    public Tensor Forward() => nn.functional.conv2d(_input, _weight, _bias, padding: [ConvolutionData.Kernel / 2, ConvolutionData.Kernel / 2]);

    /// <summary>One convolution's output as float32 NCHW on the host.</summary>
    public float[] Output()
    {
        using var scope = NewDisposeScope();
        return Forward().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }

    public void Dispose()
    {
        _input.Dispose();
        _weight.Dispose();
        _bias.Dispose();
    }
}
