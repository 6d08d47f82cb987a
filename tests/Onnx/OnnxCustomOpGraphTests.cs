using Microsoft.ML.OnnxRuntime;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>
/// Graphs with swinbench-domain ops: well-formed against the contract in CUSTOM_OPS.md (OnnxCustomOpGoldenTests runs
/// them through the op library).
/// </summary>
public class OnnxCustomOpGraphTests
{
    private static readonly Lazy<SwinIR> SmallX2 = new(() => ModelFactory.CreateRandom(Presets.Get("lightweight-x2").Config, ModelOptions.Original, seed: 1));

    private static OnnxModel Export(OnnxExportOptions options) => OnnxExporter.BuildModel(SmallX2.Value, options);

    private static List<OnnxNode> Custom(OnnxModel model, string op) =>
        model.Graph.Nodes.Where(n => n.Domain == OnnxGraphBuilder.CustomDomain && n.OpType == op).ToList();

    private static OnnxNode Producer(OnnxGraph g, string value) => g.Nodes.Single(n => n.Outputs.Contains(value));

    private static readonly OnnxExportOptions HoistedAll = new() { Mask = MaskMode.Hoisted, Kernels = OnnxExportOptions.PerOpKernels };

    [Fact]
    public void Every_kernel_flag_is_its_op_with_the_contract_attributes()
    {
        var model = Export(HoistedAll);
        Assert.Contains(new OnnxOpset("swinbench", 1), model.Opsets);
        Assert.Contains(new OnnxOpset("", 17), model.Opsets);
        Assert.Equal("window_mask,ln_roll_partition,reverse_roll_add,qkv_split,layer_norm_fp32,window_attention", model.MetadataValue("kernels"));
        var g = model.Graph;
        var image = g.Nodes.Single(n => n.OpType == "Pad").Outputs[0];

        var mask = Assert.Single(Custom(model, "WindowMask"));
        Assert.Equal([image], mask.Inputs);
        Assert.Equal(8, mask.Attribute("window_size")!.AsInt);
        Assert.Equal(4, mask.Attribute("shift_size")!.AsInt);
        Assert.Equal(OnnxDataType.Float, g.ValueTypes[mask.Outputs[0]]);

        var partitions = Custom(model, "LnRollPartition");
        var reverses = Custom(model, "ReverseRollAdd");
        var attentions = Custom(model, "WindowAttention");
        Assert.Equal(24, partitions.Count);
        Assert.Equal(24, reverses.Count);
        Assert.Equal(24, attentions.Count);
        for (var j = 0; j < 24; j++)
        {
            var shift = j % 2 == 0 ? 0 : 4; // 6 blocks per stage, every second one shifted
            foreach (var node in new[] { partitions[j], reverses[j] })
            {
                Assert.Equal(8, node.Attribute("window_size")!.AsInt);
                Assert.Equal(shift, node.Attribute("shift_size")!.AsInt);
                Assert.Equal(image, node.Inputs[^1]);
            }
            Assert.Equal(4, partitions[j].Inputs.Count);
            Assert.Equal(1e-5f, partitions[j].Attribute("epsilon")!.AsFloat);
            Assert.EndsWith($"blocks.{j % 6}.norm1.weight", partitions[j].Inputs[1]);
            Assert.EndsWith($"blocks.{j % 6}.norm1.bias", partitions[j].Inputs[2]);
            Assert.Equal(3, reverses[j].Inputs.Count);

            // WindowAttention(qkv Linear output, float32 (heads, N, N) bias[, the hoisted mask]) → proj
            var attention = attentions[j];
            Assert.Equal(6, attention.Attribute("num_heads")!.AsInt);
            Assert.Equal((float)Math.Pow(10, -0.5), attention.Attribute("scale")!.AsFloat, 6);
            Assert.Equal(shift > 0 ? 3 : 2, attention.Inputs.Count); // unshifted: the optional mask is left out
            var qkvBias = Producer(g, attention.Inputs[0]);
            Assert.Equal("Add", qkvBias.OpType);
            Assert.EndsWith("attn.qkv.bias", qkvBias.Inputs[1]);
            var bias = g.Initializers.Single(t => t.Name == attention.Inputs[1]);
            Assert.Equal(OnnxDataType.Float, bias.DataType);
            Assert.Equal([6L, 64, 64], bias.Dims);
            if (shift > 0) Assert.Equal(mask.Outputs[0], attention.Inputs[2]);
            var proj = g.Nodes.Single(n => n.OpType == "MatMul" && n.Inputs[0] == attention.Outputs[0]);
            Assert.EndsWith("attn.proj.weight_t", proj.Inputs[1]);
        }

        // norm1 runs in LnRollPartition: LayerNormFp32 is the other 26 norms (norm2 per block, patch_embed.norm, norm)
        var norms = Custom(model, "LayerNormFp32");
        Assert.Equal(26, norms.Count);
        Assert.DoesNotContain(norms, n => n.Inputs[1].Contains("norm1", StringComparison.Ordinal));

        // the subgraphs they replace are gone; QkvSplit is unused under WindowAttention (as in the TorchSharp model)
        Assert.Empty(Custom(model, "QkvSplit"));
        Assert.DoesNotContain(g.Nodes, n => n.OpType is "LayerNormalization" or "Gather" or "Range" or "Equal" or "Where" or "Softmax" or "Tile");
        Assert.Equal(1, g.Nodes.Count(n => n.OpType == "Slice")); // only the final crop: no rolls
        Assert.True(g.Nodes.Count <= 700, $"{g.Nodes.Count} nodes > 700");
    }

    [Fact]
    public void Per_block_fused_attention_reads_an_untiled_float32_mask_per_shifted_block()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.PerBlock, Kernels = Kernels.WindowAttention });
        var g = model.Graph;
        var attentions = Custom(model, "WindowAttention");
        Assert.Equal(24, attentions.Count);
        var masks = attentions.Where(a => a.Inputs.Count == 3).Select(a => a.Inputs[2]).ToList();
        Assert.Equal(12, masks.Distinct().Count());
        Assert.All(masks, m => Assert.Equal("Where", Producer(g, m).OpType)); // the in-graph mask, (nW, N, N) float32
        Assert.All(masks, m => Assert.Equal(OnnxDataType.Float, g.ValueTypes[m]));
        Assert.DoesNotContain(g.Nodes, n => n.OpType is "Tile" or "Softmax");
        Assert.Equal(24, Custom(model, "WindowAttention").Count(a => g.Initializers.Any(t => t.Name == a.Inputs[1])));
    }

    [Fact]
    public void Fp16_graph_keeps_the_fused_attention_bias_and_mask_in_float32()
    {
        var model = Export(HoistedAll with { Precision = Precision.Fp16 });
        var g = model.Graph;
        foreach (var a in Custom(model, "WindowAttention"))
        {
            Assert.Equal(OnnxDataType.Float16, g.ValueTypes[a.Inputs[0]]);
            Assert.Equal(OnnxDataType.Float, g.ValueTypes[a.Inputs[1]]);
            if (a.Inputs.Count == 3) Assert.Equal(OnnxDataType.Float, g.ValueTypes[a.Inputs[2]]);
            Assert.Equal(OnnxDataType.Float16, g.ValueTypes[a.Outputs[0]]);
        }
        // the bias values are the float16 table's, as the TorchSharp FP16 model's kernel reads them
        var bias = g.Initializers.First(t => t.Name == Custom(model, "WindowAttention")[0].Inputs[1]);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bias.RawData);
        foreach (var v in values) Assert.Equal(v, (float)(Half)v);
        foreach (var p in Custom(model, "LnRollPartition"))
            Assert.All(p.Inputs.Take(3).Append(p.Outputs[0]), v => Assert.Equal(OnnxDataType.Float16, g.ValueTypes[v]));
    }

    [Fact]
    public void Fp16_layernorm_op_takes_weights_of_the_activation_type()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, KeepNormsFp32 = true, Kernels = Kernels.LayerNormFp32 });
        var norms = Custom(model, "LayerNormFp32");
        Assert.Equal(50, norms.Count);
        Assert.All(norms, n => Assert.All(n.Inputs.Append(n.Outputs[0]), v => Assert.Equal(OnnxDataType.Float16, model.Graph.ValueTypes[v])));
        Assert.DoesNotContain(model.Graph.Nodes, n => n.OpType == "LayerNormalization");
        Assert.Equal(24, model.Graph.Nodes.Count(n => n.OpType == "Softmax")); // Softmax stays, in float32 (keep-norms)
        Assert.All(model.Graph.Nodes.Where(n => n.OpType == "Softmax"), n => Assert.Equal(OnnxDataType.Float, model.Graph.ValueTypes[n.Inputs[0]]));
    }

    [Fact]
    public void Per_block_mask_mode_has_one_window_mask_per_shifted_block()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.PerBlock, Kernels = Kernels.WindowMask });
        Assert.Equal(12, Custom(model, "WindowMask").Count);
        Assert.Equal(12, model.Graph.Nodes.Count(n => n.Domain.Length > 0));
    }

    [Theory]
    [InlineData(Kernels.WindowMask, "WindowMask", 1)]
    [InlineData(Kernels.LnRollPartition, "LnRollPartition", 24)]
    [InlineData(Kernels.ReverseRollAdd, "ReverseRollAdd", 24)]
    [InlineData(Kernels.QkvSplit, "QkvSplit", 24)]
    [InlineData(Kernels.LayerNormFp32, "LayerNormFp32", 50)]
    [InlineData(Kernels.WindowAttention, "WindowAttention", 24)]
    [InlineData(Kernels.SwinBlock, "SwinBlock", 24)]
    public void Each_flag_alone_adds_only_its_own_op(Kernels kernel, string op, int count)
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, Kernels = kernel });
        Assert.Equal(op, kernel.ToString());
        var custom = model.Graph.Nodes.Where(n => n.Domain.Length > 0).ToList();
        Assert.Equal(count, custom.Count);
        Assert.All(custom, n => Assert.Equal(op, n.OpType));
        Assert.Equal(ModelOptions.Token(kernel), model.MetadataValue("kernels"));
    }

    private static float[] Floats(OnnxTensor t) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData).ToArray();

    private static OnnxTensor Initializer(OnnxGraph g, string name) => g.Initializers.Single(t => t.Name == name);

    [Fact]
    public void Swin_block_is_one_node_per_block_with_the_contract_inputs_and_attributes()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.SwinBlock });
        var g = model.Graph;
        Assert.Contains(new OnnxOpset("swinbench", 1), model.Opsets);
        Assert.Equal("swin_block", model.MetadataValue("kernels"));
        var image = g.Nodes.Single(n => n.OpType == "Pad").Outputs[0];
        var blocks = Custom(model, "SwinBlock");
        Assert.Equal(24, blocks.Count);
        Assert.Equal(24, g.Nodes.Count(n => n.Domain.Length > 0));
        string[] keys = ["norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.relative_position_bias",
            "attn.proj.weight", "attn.proj.bias", "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"];
        long[][] dims = [[60], [60], [180, 60], [180], [6, 64, 64], [60, 60], [60], [60], [60], [120, 60], [120], [60, 120], [60]];
        for (var j = 0; j < 24; j++)
        {
            var node = blocks[j];
            var prefix = $"layers.{j / 6}.residual_group.blocks.{j % 6}";
            Assert.Equal(15, node.Inputs.Count);
            Assert.Equal(image, node.Inputs[14]);
            Assert.Equal(6, node.Attribute("num_heads")!.AsInt);
            Assert.Equal(8, node.Attribute("window_size")!.AsInt);
            Assert.Equal(j % 2 == 0 ? 0 : 4, node.Attribute("shift_size")!.AsInt); // every second block of a stage shifted
            Assert.Equal((float)Math.Pow(10, -0.5), node.Attribute("scale")!.AsFloat, 6);
            Assert.Equal(1e-5f, node.Attribute("epsilon")!.AsFloat);
            for (var k = 0; k < 13; k++)
            {
                var t = Initializer(g, node.Inputs[k + 1]);
                Assert.Equal($"{prefix}.{keys[k]}", t.Name);
                Assert.Equal(dims[k], t.Dims);
                Assert.Equal(OnnxDataType.Float, t.DataType);
            }
            // blocks of a stage chain: each reads the one before it
            if (j % 6 > 0) Assert.Equal(blocks[j - 1].Outputs[0], node.Inputs[0]);
        }
        // the blocks' insides are gone; only patch_embed.norm and norm stay LayerNorms, and no matrix product is left
        Assert.DoesNotContain(g.Nodes, n => n.OpType is "MatMul" or "Softmax" or "Erf" or "Where" or "Tile" or "Gather" or "Range");
        Assert.Equal(2, g.Nodes.Count(n => n.OpType == "LayerNormalization"));
        Assert.Equal(1, g.Nodes.Count(n => n.OpType == "Slice")); // the final crop: no rolls
    }

    [Fact]
    public void Swin_block_weights_keep_the_linear_layout_and_no_folded_factor()
    {
        // the plain export stores Wᵀ (in, out), fc2's with GELU's ½ folded in; SwinBlock takes nn.Linear's W (out, in) as is
        var block = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, Kernels = Kernels.SwinBlock }).Graph;
        var plain = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted }).Graph;
        const string prefix = "layers.2.residual_group.blocks.3";
        foreach (var (key, rows, cols, factor) in new[] { ("attn.qkv", 180, 60, 1f), ("attn.proj", 60, 60, 1f), ("mlp.fc1", 120, 60, 1f), ("mlp.fc2", 60, 120, 2f) })
        {
            var w = Floats(Initializer(block, $"{prefix}.{key}.weight"));
            var wt = Floats(Initializer(plain, $"{prefix}.{key}.weight_t"));
            for (var r = 0; r < rows; r++)
                for (var col = 0; col < cols; col++)
                    Assert.Equal(wt[col * rows + r] * factor, w[r * cols + col]);
            Assert.Equal(Floats(Initializer(plain, $"{prefix}.{key}.bias")), Floats(Initializer(block, $"{prefix}.{key}.bias")));
        }
        Assert.Equal(Floats(Initializer(plain, $"{prefix}.attn.relative_position_bias")), Floats(Initializer(block, $"{prefix}.attn.relative_position_bias")));
    }

    [Fact]
    public void Fp16_swin_block_takes_float16_weights_and_a_float32_bias_of_float16_values()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.PerBlock, Precision = Precision.Fp16, KeepNormsFp32 = true, Kernels = Kernels.SwinBlock });
        var g = model.Graph;
        foreach (var node in Custom(model, "SwinBlock"))
        {
            for (var k = 0; k < 14; k++)
                Assert.Equal(k == 5 ? OnnxDataType.Float : OnnxDataType.Float16, g.ValueTypes[node.Inputs[k]]);
            Assert.Equal(OnnxDataType.Float16, g.ValueTypes[node.Outputs[0]]);
            foreach (var v in Floats(Initializer(g, node.Inputs[5]))) Assert.Equal(v, (float)(Half)v);
        }
        Assert.DoesNotContain(g.Nodes, n => n.OpType is "Where" or "Softmax"); // per-block mode: still no mask subgraph
    }

    [Fact]
    public void Swin_block_follows_the_official_window_shrink_rule()
    {
        // img_size 4 < window 8: every block's window shrinks to 4 and none shifts (SwinTransformerBlock)
        var config = new SwinIRConfig
        {
            Upscale = 2, InChans = 3, ImgSize = 4, WindowSize = 8, ImgRange = 1.0, Depths = [2], EmbedDim = 12,
            NumHeads = [3], MlpRatio = 2, Upsampler = "pixelshuffledirect", ResiConnection = "1conv",
        };
        using var net = ModelFactory.CreateRandom(config, ModelOptions.Original, seed: 3);
        var model = OnnxExporter.BuildModel(net, new OnnxExportOptions { Kernels = Kernels.SwinBlock });
        var blocks = Custom(model, "SwinBlock");
        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, b => Assert.Equal(4, b.Attribute("window_size")!.AsInt));
        Assert.All(blocks, b => Assert.Equal(0, b.Attribute("shift_size")!.AsInt));
        Assert.All(blocks, b => Assert.Equal([3L, 16, 16], Initializer(model.Graph, b.Inputs[5]).Dims));
    }

    [Fact]
    public void Swin_block_supersedes_the_per_op_flags_within_the_blocks_only()
    {
        // with every exportable flag: a SwinBlock per block; LayerNormFp32 stays on patch_embed.norm and norm; no block
        // is left to need a mask, a partition, an attention or a reverse
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, Kernels = OnnxExportOptions.ExportableKernels });
        var custom = model.Graph.Nodes.Where(n => n.Domain.Length > 0).GroupBy(n => n.OpType).ToDictionary(x => x.Key, x => x.Count());
        Assert.Equal(new Dictionary<string, int> { ["SwinBlock"] = 24, ["LayerNormFp32"] = 2 }, custom);
        Assert.Equal(["patch_embed.norm.weight", "norm.weight"], Custom(model, "LayerNormFp32").Select(n => n.Inputs[1]));
    }

    [Fact]
    public void Cuda_graph_is_refused_by_name_and_swin_block_is_exportable()
    {
        var e = Assert.Throws<ArgumentException>(() => Export(HoistedAll with { Kernels = Kernels.SwinBlock | Kernels.CudaGraph }));
        Assert.StartsWith("kernel mode 'cuda_graph' cannot be exported to ONNX: it is a mode of the TorchSharp swin_block handles", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(OnnxExportOptions.ExportableKernels.HasFlag(Kernels.SwinBlock));
        Assert.False(OnnxExportOptions.ExportableKernels.HasFlag(Kernels.CudaGraph));
        Assert.Equal(Kernels.All & ~Kernels.AlignedRows, OnnxExportOptions.PerOpKernels);
    }

    [Fact]
    public void Aligned_rows_without_the_kernels_it_builds_on_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Export(HoistedAll with { Kernels = Kernels.AlignedRows | Kernels.WindowAttention }));
        Assert.StartsWith("kernel 'aligned_rows' needs", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Export_options_carry_the_model_options_kernels()
    {
        var kernels = Kernels.WindowMask | Kernels.WindowAttention;
        var o = OnnxExportOptions.For(new ModelOptions { Mask = MaskMode.Hoisted, Kernels = kernels }, "x");
        Assert.Equal(kernels, o.Kernels);
        Assert.Equal("hoisted/ln-fused/fp32/window_mask+window_attention", o.Label);
        Assert.Equal("window_mask,window_attention", o.KernelsText);
    }

    [Fact]
    public void Standard_graphs_import_only_the_standard_opset()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted });
        Assert.Equal([new OnnxOpset("", 17)], model.Opsets);
        Assert.DoesNotContain(model.Graph.Nodes, n => n.Domain.Length > 0);
        Assert.Equal("none", model.MetadataValue("kernels"));
    }

    [Fact]
    public void Onnx_runtime_without_the_op_library_refuses_the_graph_with_an_error()
    {
        var bytes = OnnxProto.Serialize(Export(HoistedAll));
        var e = Assert.ThrowsAny<OnnxRuntimeException>(() => new InferenceSession(bytes).Dispose());
        Assert.Contains("swinbench", e.Message);
    }
}
