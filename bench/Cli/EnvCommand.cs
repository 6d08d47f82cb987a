using System.CommandLine;
using SwinBench.Backends;

namespace SwinBench.Cli;

/// <summary><c>swinbench env</c>: the environment recorded with every result row, and the backends' availability.</summary>
public static class EnvCommand
{
    public static Command Create()
    {
        var cmd = new Command("env", "print the environment recorded in result files, and which backends can run");
        cmd.SetAction(_ => CliErrors.Run(() =>
        {
            var env = RunEnvironment.Capture();
            foreach (var p in env.GetType().GetProperties())
                Console.WriteLine($"{p.Name,-12} {p.GetValue(env)}");
            Console.WriteLine($"{"backends",-12} torchsharp-cpu: available; torchsharp-cuda: " +
                              (TorchSharp.torch.cuda.is_available() ? $"available ({TorchSharp.torch.cuda.device_count()} device(s))" : "unavailable: libtorch reports no CUDA device"));
            foreach (var line in OrtAvailability.Probe())
                Console.WriteLine($"{"",-12} {line}");
            Console.WriteLine($"{"",-12} {TensorRtAvailability.Probe()}");
            return 0;
        }));
        return cmd;
    }
}
