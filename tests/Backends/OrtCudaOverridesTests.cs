using SwinBench.Backends;

namespace SwinBench.Tests.Backends;

public class OrtCudaOverridesTests
{
    private static T With<T>(string? value, Func<T> body)
    {
        var before = Environment.GetEnvironmentVariable(OrtSessionOptions.CudaOverridesVariable);
        Environment.SetEnvironmentVariable(OrtSessionOptions.CudaOverridesVariable, value);
        try
        {
            return body();
        }
        finally
        {
            Environment.SetEnvironmentVariable(OrtSessionOptions.CudaOverridesVariable, before);
        }
    }

    [Fact]
    public void Pairs_are_read_in_order_and_described_for_the_rows()
    {
        var (pairs, text) = With(" fuse_conv_bias=1; cudnn_conv_algo_search = HEURISTIC ;", () => (OrtSessionOptions.CudaOverrides(), OrtSessionOptions.DescribeCudaOverrides()));
        Assert.Equal([("fuse_conv_bias", "1"), ("cudnn_conv_algo_search", "HEURISTIC")], pairs);
        Assert.Equal(" cuda{fuse_conv_bias=1;cudnn_conv_algo_search=HEURISTIC}", text);
    }

    [Fact]
    public void Unset_means_no_overrides()
    {
        Assert.Empty(With(null, OrtSessionOptions.CudaOverrides));
        Assert.Equal("", With("", OrtSessionOptions.DescribeCudaOverrides));
    }

    [Fact]
    public void The_overrides_come_after_a_sessions_own_cuda_settings()
    {
        var o = new OrtSessionOptions { CudaSettings = new Dictionary<string, string> { ["fuse_conv_bias"] = "1", ["cudnn_conv_use_max_workspace"] = "0" } };
        var settings = With("fuse_conv_bias=0", () => o.CudaProviderSettings(OrtSessionOptions.CudaOverrides()));
        Assert.Equal(("0", "0"), (settings["fuse_conv_bias"], settings["cudnn_conv_use_max_workspace"]));
    }

    [Theory]
    [InlineData("fuse_conv_bias")]
    [InlineData("=1")]
    [InlineData("fuse_conv_bias=")]
    public void A_malformed_item_is_named(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => With(value, OrtSessionOptions.CudaOverrides));
        Assert.Contains(OrtSessionOptions.CudaOverridesVariable, e.Message);
        Assert.Contains(value.Trim(), e.Message);
    }
}
