using System.Diagnostics;
using Spectre.Console;

namespace SwinBench.Cli;

/// <summary>
/// Progress of a long step on stderr (stdout stays the verb's result): a Spectre.Console bar when stderr is a terminal,
/// otherwise a plain line at the start, one every <see cref="LineInterval"/> and one at the end.
/// </summary>
public static class CliProgress
{
    /// <summary>How often a redirected stderr gets a progress line.</summary>
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    /// <summary>A console that writes to stderr, as wide as the terminal.</summary>
    public static IAnsiConsole Stderr { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>
    /// Runs <paramref name="work"/>, which reports (done, total) steps of <paramref name="unit"/> through the callback it is
    /// given, and shows the progress under <paramref name="label"/>.
    /// </summary>
    public static T Run<T>(string label, string unit, Func<Action<int, int>, T> work)
    {
        if (!Console.IsErrorRedirected)
        {
            var result = default(T)!;
            Stderr.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(label), maxValue: 1);
                    result = work((done, total) =>
                    {
                        task.MaxValue = total;
                        task.Value = done;
                    });
                });
            return result;
        }
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        Console.Error.WriteLine($"{label}: started");
        var value = work((done, total) =>
        {
            if (done < total && clock.Elapsed - last < LineInterval) return;
            last = clock.Elapsed;
            Console.Error.WriteLine($"{label}: {done}/{total} {unit} ({100.0 * done / total:F0}%) {clock.Elapsed.TotalSeconds:F1} s");
        });
        return value;
    }
}
