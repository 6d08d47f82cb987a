using SwinBench.Backends;

namespace SwinBench.Tests.Backends;

public class CpuConvolutionCheckTests
{
    [Fact]
    public void After_the_check_CPU_convolutions_match_unfold_times_weights()
    {
        CpuConvolutionCheck.Ensure();
        Assert.True(CpuConvolutionCheck.Status == "ok" || CpuConvolutionCheck.Status.StartsWith("onednn off: ", StringComparison.Ordinal),
            CpuConvolutionCheck.Status);
        Assert.True(CpuConvolutionCheck.ProbeError() <= 1e-3, $"max|d| {CpuConvolutionCheck.ProbeError()} after the check ({CpuConvolutionCheck.Status})");
    }
}
