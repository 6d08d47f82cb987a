using Microsoft.ML.OnnxRuntime;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>Runs an exported model in ONNX Runtime on the CPU execution provider (one session, any number of inputs).</summary>
internal sealed class OrtCpu : IDisposable
{
    private readonly InferenceSession _session;

    public OrtCpu(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1 };
        _session = new InferenceSession(model, options);
    }

    public (float[] Data, long[] Shape) Run(float[] input, long[] shape)
    {
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, new Dictionary<string, OrtValue> { ["input"] = x }, ["output"]);
        var y = outputs[0];
        return (y.GetTensorDataAsSpan<float>().ToArray(), y.GetTensorTypeAndShape().Shape);
    }

    public void Dispose() => _session.Dispose();

    public static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            if (!(d <= max)) max = float.IsNaN(d) ? float.PositiveInfinity : d;
        }
        return max;
    }
}

/// <summary>Exports of the golden models and the presets, made once per test run.</summary>
internal static class OnnxExports
{
    public static SwinIR LoadGolden(string name)
    {
        var m = Golden.Model(name);
        var (net, weights) = ModelFactory.Create(m.Config, ModelOptions.Original, m.Checkpoint, m.WrapKey);
        Assert.False(weights.IsRandom);
        net.eval();
        return net;
    }

    /// <summary>The standard variants every golden model is checked in.</summary>
    public static readonly (MaskMode Mask, OnnxLayerNorm LayerNorm)[] Variants =
    [
        (MaskMode.PerBlock, OnnxLayerNorm.Fused),
        (MaskMode.PerBlock, OnnxLayerNorm.Decomposed),
        (MaskMode.Hoisted, OnnxLayerNorm.Fused),
        (MaskMode.Hoisted, OnnxLayerNorm.Decomposed),
    ];
}
