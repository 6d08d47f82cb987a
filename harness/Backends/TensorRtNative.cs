using System.Runtime.InteropServices;
using System.Text;

namespace SwinBench.Backends;

/// <summary>
/// P/Invoke of the engine C API of libswinbench_trt.so (plugins-cu/tensorrt/swinbench_trt.h), loaded by path on first
/// use (so the rest of the harness never needs it). Every call that fails throws with the library's message.
/// </summary>
internal static unsafe class TensorRtNative
{
    private const int MessageSize = 1024;
    private static IntPtr _handle;
    private static readonly object Gate = new();

    [StructLayout(LayoutKind.Sequential)]
    public struct BuildOptions
    {
        public int Fp16;
        public long Batch;
        public long MinH, MinW, OptH, OptW, MaxH, MaxW;
        public IntPtr TimingCache; // const char*
        public IntPtr Variant;     // const char*
        public nuint WorkspaceMB;
        public int Device;
        public int Rebuild;
    }

    public static void Load(string path)
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero) return;
            var handle = NativeLibrary.Load(path);
            NativeLibrary.GetExport(handle, "swbtrt_engine_open"); // throws EntryPointNotFoundException on a stale build
            _handle = handle;
        }
    }

    private static IntPtr Fn(string name)
    {
        if (_handle == IntPtr.Zero)
            Load(TensorRtAvailability.FindLibrary() ?? throw new BackendUnavailableException(
                $"TensorRT unavailable: libswinbench_trt.so not built ({TensorRtAvailability.BuildHint})"));
        return NativeLibrary.GetExport(_handle, name);
    }

    private static void Check(int status, byte* msg, string what)
    {
        if (status != 0)
            throw new InvalidOperationException($"TensorRT {what} failed (status {status}): {Marshal.PtrToStringUTF8((IntPtr)msg)}");
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s + "\0");

    public static string Version() => Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)Fn("swbtrt_tensorrt_version"))()) ?? "";

    public static IntPtr Open(string onnxPath, BuildOptions options, out bool built)
    {
        var path = Utf8(onnxPath);
        var msg = stackalloc byte[MessageSize];
        IntPtr engine;
        int builtFlag;
        fixed (byte* p = path)
        {
            var status = ((delegate* unmanaged<byte*, BuildOptions*, IntPtr*, int*, byte*, nuint, int>)Fn("swbtrt_engine_open"))(
                p, &options, &engine, &builtFlag, msg, MessageSize);
            Check(status, msg, $"engine for {onnxPath}");
        }
        built = builtFlag != 0;
        return engine;
    }

    public static void Free(IntPtr engine) => ((delegate* unmanaged<IntPtr, void>)Fn("swbtrt_engine_free"))(engine);

    public static long LayerCount(IntPtr engine)
    {
        var msg = stackalloc byte[MessageSize];
        long layers;
        Check(((delegate* unmanaged<IntPtr, long*, byte*, nuint, int>)Fn("swbtrt_engine_layer_count"))(engine, &layers, msg, MessageSize), msg, "layer count");
        return layers;
    }

    public static string EnginePath(IntPtr engine) =>
        Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr, IntPtr>)Fn("swbtrt_engine_path"))(engine)) ?? "";

    public static int IoCount(IntPtr engine) => ((delegate* unmanaged<IntPtr, int>)Fn("swbtrt_engine_io_count"))(engine);

    public static (string Name, bool IsInput, int DType) Io(IntPtr engine, int index)
    {
        var msg = stackalloc byte[MessageSize];
        IntPtr name;
        int isInput, dtype;
        Check(((delegate* unmanaged<IntPtr, int, IntPtr*, int*, int*, byte*, nuint, int>)Fn("swbtrt_engine_io"))(
            engine, index, &name, &isInput, &dtype, msg, MessageSize), msg, "I/O query");
        return (Marshal.PtrToStringUTF8(name) ?? "", isInput != 0, dtype);
    }

    public static void SetInputShape(IntPtr engine, string name, long[] dims)
    {
        var msg = stackalloc byte[MessageSize];
        var n = Utf8(name);
        fixed (byte* p = n)
        fixed (long* d = dims)
            Check(((delegate* unmanaged<IntPtr, byte*, long*, int, byte*, nuint, int>)Fn("swbtrt_engine_set_input_shape"))(
                engine, p, d, dims.Length, msg, MessageSize), msg, $"input shape of {name}");
    }

    public static long[] TensorShape(IntPtr engine, string name)
    {
        var msg = stackalloc byte[MessageSize];
        var n = Utf8(name);
        var dims = new long[8];
        int nb;
        fixed (byte* p = n)
        fixed (long* d = dims)
            Check(((delegate* unmanaged<IntPtr, byte*, long*, int, int*, byte*, nuint, int>)Fn("swbtrt_engine_tensor_shape"))(
                engine, p, d, dims.Length, &nb, msg, MessageSize), msg, $"shape of {name}");
        return dims[..nb];
    }

    public static void Run(IntPtr engine, IntPtr[] buffers)
    {
        var msg = stackalloc byte[MessageSize];
        fixed (IntPtr* b = buffers)
            Check(((delegate* unmanaged<IntPtr, IntPtr*, int, IntPtr, int, byte*, nuint, int>)Fn("swbtrt_engine_run"))(
                engine, b, buffers.Length, IntPtr.Zero, 1, msg, MessageSize), msg, "run");
    }

    public static IntPtr Alloc(long bytes)
    {
        var msg = stackalloc byte[MessageSize];
        IntPtr ptr;
        Check(((delegate* unmanaged<nuint, IntPtr*, byte*, nuint, int>)Fn("swbtrt_device_alloc"))((nuint)bytes, &ptr, msg, MessageSize), msg, "device allocation");
        return ptr;
    }

    public static void DeviceFree(IntPtr ptr) => ((delegate* unmanaged<IntPtr, int>)Fn("swbtrt_device_free"))(ptr);

    public static void ToDevice(IntPtr dst, void* src, long bytes)
    {
        var msg = stackalloc byte[MessageSize];
        Check(((delegate* unmanaged<IntPtr, void*, nuint, byte*, nuint, int>)Fn("swbtrt_copy_to_device"))(dst, src, (nuint)bytes, msg, MessageSize), msg, "copy to device");
    }

    public static void ToHost(void* dst, IntPtr src, long bytes)
    {
        var msg = stackalloc byte[MessageSize];
        Check(((delegate* unmanaged<void*, IntPtr, nuint, byte*, nuint, int>)Fn("swbtrt_copy_to_host"))(dst, src, (nuint)bytes, msg, MessageSize), msg, "copy to host");
    }

    public static string GpuName(int device)
    {
        var msg = stackalloc byte[MessageSize];
        var name = stackalloc byte[256];
        Check(((delegate* unmanaged<int, byte*, nuint, byte*, nuint, int>)Fn("swbtrt_gpu_name"))(device, name, 256, msg, MessageSize), msg, "GPU name");
        return Marshal.PtrToStringUTF8((IntPtr)name) ?? "";
    }

    public static double? MemoryUsedMB(int device)
    {
        var msg = stackalloc byte[MessageSize];
        nuint used;
        var status = ((delegate* unmanaged<int, nuint*, byte*, nuint, int>)Fn("swbtrt_device_memory_used"))(device, &used, msg, MessageSize);
        return status == 0 ? used / (1024.0 * 1024.0) : null;
    }
}
