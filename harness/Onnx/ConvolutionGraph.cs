namespace SwinBench.Onnx;

/// <summary>
/// One 2-D convolution as an ONNX model (opset 17): input <c>input</c> (N, C_in, H, W) with dynamic N, H and W, one
/// <c>Conv</c> node with a k×k kernel, stride 1 and zero padding k/2 on each side, its weight (C_out, C_in, k, k) and bias
/// (C_out) as initializers, output <c>output</c> (N, C_out, H, W). Input, weights and output are float or float16.
/// </summary>
public static class ConvolutionGraph
{
    public static OnnxModel Build(float[] weight, float[] bias, int inChannels, int kernel, OnnxDataType type)
    {
        if (kernel < 1 || kernel % 2 == 0) throw new ArgumentException($"kernel must be odd and positive, got {kernel}");
        var perOutput = (long)inChannels * kernel * kernel;
        if (inChannels < 1 || weight.Length == 0 || weight.Length % perOutput != 0)
            throw new ArgumentException($"{weight.Length} weights are not (C_out, {inChannels}, {kernel}, {kernel})");
        var outChannels = weight.Length / perOutput;
        if (bias.Length != outChannels) throw new ArgumentException($"{bias.Length} biases for {outChannels} output channels");

        var b = new OnnxGraphBuilder(type);
        var x = b.Input("input", type, OnnxDim.Symbolic("N"), OnnxDim.Fixed(inChannels), OnnxDim.Symbolic("H"), OnnxDim.Symbolic("W"));
        var y = b.Conv(x, b.Weight("weight", weight, outChannels, inChannels, kernel, kernel), b.Weight("bias", bias, outChannels), kernel, kernel / 2);
        b.Output(y, "output", OnnxDim.Symbolic("N"), OnnxDim.Fixed(outChannels), OnnxDim.Symbolic("H"), OnnxDim.Symbolic("W"));
        return new OnnxModel
        {
            IrVersion = OnnxExporter.IrVersion,
            Opsets = [new OnnxOpset("", OnnxExporter.Opset)],
            DocString = $"one {kernel}x{kernel} convolution, {inChannels} -> {outChannels} channels",
            Metadata = [],
            Graph = b.Build("convolution"),
        };
    }

    /// <summary>The serialized model of <see cref="Build"/>.</summary>
    public static byte[] Serialize(float[] weight, float[] bias, int inChannels, int kernel, OnnxDataType type) =>
        OnnxProto.Serialize(Build(weight, bias, inChannels, kernel, type));
}
