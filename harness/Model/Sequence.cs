using static TorchSharp.torch;

namespace SwinBench.Model;

/// <summary>Runs a chain of stages on the residual stream, keeping only the live stream in memory.</summary>
internal static class Sequence
{
    /// <summary>
    /// Applies <paramref name="step"/> for each stage; every intermediate is disposed as soon as the next stage has
    /// produced its output (the caller's input is never disposed). The result belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor Chain<TStage>(Tensor input, IEnumerable<TStage> stages, Func<TStage, Tensor, Tensor> step)
    {
        using var scope = NewDisposeScope();
        var current = input;
        foreach (var stage in stages)
        {
            var next = step(stage, current);
            if (!ReferenceEquals(current, input)) current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, input) ? current : current.MoveToOuterDisposeScope();
    }
}
