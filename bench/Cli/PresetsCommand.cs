using System.CommandLine;
using SwinBench.Model;

namespace SwinBench.Cli;

/// <summary><c>swinbench presets</c>: every official inference model with its parameter count.</summary>
public static class PresetsCommand
{
    public static Command Create()
    {
        var preset = new Argument<string?>("preset") { Description = "one preset only (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "print the preset's config as JSON (for --config); needs a preset name" };
        var cmd = new Command("presets", "list the official SwinIR inference presets with parameter counts");
        cmd.Arguments.Add(preset);
        cmd.Options.Add(json);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var name = r.GetValue(preset);
            var selected = name is null ? Presets.All : [Presets.Get(name)];
            if (r.GetValue(json))
            {
                if (name is null) throw new ArgumentException("--json prints one preset's config: give its name, e.g. 'swinbench presets lightweight-x2 --json'");
                Console.WriteLine(selected[0].Config.ToJson());
                return 0;
            }
            Console.WriteLine($"{"preset",-18} {"task",-14} {"params",12}  {"config",-80} release file / wrap key");
            foreach (var p in selected)
            {
                using var m = new SwinIR(p.Config);
                Console.WriteLine($"{p.Name,-18} {p.Task,-14} {m.ParameterCount,12:N0}  {p.Config,-80} {p.ReleaseFile} / {p.WrapKey}");
            }
            return 0;
        }));
        return cmd;
    }
}
