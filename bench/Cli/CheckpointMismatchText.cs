using SwinBench.Checkpoints;
using SwinBench.Model;

namespace SwinBench.Cli;

/// <summary>
/// The lines printed under a checkpoint-mismatch error: the architecture the file's shapes imply
/// (<see cref="CheckpointArchitecture"/>) and how to run it (the preset it fits, or <c>--config</c> with that config).
/// </summary>
public static class CheckpointMismatchText
{
    public static IEnumerable<string> Details(CheckpointMismatch m)
    {
        var implied = CheckpointArchitecture.Infer(m.FileShapes);
        if (implied is null)
        {
            yield return $"the file's keys are not an official SwinIR state dict (first keys: {string.Join(", ", m.FileShapes.Keys.Take(3))}); " +
                         "check --wrap-key";
            yield break;
        }
        yield return $"the file holds: {implied}";
        var presets = Presets.WithArchitecture(implied);
        if (presets.Count > 0)
            yield return $"it fits preset {presets[0].Name}: run with --preset {presets[0].Name}";
        else
            yield return $"run it with --config FILE, FILE holding this JSON (img_range is not stored in weights: 1.0 assumed): {implied.ToCompactJson()}";
    }
}
