using SwinBench.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Backends;

/// <summary>
/// Runs a <see cref="SwinIR"/> on a TorchSharp device in a given precision: moves the model once, converts inputs
/// (float32 NCHW in [0,1]) to the model's device and dtype, optionally tiles, and returns float32 on the CPU.
/// </summary>
public sealed class TorchSharpRunner : IDisposable
{
    public TorchSharpRunner(SwinIR model, Device device, int tile = 0, int tileOverlap = 32)
    {
        Model = model;
        Device = device;
        DType = model.Options.Precision == Precision.Fp16 ? ScalarType.Float16 : ScalarType.Float32;
        if (tile > 0) TiledInference.Validate(tile, tileOverlap, model.Config.WindowSize);
        Tile = tile;
        TileOverlap = tileOverlap;
        TorchDevices.ConfigureNumerics();
        model.eval();
        model.to(DType).to(device);
    }

    public SwinIR Model { get; }
    public Device Device { get; }
    public ScalarType DType { get; }
    public int Tile { get; }
    public int TileOverlap { get; }

    /// <summary>Runs on a float32 NCHW tensor (any device) and returns float32 on the CPU.</summary>
    public Tensor Run(Tensor input)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var y = RunOnDevice(input.to(DType, Device)).to(ScalarType.Float32, CPU);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Runs on a tensor already of the model's device and dtype; output stays there (benchmarks use this).</summary>
    public Tensor RunOnDevice(Tensor x)
    {
        using var _ = no_grad();
        return Tile > 0
            ? TiledInference.Run(Model.forward, x, Tile, TileOverlap, Model.Config.OutputScale)
            : Model.forward(x);
    }

    public void Synchronize() => TorchDevices.Synchronize(Device);

    public void Dispose() => Model.Dispose();
}
