using SwinBench.Backends;
using SwinBench.Checkpoints;
using SwinBench.IO;
using SwinBench.Model;

namespace SwinBench.Cli;

/// <summary>Turns the errors a user can cause into one clear line on stderr and a non-zero exit code.</summary>
public static class CliErrors
{
    public const int UserError = 2;
    public const int Unavailable = 3;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return e is BackendUnavailableException ? Unavailable : UserError;
        }
    }

    public static bool IsUserError(Exception e) => e is ConfigException or InvalidInputException or CheckpointException
        or InputFileException or BackendUnavailableException or ArgumentException or InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or UnauthorizedAccessException or IOException;

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
