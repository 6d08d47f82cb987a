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

    private static readonly OnnxExportOptions HoistedAll = new() { Mask = MaskMode.Hoisted, Kernels = OnnxExportOptions.ExportableKernels };

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
        Assert.Empty(Custom(model, "RollPartition"));
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
    public void Each_flag_alone_adds_only_its_own_op(Kernels kernel, string op, int count)
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, Kernels = kernel });
        Assert.Equal(op, kernel.ToString());
        var custom = model.Graph.Nodes.Where(n => n.Domain.Length > 0).ToList();
        Assert.Equal(count, custom.Count);
        Assert.All(custom, n => Assert.Equal(op, n.OpType));
        Assert.Equal(ModelOptions.Token(kernel), model.MetadataValue("kernels"));
    }

    [Fact]
    public void Aligned_rows_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Export(HoistedAll with { Kernels = Kernels.All }));
        Assert.StartsWith("kernel 'aligned_rows' cannot be exported to ONNX", e.Message);
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
