using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SwinBench.Benchmarks;

/// <summary>
/// Sends what native libraries write to the process's stderr (file descriptor 2: libtorch's and ONNX Runtime's
/// warnings, e.g. libtorch's NNPACK line on every forward pass of a CPU without NNPACK support) to a file while a
/// sweep runs, so the console shows SwinBench's lines only; .NET's own <see cref="Console.Error"/> keeps writing to
/// the original stderr. Linux only (elsewhere nothing changes). Disposing restores descriptor 2.
/// </summary>
public sealed class NativeStderr : IDisposable
{
    private const int StderrFd = 2;

    private readonly int _saved = -1;
    private readonly TextWriter? _previous;

    private NativeStderr(int saved, TextWriter previous) => (_saved, _previous) = (saved, previous);

    private NativeStderr() { }

    /// <summary>Redirects descriptor 2 to <paramref name="path"/> (appending) until disposed.</summary>
    public static NativeStderr To(string path)
    {
        if (!OperatingSystem.IsLinux()) return new NativeStderr();
        Console.Error.Flush();
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var saved = Dup(StderrFd);
        if (saved < 0) return new NativeStderr();
        if (Dup2((int)file.SafeFileHandle.DangerousGetHandle(), StderrFd) < 0)
        {
            Close(saved);
            return new NativeStderr();
        }
        var previous = Console.Error;
        var original = new FileStream(new SafeFileHandle(saved, ownsHandle: false), FileAccess.Write, bufferSize: 1);
        Console.SetError(new StreamWriter(original) { AutoFlush = true });
        return new NativeStderr(saved, previous);
    }

    public void Dispose()
    {
        if (_saved < 0) return;
        Console.Error.Flush();
        Dup2(_saved, StderrFd);
        Close(_saved);
        Console.SetError(_previous!);
    }

    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "dup2")]
    private static extern int Dup2(int oldFd, int newFd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
