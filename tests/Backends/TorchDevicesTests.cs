using SwinBench.Backends;
using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.Tests.Backends;

/// <summary>Device names: the one rule for a CUDA device string, and parsing to a libtorch device.</summary>
public class TorchDevicesTests
{
    [Theory]
    [InlineData("cuda", true)]
    [InlineData("cuda:0", true)]
    [InlineData(" CUDA:1 ", true)]
    [InlineData("cpu", false)]
    [InlineData("CPU", false)]
    [InlineData("cuda_graph", false)]
    [InlineData("cudax", false)]
    [InlineData("", false)]
    public void IsCuda_accepts_cuda_and_cuda_n_only(string device, bool expected) => Assert.Equal(expected, TorchDevices.IsCuda(device));

    [Fact]
    public void Resolve_parses_cpu_and_names_a_bad_device()
    {
        Assert.Equal(DeviceType.CPU, TorchDevices.Resolve(" Cpu ").type);
        Assert.Contains("bad device 'gpu'", Assert.Throws<ArgumentException>(() => TorchDevices.Resolve("gpu")).Message);
    }
}
