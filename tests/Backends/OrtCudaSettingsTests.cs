using SwinBench.Backends;

namespace SwinBench.Tests.Backends;

/// <summary>
/// What <see cref="OrtSession.AppendCuda"/> gives the CUDA EP (<see cref="OrtSessionOptions.CudaProviderSettings"/>): the
/// properties' settings, then the session's <see cref="OrtSessionOptions.CudaSettings"/>, then the process's overrides,
/// later ones winning; and how a session's options print them.
/// </summary>
public class OrtCudaSettingsTests
{
    [Fact]
    public void The_properties_give_device_algorithm_search_tf32_and_nhwc()
    {
        Assert.Equal(new Dictionary<string, string> { ["device_id"] = "0", ["cudnn_conv_algo_search"] = "EXHAUSTIVE", ["use_tf32"] = "0" },
            new OrtSessionOptions().CudaProviderSettings([]));
        var o = new OrtSessionOptions { DeviceId = 2, CudnnConvAlgoSearch = CudnnConvAlgoSearch.Heuristic, AllowTf32 = true, PreferNhwc = true };
        Assert.Equal(new Dictionary<string, string>
        {
            ["device_id"] = "2", ["cudnn_conv_algo_search"] = "HEURISTIC", ["use_tf32"] = "1", ["prefer_nhwc"] = "1",
        }, o.CudaProviderSettings([]));
    }

    [Fact]
    public void Session_settings_come_after_the_properties_and_the_process_overrides_after_both()
    {
        var o = new OrtSessionOptions
        {
            CudaSettings = new Dictionary<string, string> { ["cudnn_conv_algo_search"] = "DEFAULT", ["fuse_conv_bias"] = "1", ["cudnn_conv_use_max_workspace"] = "0" },
        };
        var settings = o.CudaProviderSettings([("fuse_conv_bias", "0"), ("prefer_nhwc", "1")]);
        Assert.Equal("DEFAULT", settings["cudnn_conv_algo_search"]); // the session's setting over the property
        Assert.Equal("0", settings["fuse_conv_bias"]);                // the process's override over the session's setting
        Assert.Equal("0", settings["cudnn_conv_use_max_workspace"]);
        Assert.Equal("1", settings["prefer_nhwc"]);
        Assert.Equal("0", settings["device_id"]);
        Assert.Equal(6, settings.Count);
    }

    [Fact]
    public void A_cuda_session_prints_the_settings_it_passes_and_a_cpu_session_none()
    {
        var o = new OrtSessionOptions
        {
            Provider = OrtProvider.Cuda, DeviceId = 1, PreferNhwc = true,
            CudaSettings = new Dictionary<string, string> { ["cudnn_conv_algo_search"] = "HEURISTIC", ["fuse_conv_bias"] = "1" },
        };
        Assert.Equal("ort-cuda:1 opt=ORT_ENABLE_ALL cuda{cudnn_conv_algo_search=HEURISTIC;use_tf32=0;prefer_nhwc=1;fuse_conv_bias=1}", o.ToString());
        Assert.Equal("ort-cpu opt=ORT_ENABLE_ALL intra=1", (o with { Provider = OrtProvider.Cpu, IntraOpThreads = 1 }).ToString());
    }
}
