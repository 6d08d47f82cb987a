using SwinBench.Checkpoints;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace SwinBench.Tests.Checkpoints;

public sealed class StateDictLoaderTests
{
    /// <summary>fc.weight [2,3], fc.bias [2], persistent buffer "scale" [2], non-persistent buffer "cache" [4].</summary>
    private sealed class TinyNet : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _fc = nn.Linear(3, 2);

        public TinyNet() : base(nameof(TinyNet))
        {
            register_module("fc", _fc);
            register_buffer("scale", ones(2));
            register_buffer("cache", zeros(4), persistent: false);
        }

        public override Tensor forward(Tensor input) => _fc.forward(input) * get_buffer("scale")!;
    }

    /// <summary>Just SwinIR's conv_first (embed_dim 36).</summary>
    private sealed class FirstConv : nn.Module<Tensor, Tensor>
    {
        public TorchSharp.Modules.Conv2d Conv { get; } = nn.Conv2d(3, 36, 3, padding: 1);

        public FirstConv() : base(nameof(FirstConv)) => register_module("conv_first", Conv);

        public override Tensor forward(Tensor input) => Conv.forward(input);
    }

    private static CheckpointTensor F32(string name, long[] shape, params float[] values) =>
        new(name, TensorDType.Float32, shape, TestBytes.Floats(values));

    private static StateDict Dict(params CheckpointTensor[] tensors) => new(tensors, "/ckpt/tiny.pth");

    private static CheckpointTensor[] Complete() =>
    [
        F32("fc.weight", [2, 3], 1, 2, 3, 4, 5, 6),
        F32("fc.bias", [2], -1, -2),
        F32("scale", [2], 10, 20),
    ];

    [Fact]
    public void Strict_ListsMissingUnexpectedAndShapeMismatchInOneMessage()
    {
        using var model = new TinyNet();
        var sd = Dict(
            F32("fc.weight", [3, 3], 0, 0, 0, 0, 0, 0, 0, 0, 0),
            F32("scale", [2], 1, 1),
            F32("head.weight", [1], 1));

        var ex = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(model, sd));

        Assert.Equal(
            "checkpoint /ckpt/tiny.pth does not match the model: 1 missing key (fc.bias); 1 unexpected key (head.weight); " +
            "1 shape mismatch (fc.weight checkpoint [3,3] vs model [2,3])",
            ex.Message);
        Assert.Equal(new float[] { 1, 1 }, model.get_buffer("scale")!.data<float>().ToArray());  // nothing was copied
    }

    [Fact]
    public void CompleteCheckpoint_CopiesParametersAndPersistentBuffers()
    {
        using var model = new TinyNet();

        var report = StateDictLoader.Load(model, Dict(Complete()));

        Assert.Equal(3, report.LoadedCount);
        Assert.Empty(report.IgnoredKeys);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, parameters["fc.weight"].data<float>().ToArray());
        Assert.Equal(new float[] { -1, -2 }, parameters["fc.bias"].data<float>().ToArray());
        Assert.Equal(new float[] { 10, 20 }, model.get_buffer("scale")!.data<float>().ToArray());
        Assert.True(parameters["fc.weight"].requires_grad);
    }

    [Fact]
    public void IgnoreExtra_SkipsRecomputedSwinIrBuffers()
    {
        using var model = new TinyNet();
        var tensors = Complete().Concat(
        [
            F32("layers.0.residual_group.blocks.1.attn_mask", [1], 0),
            new CheckpointTensor("layers.0.residual_group.blocks.0.attn.relative_position_index", TensorDType.Int64, [1], TestBytes.Longs(3)),
        ]).ToArray();
        var options = new LoadOptions
        {
            IgnoreExtra = key => key.EndsWith(".attn_mask", StringComparison.Ordinal)
                                 || key.EndsWith(".relative_position_index", StringComparison.Ordinal),
        };

        var report = StateDictLoader.Load(model, Dict(tensors), options);

        Assert.Equal(3, report.LoadedCount);
        Assert.Equal(
            ["layers.0.residual_group.blocks.1.attn_mask", "layers.0.residual_group.blocks.0.attn.relative_position_index"],
            report.IgnoredKeys);
        Assert.Throws<CheckpointException>(() => StateDictLoader.Load(new TinyNet(), Dict(tensors)));  // without the predicate
    }

    [Fact]
    public void NonStrict_ReportsMissingAndUnexpectedButStillRejectsShapeMismatch()
    {
        using var model = new TinyNet();
        var partial = Dict(F32("fc.bias", [2], 7, 8), F32("extra", [1], 0));

        var report = StateDictLoader.Load(model, partial, new LoadOptions { Strict = false });

        Assert.Equal(1, report.LoadedCount);
        Assert.Equal(["fc.weight", "scale"], report.MissingKeys);
        Assert.Equal(["extra"], report.UnexpectedKeys);
        Assert.Equal(new float[] { 7, 8 }, model.named_parameters().Single(p => p.name == "fc.bias").parameter.data<float>().ToArray());

        var wrongShape = Dict(F32("fc.bias", [3], 1, 2, 3));
        var ex = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(model, wrongShape, new LoadOptions { Strict = false }));
        Assert.Contains("1 shape mismatch (fc.bias checkpoint [3] vs model [2])", ex.Message);
    }

    [Fact]
    public void Float64Checkpoint_IsConvertedToTheParameterDtype()
    {
        using var model = new TinyNet();
        var sd = Dict(
            new CheckpointTensor("fc.weight", TensorDType.Float64, [2, 3], TestBytes.Doubles(0.5, 1.5, 2.5, 3.5, 4.5, 5.5)),
            new CheckpointTensor("fc.bias", TensorDType.Float16, [2], TestBytes.Halves(0.25f, -4f)),
            F32("scale", [2], 1, 1));

        StateDictLoader.Load(model, sd);

        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(ScalarType.Float32, parameters["fc.weight"].dtype);
        Assert.Equal(new float[] { 0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f }, parameters["fc.weight"].data<float>().ToArray());
        Assert.Equal(new float[] { 0.25f, -4f }, parameters["fc.bias"].data<float>().ToArray());
    }

    [Fact]
    public void ToTorch_KeepsDtypeShapeAndValues()
    {
        using var floats = F32("w", [2, 2], 1, 2, 3, 4).ToTorch();
        Assert.Equal(ScalarType.Float32, floats.dtype);
        Assert.Equal([2L, 2], floats.shape);
        Assert.Equal(3f, floats[1, 0].item<float>());

        using var longs = new CheckpointTensor("i", TensorDType.Int64, [3], TestBytes.Longs(-1, 0, 5_000_000_000)).ToTorch();
        Assert.Equal(ScalarType.Int64, longs.dtype);
        Assert.Equal(new long[] { -1, 0, 5_000_000_000 }, longs.data<long>().ToArray());

        using var bf16 = new CheckpointTensor("b", TensorDType.BFloat16, [2], [0x80, 0x3f, 0x00, 0xc0]).ToTorch();
        Assert.Equal(ScalarType.BFloat16, bf16.dtype);
        Assert.Equal(new float[] { 1f, -2f }, bf16.to_type(ScalarType.Float32).data<float>().ToArray());

        using var flags = new CheckpointTensor("m", TensorDType.Bool, [3], [1, 0, 1]).ToTorch();
        Assert.Equal(ScalarType.Bool, flags.dtype);
        Assert.Equal(new[] { true, false, true }, flags.data<bool>().ToArray());

        using var scalar = new CheckpointTensor("s", TensorDType.Float64, [], TestBytes.Doubles(2.5)).ToTorch();
        Assert.Equal(0, scalar.dim());
        Assert.Equal(2.5, scalar.item<double>());
    }

    [Fact]
    public void ToTorch_RejectsDataOfTheWrongLength()
    {
        var bad = new CheckpointTensor("w", TensorDType.Float32, [3], TestBytes.Floats(1, 2));

        var ex = Assert.Throws<CheckpointException>(() => bad.ToTorch());
        Assert.Contains("'w' has 8 bytes", ex.Message);
    }

    [Fact]
    public void GoldenCheckpoint_LoadsIntoAModuleWithMatchingParameters()
    {
        // A stand-in module with SwinIR's first convolution: only conv_first.* is expected, the rest is ignored.
        using var module = new FirstConv();
        var conv = module.Conv;
        var sd = Checkpoint.Load(GoldenFixtures.PathOf("tiny_classical_x4.pth"));

        var report = StateDictLoader.Load(module, sd, new LoadOptions { IgnoreExtra = key => !key.StartsWith("conv_first.", StringComparison.Ordinal) });

        Assert.Equal(2, report.LoadedCount);
        Assert.Equal(sd["conv_first.weight"].ToArray<float>(), conv.weight!.data<float>().ToArray());
        Assert.Equal(sd["conv_first.bias"].ToArray<float>(), conv.bias!.data<float>().ToArray());
    }
}
