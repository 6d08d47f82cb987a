using System.Runtime.InteropServices;
using SwinBench.Backends;
using SwinBench.Native;
using static TorchSharp.torch;

namespace SwinBench.Tests.Native;

/// <summary>THSTensor_data gives the address of the data TorchSharp itself reads and writes.</summary>
public class TensorDataPointerTests
{
    private static float[] ReadFloats(IntPtr p, long count)
    {
        var values = new float[count];
        Marshal.Copy(p, values, 0, values.Length);
        return values;
    }

    [Fact]
    public void Cpu_pointer_is_the_data_tensor_data_reads()
    {
        using var t = arange(0, 24, dtype: ScalarType.Float32).view(2, 3, 4).mul_(0.5f).add_(1);
        var p = TensorOps.DataPointer(t);
        Assert.Equal(t.data<float>().ToArray(), ReadFloats(p, t.numel()));
        Marshal.Copy(new[] { -7.25f }, 0, p + 5 * sizeof(float), 1); // a write through the pointer is what TorchSharp sees
        Assert.Equal(-7.25f, t.data<float>()[0, 1, 1]);
    }

    [Fact]
    public void Pointer_includes_the_storage_offset_of_a_view()
    {
        using var t = rand(4, 6);
        using var rows = t[2..];
        Assert.True(rows.is_contiguous());
        Assert.Equal(TensorOps.DataPointer(t) + 12 * sizeof(float), TensorOps.DataPointer(rows));
        Assert.Equal(rows.data<float>().ToArray(), ReadFloats(TensorOps.DataPointer(rows), rows.numel()));
    }

    [Fact]
    public void Fp16_pointer_holds_binary16_values()
    {
        var values = new[] { 1.5f, -2.25f, 65504f, 6.1035156e-05f, 0f };
        using var h = tensor(values).to(ScalarType.Float16);
        var bits = new short[values.Length];
        Marshal.Copy(TensorOps.DataPointer(h), bits, 0, bits.Length);
        Assert.Equal(values, bits.Select(b => (float)BitConverter.Int16BitsToHalf(b)).ToArray());
    }

    [CudaFact, Trait("Requires", "cuda")]
    public void Cuda_pointer_is_device_memory_holding_the_tensor()
    {
        using var host = randn(3, 5, 7);
        using var dev = host.cuda();
        var bytes = host.numel() * sizeof(float);
        var buffer = Marshal.AllocHGlobal((nint)bytes);
        try
        {
            Assert.True(CudaInfo.CopyToHost(buffer, TensorOps.DataPointer(dev), bytes), "cudaMemcpy from the tensor's pointer failed");
            Assert.Equal(host.data<float>().ToArray(), ReadFloats(buffer, host.numel()));
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }
}
