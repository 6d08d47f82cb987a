namespace SwinBench.IO;

/// <summary>
/// An input file (image, .npy array, dataset image) could not be read: it is missing, empty, truncated,
/// corrupt, or in a form SwinBench does not support. The message is one line that starts with the path.
/// </summary>
public sealed class InputFileException : Exception
{
    /// <summary>
    /// Creates the exception; the message becomes "<paramref name="path"/>: <paramref name="problem"/>", with any line
    /// breaks in the problem turned into spaces so that it stays one line.
    /// </summary>
    /// <param name="path">The file that could not be read.</param>
    /// <param name="problem">What is wrong with it, as a short phrase without the path.</param>
    /// <param name="inner">The underlying library or I/O error, if any.</param>
    public InputFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {OneLine(problem)}", inner)
    {
        FilePath = path;
        Problem = OneLine(problem);
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>The error for a path that is not an existing file: a folder, or nothing at all.</summary>
    public static InputFileException NotAFile(string path) => Directory.Exists(path)
        ? new InputFileException(path, "is a folder, not a file")
        : new InputFileException(path, "file not found");

    /// <summary>The problem, without the path.</summary>
    public string Problem { get; }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
