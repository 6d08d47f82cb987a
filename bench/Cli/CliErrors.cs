using System.Reflection;
using SwinBench.Backends;
using SwinBench.Checkpoints;
using SwinBench.IO;
using SwinBench.Model;

namespace SwinBench.Cli;

/// <summary>
/// The one exit-code rule of every verb (docs/cli.md, "Exit codes"): 0 done; 1 the verb ran and its result failed
/// (golden FAIL, a sweep row that errored); 2 a bad argument or input (one line on stderr naming the file, key, option,
/// shape or size); 3 a backend, device, kernel or tool that cannot run here (one line saying which and why);
/// 4 a SwinBench bug (one line; <c>SWINBENCH_TRACE=1</c> adds the stack trace). Never a stack trace otherwise.
/// </summary>
public static class CliErrors
{
    public const int Failed = 1;
    public const int UserError = 2;
    public const int Unavailable = 3;
    public const int Internal = 4;

    /// <summary>Environment variable that makes an internal error print its stack trace too.</summary>
    public const string TraceVariable = "SWINBENCH_TRACE";

    /// <summary>Runs a verb's action; an exception becomes its line(s) on stderr and the rule's exit code.</summary>
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            return Report(e, Console.Error);
        }
    }

    /// <summary>Writes what <paramref name="exception"/> means to the user on <paramref name="stderr"/>; returns the exit code.</summary>
    public static int Report(Exception exception, TextWriter stderr)
    {
        var e = Unwrap(exception);
        if (IsUnavailable(e))
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return Unavailable;
        }
        if (IsUserError(e))
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            if (e is CheckpointException { Mismatch: { } m })
                foreach (var line in CheckpointMismatchText.Details(m)) stderr.WriteLine($"  {line}");
            return UserError;
        }
        stderr.WriteLine($"error: internal error ({e.GetType().Name}): {OneLine(e.Message)}; " +
                         $"this is a SwinBench bug: please report the command line ({TraceVariable}=1 prints the stack trace)");
        if (Environment.GetEnvironmentVariable(TraceVariable) is "1" or "true") stderr.WriteLine(exception);
        return Internal;
    }

    /// <summary>Errors the user can fix by changing an argument or an input file; their messages name the thing.</summary>
    public static bool IsUserError(Exception e) => e is ConfigException or InvalidInputException or CheckpointException
        or InputFileException or ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
        or UnauthorizedAccessException or IOException or KeyNotFoundException or FormatException;

    /// <summary>Something this machine cannot run (a backend, device, kernel library or external tool).</summary>
    public static bool IsUnavailable(Exception e) => e is BackendUnavailableException or DllNotFoundException or EntryPointNotFoundException;

    /// <summary>The exception a wrapper (a type initializer, a reflection call, a task) was thrown for.</summary>
    private static Exception Unwrap(Exception e) => e switch
    {
        TypeInitializationException { InnerException: { } inner } => Unwrap(inner),
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } a => Unwrap(a.InnerExceptions[0]),
        _ => e,
    };

    internal static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
