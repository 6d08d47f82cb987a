using System.CommandLine;
using SwinBench.Model;

namespace SwinBench.Cli;

/// <summary><c>swinbench presets</c>: every official inference model with its parameter count.</summary>
public static class PresetsCommand
{
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "print the config of this preset as JSON (for --config)" };
        var cmd = new Command("presets", "list the official SwinIR inference presets with parameter counts");
        cmd.Options.Add(json);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var name = r.GetValue(json);
            if (name is not null)
            {
                Console.WriteLine(Presets.Get(name).Config.ToJson());
                return 0;
            }
            Console.WriteLine($"{"preset",-18} {"task",-14} {"params",12}  {"config",-80} release file / wrap key");
            foreach (var p in Presets.All)
            {
                using var m = new SwinIR(p.Config);
                Console.WriteLine($"{p.Name,-18} {p.Task,-14} {m.ParameterCount,12:N0}  {p.Config,-80} {p.ReleaseFile} / {p.WrapKey}");
            }
            return 0;
        }));
        return cmd;
    }
}
