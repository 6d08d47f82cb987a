using System.Runtime.InteropServices;
using SwinBench.Results;

namespace SwinBench.Tests.Results;

/// <summary>
/// FailureStatus.OutOfMemory on the messages the backends really write. Sources: TorchSharp's ExternalException carries
/// libtorch's CUDACachingAllocator text (dotnet/TorchSharp issues 143 and 950, old format; pytorch issues of 2024-2025,
/// "GPU 0 has a total capacity of" format); c10's alloc_cpu.cpp for the CPU allocator; ONNX Runtime's bfc_arena.cc
/// (ORT_MAKE_STATUS texts of Extend and AllocateRawInternal) behind the C# API's "[ErrorCode:...]" prefix
/// (Exceptions.shared.cs) and its CudaCall texts (microsoft/onnxruntime issue 9939, hacksider/Deep-Live-Cam 584 and
/// 645); plugins-cu/kernels/swin_block/swin_block.cu's cudaMalloc failure text behind PluginException.
/// </summary>
public sealed class FailureStatusTests
{
    private const string TorchSharpOld =
        "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 23.99 GiB total capacity; 21.46 GiB already allocated; 0 bytes free; " +
        "23.18 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  " +
        "See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF\nException raised from malloc at " +
        "C:\\actions-runner\\_work\\pytorch\\pytorch\\builder\\windows\\pytorch\\c10\\cuda\\CUDACachingAllocator.cpp:704 (most recent call first):\n" +
        "00007FFB7D5CAD0200007FFB7D5CACA0 c10.dll!c10::Error::Error [<unknown file> @ <unknown line number>]";

    private const string TorchNew =
        "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.56 GiB is free. Including non-PyTorch " +
        "memory, this process has 77.62 GiB memory in use. Of the allocated memory 75.10 GiB is allocated by PyTorch, and 1.98 GiB is reserved by " +
        "PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid " +
        "fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)";

    private const string OrtArena =
        "[ErrorCode:RuntimeException] Non-zero status code returned while running Conv node. Name:'/conv_first/Conv' Status Message: " +
        "/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, " +
        "onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of size 2147483648\n";

    [Fact]
    public void TorchSharp_cuda_oom_names_the_size_and_the_request_in_both_libtorch_formats()
    {
        Assert.Equal("failed: out of memory at 480x640 (tried to allocate 20.00 MiB)",
            FailureStatus.OutOfMemory(new ExternalException(TorchSharpOld), 480, 640));
        Assert.Equal("failed: out of memory at 240x320 (tried to allocate 2.00 GiB)",
            FailureStatus.OutOfMemory(new ExternalException(TorchNew), 240, 320));
    }

    [Fact]
    public void Libtorch_cpu_allocator_and_sizeless_cuda_errors_are_out_of_memory()
    {
        Assert.Equal("failed: out of memory at 8x8 (tried to allocate 890.00 KiB)", FailureStatus.OutOfMemory(new ExternalException(
            "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: you tried to allocate 911360 bytes."), 8, 8));
        Assert.Equal("failed: out of memory at 8x8 (tried to allocate 196608.00 GiB)", FailureStatus.OutOfMemory(new ExternalException(
            "[enforce fail at alloc_cpu.cpp:83] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 211106232532992 bytes. " +
            "Error code 12 (Cannot allocate memory)"), 8, 8));
        Assert.Equal("failed: out of memory at 100x200", FailureStatus.OutOfMemory(new ExternalException(
            "CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."), 100, 200));
    }

    [Fact]
    public void Onnx_runtime_arena_and_cuda_provider_failures_are_out_of_memory()
    {
        Assert.Equal("failed: out of memory at 346x512 (tried to allocate 2.00 GiB)", FailureStatus.OutOfMemory(new InvalidOperationException(OrtArena), 346, 512));
        Assert.Equal("failed: out of memory at 1x1 (tried to allocate 7.81 GiB)", FailureStatus.OutOfMemory(new Exception(
            "[ErrorCode:Fail] Available memory of 4294967040 is smaller than requested bytes of 8388608000"), 1, 1));
        Assert.Equal("failed: out of memory at 1x1 (tried to allocate 256.00 MiB)", FailureStatus.OutOfMemory(new Exception(
            "[ErrorCode:Fail] Failed to find a free memory block despite calling Extend. rounded_bytes=268435456"), 1, 1));
        Assert.Equal("failed: out of memory at 2x3", FailureStatus.OutOfMemory(new Exception(
            "[ErrorCode:Fail] D:\\a\\_work\\1\\s\\onnxruntime\\core\\providers\\cuda\\cuda_call.cc:121 onnxruntime::CudaCall " +
            "D:\\a\\_work\\1\\s\\onnxruntime\\core\\providers\\cuda\\cuda_call.cc:114 onnxruntime::CudaCall CUDA failure 2: out of memory ; GPU=0 ; " +
            "hostname=DESKTOP-QUBEI ; file=D:\\a\\_work\\1\\s\\onnxruntime\\core\\providers\\cuda\\cuda_stream_handle.cc ; line=175 ; " +
            "expr=cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);"), 2, 3));
        Assert.Equal("failed: out of memory at 2x3", FailureStatus.OutOfMemory(new Exception(
            "[ErrorCode:RuntimeException] Non-zero status code returned while running Gemm node. Name:'fc1' Status Message: " +
            "CUBLAS failure 3: CUBLAS_STATUS_ALLOC_FAILED ; GPU=0 ; hostname=TOBI ; file=cuda_execution_provider.cc ; line=168 ; " +
            "expr=cublasCreate(&cublas_handle_);"), 2, 3));
    }

    [Fact]
    public void Plugin_cuda_allocation_failures_are_out_of_memory_with_the_bytes_when_given()
    {
        Assert.Equal("failed: out of memory at 240x320 (tried to allocate 1.17 GiB)", FailureStatus.OutOfMemory(new SwinBench.Native.PluginException(
            "swb_swin_block_forward_cuda", SwinBench.Native.SwbStatus.Cuda,
            "swin_block: cudaMalloc of 1258291200 bytes for (B, H, W) = (1, 240, 320): out of memory"), 240, 320));
        Assert.Equal("failed: out of memory at 240x320", FailureStatus.OutOfMemory(new SwinBench.Native.PluginException(
            "swb_swin_block_create_cuda", SwinBench.Native.SwbStatus.Cuda, "swin_block: cudaMalloc of the weights: out of memory"), 240, 320));
    }

    [Fact]
    public void The_out_of_memory_error_may_be_an_inner_or_aggregated_exception()
    {
        var wrapped = new InvalidOperationException("variant all,swin_block fp16 failed", new ExternalException(TorchNew));
        Assert.Equal("failed: out of memory at 4x5 (tried to allocate 2.00 GiB)", FailureStatus.OutOfMemory(wrapped, 4, 5));
        var aggregated = new AggregateException(new TimeoutException("slow"), new InvalidOperationException(OrtArena));
        Assert.Equal("failed: out of memory at 4x5 (tried to allocate 2.00 GiB)", FailureStatus.OutOfMemory(aggregated, 4, 5));
    }

    [Fact]
    public void Other_errors_are_not_out_of_memory()
    {
        Assert.Null(FailureStatus.OutOfMemory(new ExternalException(
            "The size of tensor a (64) must match the size of tensor b (60) at non-singleton dimension 2"), 1, 1));
        Assert.Null(FailureStatus.OutOfMemory(new Exception(
            "[ErrorCode:Fail] CUDA failure 700: an illegal memory access was encountered ; GPU=0 ; expr=cudaMemcpyAsync"), 1, 1));
        Assert.Null(FailureStatus.OutOfMemory(new OutOfMemoryException(), 1, 1)); // the managed heap, not a backend
        Assert.Null(FailureStatus.OutOfMemory("swin_block: cudaFuncSetAttribute: invalid argument", 1, 1));
    }

    [Fact]
    public void Sizes_are_written_as_c10_format_size_writes_them()
    {
        // c10's thresholds are inclusive: 1024 bytes is still "bytes", 1 MiB still KiB, 1 GiB still MiB
        Assert.Equal("1024 bytes", FailureStatus.FormatBytes(1024));
        Assert.Equal("1.00 KiB", FailureStatus.FormatBytes(1025));
        Assert.Equal("1024.00 KiB", FailureStatus.FormatBytes(1 << 20));
        Assert.Equal("1.50 MiB", FailureStatus.FormatBytes(1.5 * 1024 * 1024));
        Assert.Equal("1024.00 MiB", FailureStatus.FormatBytes(1 << 30));
        Assert.Equal("3.00 GiB", FailureStatus.FormatBytes(3L << 30));
        Assert.True(FailureStatus.IsOutOfMemoryStatus(FailureStatus.Text(5, 6, null)));
        Assert.False(FailureStatus.IsOutOfMemoryStatus("failed: golden check"));
    }
}
