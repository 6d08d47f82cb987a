using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Native;
using static TorchSharp.torch;

namespace SwinBench.Tests.Native;

/// <summary>Finding and loading libswinbench_plugins.so, its errors, and the plugin flags of the model options.</summary>
public class PluginLibraryTests
{
    [Fact]
    public void Library_loads_and_exports_the_whole_abi()
    {
        var status = PluginFixture.Require();
        Assert.Matches(@"^swinbench_plugins abi 4; cuda kernels: ", status.BuildInfo);
        Assert.Equal(status.BuildInfo, SwinBenchPlugins.BuildInfo());
        Assert.Empty(status.MissingEntryPoints);
        Assert.True(File.Exists(status.Path), $"loaded path {status.Path}");
        var (available, reason, buildInfo) = status;
        Assert.True(available);
        Assert.Contains(status.Path!, reason);
        Assert.Equal(status.BuildInfo, buildInfo);
    }

    [Fact]
    public void Missing_library_is_a_clear_error_for_the_probe_the_ops_and_the_model()
    {
        var missing = PluginLibrary.Load("/nonexistent/swinbench/libswinbench_plugins.so", RepoPaths.RepoRoot, AppContext.BaseDirectory).Status;
        Assert.False(missing.Available);
        Assert.Equal("", missing.BuildInfo);
        Assert.StartsWith("swinbench plugin library not found: ", missing.Reason);
        Assert.Contains("SWINBENCH_PLUGINS=/nonexistent/swinbench/libswinbench_plugins.so", missing.Reason);
        Assert.EndsWith("build it with scripts/build-plugins.sh", missing.Reason);

        using var _ = PluginLibrary.OverrideForTests(missing);
        Assert.Same(missing, PluginLibrary.Probe());
        var config = Golden.Model("tiny_lightweight_x2").Config;
        var e = Assert.Throws<BackendUnavailableException>(() => new SwinIR(config, new ModelOptions { Kernels = Kernels.WindowMask }));
        Assert.Equal(missing.Reason, e.Message);
        e = Assert.Throws<BackendUnavailableException>(() => TensorOps.WindowMask(16, 16, 8, 4, ScalarType.Float32, CPU));
        Assert.Equal(missing.Reason, e.Message);
        using var x = rand(2, 16 * 16, 8);
        using var w = ones(8);
        Assert.Throws<BackendUnavailableException>(() => TensorOps.LayerNormFp32(x, w, w, 1e-5));
        using var plain = new SwinIR(config); // no plugins: no library needed
    }

    [Fact]
    public void Search_without_the_environment_variable_lists_where_it_looked()
    {
        using var tmp = new TempDir();
        var status = PluginLibrary.Load(null, tmp.Path, tmp.File("bin")).Status;
        if (status.Available) return; // a libswinbench_plugins.so on the system search path answers first
        Assert.Contains("$SWINBENCH_PLUGINS (unset)", status.Reason);
        Assert.Contains(Path.Combine(tmp.Path, "plugins-cu", "build", "libswinbench_plugins.so"), status.Reason);
        Assert.Contains(Path.Combine(tmp.File("bin"), "libswinbench_plugins.so"), status.Reason);
        Assert.Contains("system library search path", status.Reason);
    }

    [Fact]
    public void Repository_build_folder_is_searched_and_a_bad_file_is_reported()
    {
        var real = PluginFixture.Require();
        using var tmp = new TempDir();
        var build = Directory.CreateDirectory(Path.Combine(tmp.Path, "plugins-cu", "build")).FullName;
        var copy = Path.Combine(build, PluginLibrary.FileName);
        File.Copy(real.Path!, copy);
        var found = PluginLibrary.Load(null, tmp.Path, null).Status;
        Assert.True(found.Available, found.Reason);
        Assert.Equal(copy, found.Path);
        Assert.Equal(real.BuildInfo, found.BuildInfo);

        var bad = tmp.File("libswinbench_plugins.so");
        File.WriteAllText(bad, "not an ELF file");
        var broken = PluginLibrary.Load(bad, null, null).Status;
        Assert.False(broken.Available);
        Assert.Contains($"swinbench plugin library {bad} could not be loaded", broken.Reason);
        Assert.Contains("scripts/build-plugins.sh", broken.Reason);
    }

    [Fact]
    public void Error_status_carries_the_library_message()
    {
        PluginFixture.Require();
        var e = Assert.Throws<PluginException>(() => TensorOps.WindowMask(20, 21, 7, 3, ScalarType.Float32, CPU));
        Assert.Equal(SwbStatus.Argument, e.Status);
        Assert.Equal("swb_window_geometry_check", e.EntryPoint);
        Assert.Contains("padded H x W 20 x 21 must be positive multiples of window_size 7", e.Message);
        e = Assert.Throws<PluginException>(() => SwinBenchPlugins.WindowMask(PluginTarget.Cpu, new WindowGeometry(1, 14, 14, 1, 7, 3),
            SwbDType.F32, IntPtr.Zero));
        Assert.Equal("swb_window_mask_cpu", e.EntryPoint);
        Assert.Contains("null tensor pointer", e.Message);
    }

    [Fact]
    public void Cuda_entry_point_without_its_kernel_is_backend_unavailable()
    {
        var status = PluginFixture.Require();
        if (status.CudaKernels.Contains("window_mask"))
        {
            Assert.Contains("window_mask", status.BuildInfo); // a CUDA build: CudaPluginTests run the kernels
            return;
        }
        var e = Assert.Throws<BackendUnavailableException>(() => SwinBenchPlugins.WindowMask(PluginTarget.Cuda,
            new WindowGeometry(1, 14, 14, 1, 7, 3), SwbDType.F32, (IntPtr)1));
        Assert.StartsWith("swb_window_mask_cuda: window_mask: this build of swinbench_plugins has no CUDA kernel", e.Message);
    }

    [Fact]
    public void Wrappers_reject_bad_tensors_before_calling_the_library()
    {
        PluginFixture.Require();
        using var x = rand(2, 8, 8, 36).view(2, 64, 36);
        using var w = ones(36);
        using var b = zeros(36);
        var t = x.transpose(0, 1).contiguous().transpose(0, 1); // same shape, not contiguous
        Assert.Contains("must be contiguous", Assert.Throws<ArgumentException>(() => TensorOps.LnRollPartition(t, w, b, 1e-5, 8, 8, 8, 4)).Message);
        using var d = x.to(ScalarType.Float64);
        Assert.Contains("Float64", Assert.Throws<ArgumentException>(() => TensorOps.LnRollPartition(d, w, b, 1e-5, 8, 8, 8, 4)).Message);
        Assert.Contains("expected (B, H·W", Assert.Throws<ArgumentException>(() => TensorOps.LnRollPartition(x, w, b, 1e-5, 8, 16, 8, 4)).Message);
        using var wh = w.to(ScalarType.Float16);
        Assert.Contains("bias is Float32, expected Float16",
            Assert.Throws<ArgumentException>(() => TensorOps.LayerNormFp32(x, wh, b, 1e-5)).Message);
        using var qkv = rand(4, 64, 3 * 36);
        Assert.Contains("not a multiple of heads", Assert.Throws<ArgumentException>(() => TensorOps.QkvSplit(qkv, 5, 1.0)).Message);
        using var bias = zeros(6, 64, 64);
        using var mask = zeros(3, 64, 64);
        Assert.Contains("not a multiple of the mask's 3",
            Assert.Throws<ArgumentException>(() => TensorOps.WindowAttention(qkv, 6, 1.0, bias, mask)).Message);
        using var bias16 = bias.to(ScalarType.Float16);
        Assert.Contains("bias is Float16, expected Float32",
            Assert.Throws<ArgumentException>(() => TensorOps.WindowAttention(qkv, 6, 1.0, bias16, null)).Message);
    }

    [Fact]
    public void Label_names_each_kernel_and_is_unchanged_without_them()
    {
        Assert.Equal("perblock/fp32/ln-fused", ModelOptions.Original.Label);
        var some = new ModelOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.WindowMask | Kernels.LnRollPartition };
        Assert.Equal("hoisted/fp32/ln-fused+window_mask+ln_roll_partition", some.Label);
        Assert.Equal("hoisted/fp16/ln-fused+window_mask+ln_roll_partition+reverse_roll_add+qkv_split+layer_norm_fp32+window_attention+aligned_rows",
            new ModelOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, Kernels = Kernels.All }.Label);
        Assert.Equal(Kernels.All | Kernels.SwinBlock | Kernels.CudaGraph | Kernels.ChannelsLast, ModelOptions.KernelTokens.Aggregate(Kernels.None, (a, p) => a | p.Flag));
        Assert.Equal(Kernels.None, ModelOptions.NativeKernels(Kernels.ChannelsLast));
        Assert.Equal(Kernels.SwinBlock, ModelOptions.NativeKernels(Kernels.SwinBlock | Kernels.ChannelsLast));
        Assert.NotEqual(some, some with { Kernels = Kernels.None });
    }

    [Fact]
    public void Aligned_rows_without_the_kernels_it_pads_is_refused_by_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelOptions.ParseKernels("aligned_rows+ln_roll_partition"));
        Assert.Contains("kernel 'aligned_rows' needs", ex.Message);
        Assert.Contains("missing: reverse_roll_add, layer_norm_fp32, window_attention", ex.Message);
        Assert.Equal(ModelOptions.AlignedRowsNeeds | Kernels.AlignedRows, ModelOptions.ParseKernels("ln_roll_partition,reverse_roll_add,layer_norm_fp32,window_attention,aligned_rows"));
        Assert.Equal(Kernels.All, ModelOptions.ParseKernels("all"));
        Assert.Equal(Kernels.All | Kernels.SwinBlock | Kernels.CudaGraph, ModelOptions.ParseKernels("all,swin_block+cuda_graph"));
        Assert.Equal(Kernels.All | Kernels.SwinBlock | Kernels.CudaGraph | Kernels.ChannelsLast, ModelOptions.ParseKernels("all,swin_block,cuda_graph,channels_last"));
        Assert.Contains("unknown kernel 'alll'", Assert.Throws<ArgumentException>(() => ModelOptions.ParseKernels("alll,swin_block")).Message);
        Assert.Throws<ArgumentException>(() =>
            new SwinTransformerBlock(12, 16, 2, 4, 0, 2.0, new ModelOptions { Kernels = Kernels.AlignedRows | Kernels.WindowAttention }));
    }

    [Fact]
    public void Padded_row_ops_match_the_dense_ones_and_zero_the_padding()
    {
        // C = 12 in rows of 16 (Align(12)): the layout of the aligned GEMMs, through the TorchSharp wrappers on CPU
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x = randn([2, 8 * 12, 12]);
        var weight = rand([12]) + 0.5f;
        var bias = randn([12]);
        var dense = TensorOps.LnRollPartition(x, weight, bias, 1e-5, 8, 12, 4, 2);
        var padded = TensorOps.LnRollPartition(x, weight, bias, 1e-5, 8, 12, 4, 2, windowStride: 16);
        Assert.Equal([12L, 16, 16], padded.shape);
        Assert.True(dense.allclose(padded.narrow(2, 0, 12), 0, 0));
        Assert.Equal(0f, padded.narrow(2, 12, 4).abs().max().item<float>());

        var back = TensorOps.ReverseRollAdd(padded, x, 8, 12, 4, 2, windowStride: 16);
        Assert.True(back.allclose(TensorOps.ReverseRollAdd(dense, x, 8, 12, 4, 2), 0, 0));

        var rows = TensorOps.LayerNormFp32(x, weight, bias, 1e-5, outStride: 16);
        Assert.True(rows.narrow(2, 0, 12).allclose(TensorOps.LayerNormFp32(x, weight, bias, 1e-5), 0, 0));
        Assert.True(TensorOps.AddPaddedRows(x, rows).allclose(x + rows.narrow(2, 0, 12), 0, 0));
        Assert.Contains("narrower", Assert.Throws<ArgumentException>(() => TensorOps.LayerNormFp32(x, weight, bias, 1e-5, outStride: 8)).Message);
    }

    [Fact]
    public void Padded_layouts_that_do_not_fit_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var qkv = zeros(2, 16, 3 * 16);   // parts of 16 columns
        var bias = zeros(2, 16, 16);
        Assert.Contains("C = 20 does not fit qkv parts of 16 columns",
            Assert.Throws<ArgumentException>(() => TensorOps.WindowAttention(qkv, 2, 1.0, bias, null, channels: 20)).Message);
        Assert.Contains("out stride 8 is narrower than C = 12",
            Assert.Throws<ArgumentException>(() => TensorOps.WindowAttention(qkv, 2, 1.0, bias, null, channels: 12, outStride: 8)).Message);
        Assert.Contains("must be (B, L, C) and (B, L, S)",
            Assert.Throws<ArgumentException>(() => TensorOps.AddPaddedRows(zeros(1, 6, 4), zeros(1, 5, 8))).Message);
        Assert.Contains("window_stride 3 must be 0 or >= channels 4",
            Assert.Throws<PluginException>(() => TensorOps.LnRollPartition(zeros(1, 16, 4), ones(4), zeros(4), 1e-5, 4, 4, 4, 0, 3)).Message);
    }
}
