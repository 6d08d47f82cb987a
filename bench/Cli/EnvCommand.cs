using System.CommandLine;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SwinBench.Cli;

/// <summary><c>swinbench env</c>: the software and hardware this run sees.</summary>
public static class EnvCommand
{
    public static Command Create()
    {
        var cmd = new Command("env", "print the environment: OS, CPU, .NET, TorchSharp/libtorch, CUDA");
        cmd.SetAction(_ => CliErrors.Run(() =>
        {
            Console.WriteLine($"os          {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
            Console.WriteLine($"cpu cores   {Environment.ProcessorCount}");
            Console.WriteLine($".net        {RuntimeInformation.FrameworkDescription}");
            Console.WriteLine($"torchsharp  {typeof(TorchSharp.torch).Assembly.GetName().Version}");
            Console.WriteLine($"libtorch    {__version__}");
            Console.WriteLine($"cuda        {(cuda.is_available() ? $"available, {cuda.device_count()} device(s)" : "unavailable")}");
            return 0;
        }));
        return cmd;
    }
}
