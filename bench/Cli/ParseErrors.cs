using System.CommandLine;

namespace SwinBench.Cli;

/// <summary>
/// A command line that does not parse, as one line on stderr and exit code 2 (<see cref="CliErrors.UserError"/>): the
/// unknown verb or option it names, the closest known one when there is a close one, and where the help is.
/// </summary>
public static class ParseErrors
{
    /// <summary>Writes the line for <paramref name="parse"/> (which has errors) to <paramref name="stderr"/>; returns 2.</summary>
    public static int Report(ParseResult parse, TextWriter stderr)
    {
        stderr.WriteLine($"error: {Describe(parse)}");
        return CliErrors.UserError;
    }

    /// <summary>The message (without <c>error: </c>) for a command line with parse errors.</summary>
    public static string Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var isRoot = command is RootCommand;
        var help = isRoot ? "swinbench --help" : $"swinbench {command.Name} --help";
        var verbs = (isRoot ? command : parse.RootCommandResult.Command).Subcommands.Select(c => c.Name).ToList();
        var unmatched = parse.UnmatchedTokens;
        if (unmatched.Count > 0)
        {
            var token = unmatched.FirstOrDefault(t => t.StartsWith('-')) ?? unmatched[0];
            if (token.StartsWith('-'))
            {
                var name = token.Split('=', 2)[0];
                var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--")).ToList();
                return $"{Where(command, isRoot)}unknown option '{name}'{Suggestion(name, options)}; '{help}' lists the options";
            }
            if (isRoot)
                return $"unknown verb '{token}'{Suggestion(token, verbs)}; the verbs are {string.Join(", ", verbs)} ('{help}')";
            return $"{command.Name}: unexpected argument '{token}' (options take the form --name value; '{help}')";
        }
        if (isRoot) return $"give a verb: {string.Join(", ", verbs)} ('{help}')";
        var messages = parse.Errors.Select(e => CliErrors.OneLine(e.Message).TrimEnd('.')).Distinct();
        return $"{command.Name}: {string.Join("; ", messages)} ('{help}')";
    }

    private static string Where(Command command, bool isRoot) => isRoot ? "" : $"{command.Name}: ";

    /// <summary><c> (did you mean X?)</c> for the closest candidate within a small edit distance, else empty.</summary>
    internal static string Suggestion(string typed, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Name: c, Distance: EditDistance(typed.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 3))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? "" : $" (did you mean {best.Name}?)";
    }

    /// <summary>The number of single-character insertions, deletions and substitutions that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
