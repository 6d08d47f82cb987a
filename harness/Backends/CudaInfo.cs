using System.Runtime.InteropServices;

namespace SwinBench.Backends;

/// <summary>
/// Facts about CUDA devices read through the CUDA runtime library that libtorch already loaded (libcudart), so they work
/// without TorchSharp APIs for them. Every call degrades to "n/a"/null when the library is absent (CPU machines).
/// </summary>
public static class CudaInfo
{
    private static readonly Lazy<IntPtr> Cudart = new(() =>
    {
        foreach (var name in new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so" })
            if (NativeLibrary.TryLoad(name, out var h)) return h;
        return IntPtr.Zero;
    });

    private static IntPtr Export(string name) =>
        Cudart.Value != IntPtr.Zero && NativeLibrary.TryGetExport(Cudart.Value, name, out var p) ? p : IntPtr.Zero;

    public static bool Available => Cudart.Value != IntPtr.Zero;

    /// <summary>Device memory in use on the current device (total − free), including PyTorch's caching-allocator pool.</summary>
    public static unsafe double? MemoryInUseMB()
    {
        var f = (delegate* unmanaged<ulong*, ulong*, int>)Export("cudaMemGetInfo");
        if (f == null) return null;
        ulong free, total;
        return f(&free, &total) == 0 ? (total - free) / (1024.0 * 1024.0) : null;
    }

    /// <summary>Number of visible CUDA devices (0 without the runtime or a device).</summary>
    public static unsafe int DeviceCount()
    {
        var f = (delegate* unmanaged<int*, int>)Export("cudaGetDeviceCount");
        int n;
        return f != null && f(&n) == 0 ? n : 0;
    }

    /// <summary>Copies <paramref name="bytes"/> from host to device memory and waits until the device holds them.</summary>
    public static unsafe void CopyToDevice(IntPtr device, void* host, long bytes, int deviceId) =>
        Copy((void*)device, host, bytes, HostToDevice, deviceId);

    /// <summary>Copies <paramref name="bytes"/> from device to host memory (waits for the device first).</summary>
    public static unsafe void CopyToHost(void* host, IntPtr device, long bytes, int deviceId) =>
        Copy(host, (void*)device, bytes, DeviceToHost, deviceId);

    private const int HostToDevice = 1, DeviceToHost = 2; // cudaMemcpyKind

    private static unsafe void Copy(void* dst, void* src, long bytes, int kind, int deviceId)
    {
        var setDevice = (delegate* unmanaged<int, int>)Export("cudaSetDevice");
        var synchronize = (delegate* unmanaged<int>)Export("cudaDeviceSynchronize");
        var memcpy = (delegate* unmanaged<void*, void*, nuint, int, int>)Export("cudaMemcpy");
        if (setDevice == null || synchronize == null || memcpy == null)
            throw new BackendUnavailableException("the CUDA runtime (libcudart) is not loaded: no device copies");
        Check(setDevice(deviceId), "cudaSetDevice");
        Check(synchronize(), "cudaDeviceSynchronize");          // work queued on other streams is done first
        Check(memcpy(dst, src, (nuint)bytes, kind), "cudaMemcpy");
        Check(synchronize(), "cudaDeviceSynchronize");          // a staged pageable copy has landed too
    }

    private static unsafe void Check(int error, string what)
    {
        if (error == 0) return;
        var name = (delegate* unmanaged<int, IntPtr>)Export("cudaGetErrorString");
        var text = name != null ? Marshal.PtrToStringUTF8(name(error)) : null;
        throw new InvalidOperationException($"{what} failed: CUDA error {error}{(text is null ? "" : $" ({text})")}");
    }

    /// <summary>CUDA runtime version as "13.0", or "n/a".</summary>
    public static unsafe string RuntimeVersion()
    {
        var f = (delegate* unmanaged<int*, int>)Export("cudaRuntimeGetVersion");
        int v;
        return f != null && f(&v) == 0 ? $"{v / 1000}.{v % 1000 / 10}" : "n/a";
    }

    /// <summary>The calling thread's current CUDA device (cudaGetDevice), or null without a CUDA runtime.</summary>
    internal static unsafe int? CurrentDevice()
    {
        var f = (delegate* unmanaged<int*, int>)Export("cudaGetDevice");
        int device;
        return f != null && f(&device) == 0 ? device : null;
    }

    /// <summary>Makes <paramref name="device"/> the calling thread's current CUDA device (cudaSetDevice); false when it cannot.</summary>
    internal static unsafe bool SetDevice(int device)
    {
        var f = (delegate* unmanaged<int, int>)Export("cudaSetDevice");
        return f != null && f(device) == 0;
    }

    /// <summary>Copies <paramref name="bytes"/> from device memory to host memory (cudaMemcpy, synchronous); false when it cannot.</summary>
    internal static unsafe bool CopyToHost(IntPtr host, IntPtr device, long bytes)
    {
        var f = (delegate* unmanaged<void*, void*, nuint, int, int>)Export("cudaMemcpy");
        return f != null && f((void*)host, (void*)device, (nuint)bytes, 2 /* cudaMemcpyDeviceToHost */) == 0;
    }

    /// <summary>GPU name from nvidia-smi (index <paramref name="index"/>), or "cuda:N" when it cannot be read.</summary>
    public static string DeviceName(int index)
    {
        var names = ToolRunner.Run("nvidia-smi", null, "--query-gpu=name", "--format=csv,noheader");
        var lines = names?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var i = Math.Max(index, 0);
        return i < lines.Length ? lines[i] : $"cuda:{i}";
    }
}
