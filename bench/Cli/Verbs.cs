using System.CommandLine;

namespace SwinBench.Cli;

/// <summary>The swinbench verbs, in help order.</summary>
public static class Verbs
{
    public static IEnumerable<Command> All() =>
    [
        QuickCommand.Create(),
        RunCommand.Create(),
        PeersCommand.Create(),
        AccuracyCommand.Create(),
        PlotCommand.Create(),
        ReportCommand.Create(),
        InferCommand.Create(),
        ExportOnnxCommand.Create(),
        PresetsCommand.Create(),
        DatasetsCommand.Create(),
        GoldenCommand.Create(),
        EnvCommand.Create(),
    ];
}
