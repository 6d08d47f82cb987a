using System.CommandLine;

namespace SwinBench.Cli;

/// <summary>The swinbench verbs, in help order.</summary>
public static class Verbs
{
    public static IEnumerable<Command> All() =>
    [
        QuickCommand.Create(),
        InferCommand.Create(),
        PresetsCommand.Create(),
        EnvCommand.Create(),
        GoldenCommand.Create(),
    ];
}
