using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

#pragma warning disable IDE1006 // field names mirror the official state_dict keys

namespace SwinBench.Model;

/// <summary>The transformer MLP (official <c>Mlp</c>): fc1 → GELU → fc2.</summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;

    public Mlp(long dim, long hidden) : base(nameof(Mlp))
    {
        fc1 = Linear(dim, hidden);
        act = GELU();
        fc2 = Linear(hidden, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc2.forward(act.forward(fc1.forward(x)));

    /// <summary>fc1, then fc2 (for kernels that run the MLP themselves).</summary>
    internal (Linear Fc1, Linear Fc2) Layers => (fc1, fc2);
}
