using System.CommandLine;

namespace SwinBench.Cli;

/// <summary><c>swinbench plot --in results/&lt;dir&gt;</c>: (re)writes the charts of a results folder from its CSV alone.</summary>
public static class PlotCommand
{
    /// <summary>Creates the <c>plot</c> verb.</summary>
    public static Command Create()
    {
        var input = new Option<string>("--in")
        {
            Description = "results folder holding results.csv (e.g. results/2025-06-01_h100_abc1234)",
            Required = true,
        };
        var cmd = new Command("plot", "render the charts of a results folder from its results.csv");
        cmd.Options.Add(input);
        cmd.SetAction(r => CliErrors.Run(() => ResultsVerbs.Execute(r.GetValue(input)!, withReport: false,
            r.InvocationConfiguration.Output, r.InvocationConfiguration.Error)));
        return cmd;
    }
}
