namespace SwinBench.Backends;

/// <summary>
/// Where the <c>swinbench</c> custom-op library for ONNX Runtime is: <c>$SWINBENCH_ORT_OPS</c> when set, else
/// <c>plugins-cu/build/ort/libswinbench_ort.so</c> of this checkout (built by <c>scripts/build-plugins.sh</c>).
/// </summary>
public static class OrtOpLibrary
{
    public const string EnvironmentVariable = "SWINBENCH_ORT_OPS";
    public const string RelativePath = "plugins-cu/build/ort/libswinbench_ort.so";

    /// <summary>How to get the library, for error messages.</summary>
    public const string BuildHint =
        "build it with 'bash scripts/build-plugins.sh' (makes " + RelativePath + ") and pass its path " +
        "(OrtSessionOptions.CustomOpLibrary), or set " + EnvironmentVariable;

    /// <summary>The library's path when the file exists, else null.</summary>
    public static string? Find() => RepoPaths.FindBuiltFile(EnvironmentVariable, RelativePath);

    /// <summary>Why the library cannot be used: where it was looked for and how to build it.</summary>
    public static string NotFound =>
        "the swinbench custom-op library for ONNX Runtime was not found " +
        (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } p ? $"at ${EnvironmentVariable}={p}" : $"at {RelativePath}") +
        $": {BuildHint}";

    /// <summary>The library's path, or a <see cref="BackendUnavailableException"/> that says how to build it.</summary>
    public static string Require() => Find() ?? throw new BackendUnavailableException(NotFound);
}
