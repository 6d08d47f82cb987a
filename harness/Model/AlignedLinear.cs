using SwinBench.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>
/// Zero-padded copies of a <see cref="Linear"/>'s weight and bias for <see cref="Kernels.AlignedRows"/>: the input
/// columns widened to <see cref="Align"/>(in) and each of <c>groups</c> blocks of output rows (q, k and v of the packed
/// qkv projection; one block otherwise) widened to <see cref="Align"/>(rows), the new rows and columns zero. A product
/// of zero-padded rows with these equals the original product on the logical columns and is zero in the padding, while
/// every leading dimension is a multiple of 8 elements (16 bytes in FP16), the alignment cuBLAS's tensor-core kernels
/// take. The copies are made on first use on the layer's device and dtype and rebuilt when its weight or bias is
/// replaced (another storage, device or dtype, e.g. after <c>to()</c>); <see cref="Clear"/> drops them after in-place
/// weight changes.
/// </summary>
public sealed class AlignedLinear(Linear linear, long groups = 1) : IDisposable
{
    private readonly WeightDerivedCache<Padded> _copies = new();

    private sealed record Padded(Tensor Weight, Tensor Bias) : IDisposable
    {
        public void Dispose()
        {
            Weight.Dispose();
            Bias.Dispose();
        }
    }

    /// <summary>How many times the padded copies were made (once per weight storage, device and dtype).</summary>
    public int Builds { get; private set; }

    /// <summary>
    /// The width <see cref="Kernels.AlignedRows"/> pads a row or channel count <paramref name="n"/> to: rounded up to a
    /// multiple of 8 from 8 up; below 8 it stays as it is (an image's 1 or 3 channels). The one rule for the TorchSharp
    /// blocks' rows and the ONNX graph's convolution channels.
    /// </summary>
    public static long Align(long n) => n < 8 ? n : (n + 7) / 8 * 8;

    /// <summary>
    /// x (…, Align(in)) zero-padded rows → (…, Align(out)): one <c>addmm</c>, the bias added in the matrix product itself
    /// (<c>Linear.forward</c> adds it in a separate broadcast kernel).
    /// </summary>
    public Tensor Forward(Tensor x)
    {
        var (w, b) = Get();
        using var rows = x.reshape(-1, x.shape[^1]);
        using var wt = w.t();
        using var y = addmm(b, rows, wt, beta: 1, alpha: 1);
        var shape = x.shape.ToArray();
        shape[^1] = w.shape[0];
        return y.view(shape);
    }

    /// <summary>The padded (groups·Align(out / groups), Align(in)) weight and (groups·Align(out / groups)) bias.</summary>
    public (Tensor Weight, Tensor Bias) Get()
    {
        var w = linear.weight ?? throw new InvalidOperationException("aligned linear: the layer has no weight");
        var b = linear.bias ?? throw new InvalidOperationException("aligned linear: the layer has no bias");
        var padded = _copies.Get("", [w, b], () => Pad(w, b));
        return (padded.Weight, padded.Bias);
    }

    private Padded Pad(Tensor w, Tensor b)
    {
        using var scope = NewDisposeScope();
        var (rows, cols) = (w.shape[0], w.shape[1]);
        if (rows % groups != 0) throw new InvalidOperationException($"aligned linear: {rows} output rows do not split into {groups} groups");
        var (o, op, ip) = (rows / groups, Align(rows / groups), Align(cols));
        var wp = zeros([groups, op, ip], w.dtype, w.device);
        wp.narrow(1, 0, o).narrow(2, 0, cols).copy_(w.view(groups, o, cols));
        var bp = zeros([groups, op], b.dtype, b.device);
        bp.narrow(1, 0, o).copy_(b.view(groups, o));
        Builds++;
        return new Padded(wp.view(groups * op, ip).DetachFromDisposeScope(), bp.view(groups * op).DetachFromDisposeScope());
    }

    /// <summary>Drops the padded copies.</summary>
    public void Clear() => _copies.Clear();

    public void Dispose() => Clear();
}
