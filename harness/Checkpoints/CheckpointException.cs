namespace SwinBench.Checkpoints;

/// <summary>
/// The single error type thrown by checkpoint reading and loading. Its message is one line that names the
/// checkpoint file and the problem (not found, truncated zip, forbidden pickle global, shape mismatch, ...); line breaks
/// quoted from file content are escaped.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates an exception with a one-line message.</summary>
    public CheckpointException(string message) : base(OneLine(message)) { }

    /// <summary>Creates an exception with a one-line message that wraps the low-level cause.</summary>
    public CheckpointException(string message, Exception inner) : base(OneLine(message), inner) { }

    /// <summary>What did not fit when a checkpoint does not match a model (<see cref="StateDictLoader.Load"/>); null otherwise.</summary>
    public CheckpointMismatch? Mismatch { get; init; }

    /// <summary>Builds the usual "cannot load checkpoint '&lt;path&gt;': &lt;problem&gt;" exception.</summary>
    internal static CheckpointException ForFile(string path, string problem, Exception? inner = null)
    {
        var message = $"cannot load checkpoint '{path}': {problem}";
        return inner is null ? new CheckpointException(message) : new CheckpointException(message, inner);
    }

    /// <summary>The text with line breaks escaped, so that a message quoting file content stays on one line.</summary>
    internal static string OneLine(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n");
}
