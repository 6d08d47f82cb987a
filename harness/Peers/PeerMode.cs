namespace SwinBench.Peers;

/// <summary>
/// One way peers/run_peers.py runs SwinBench's PyTorch SwinIR (peers/swinir_torch.py): eager or torch.compile, the
/// precision and the mask mode. <see cref="Step"/> orders the modes; 0 is the PyTorch baseline (the official eager path).
/// <see cref="Dynamic"/> modes compile once per model with dynamic shapes and serve every case of a run; the other
/// compiled modes compile for each case's shape.
/// </summary>
public sealed record PeerMode(string Name, int Step, string Precision, string Mask, string? CompileMode, string Description, bool Dynamic = false)
{
    /// <summary>The modes of run_peers.py (its MODES table), in order.</summary>
    public static IReadOnlyList<PeerMode> All { get; } =
    [
        new("eager-fp32-perblock", 0, "fp32", "perblock", null, "eager PyTorch, the official path: FP32, a mask per shifted block each forward"),
        new("eager-fp16-hoisted", 1, "fp16", "hoisted", null, "eager PyTorch FP16, one mask per size"),
        new("compile-default", 2, "fp16", "hoisted", "default", "torch.compile (default mode), FP16, hoisted mask"),
        new("compile-max-autotune-no-cudagraphs", 3, "fp16", "hoisted", "max-autotune-no-cudagraphs",
            "torch.compile(mode=\"max-autotune-no-cudagraphs\"), FP16, hoisted mask"),
        new("compile-reduce-overhead", 4, "fp16", "hoisted", "reduce-overhead", "torch.compile(mode=\"reduce-overhead\") (CUDA graphs), FP16, hoisted mask"),
        new("compile-dynamic", 5, "fp16", "traced", "default",
            "torch.compile(dynamic=True), FP16, one compile per model for every input size; the masks are built in the graph once per forward",
            Dynamic: true),
    ];

    /// <summary>The mode named <paramref name="name"/>; unknown names get an error listing the known ones.</summary>
    public static PeerMode Get(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown peer mode '{name}'; modes: {string.Join(", ", All.Select(m => m.Name))}");

    public override string ToString() => Name;
}
