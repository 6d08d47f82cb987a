using Microsoft.ML.OnnxRuntime;
using SwinBench.Model;
using SwinBench.Onnx;

namespace SwinBench.Tests.Onnx;

/// <summary>
/// Graphs with swinbench-domain ops: well-formed against the contract in CUSTOM_OPS.md (the op library that runs them
/// is built elsewhere, so these graphs are checked for structure here, not run).
/// </summary>
public class OnnxCustomOpGraphTests
{
    private static readonly Lazy<SwinIR> SmallX2 = new(() => ModelFactory.CreateRandom(Presets.Get("lightweight-x2").Config, ModelOptions.Original, seed: 1));

    private static OnnxModel Export(OnnxExportOptions options) => OnnxExporter.BuildModel(SmallX2.Value, options);

    private static IEnumerable<OnnxNode> Custom(OnnxModel model, string op) =>
        model.Graph.Nodes.Where(n => n.Domain == OnnxGraphBuilder.CustomDomain && n.OpType == op);

    [Fact]
    public void Every_swinbench_op_appears_with_its_contract_attributes()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, CustomOps = SwinBenchOps.All });
        Assert.Contains(new OnnxOpset("swinbench", 1), model.Opsets);
        Assert.Contains(new OnnxOpset("", 17), model.Opsets);
        Assert.Equal("WindowMask,RollPartition,ReverseRollAdd,QkvSplit,LayerNormFp32", model.MetadataValue("custom_ops"));
        var g = model.Graph;
        var image = g.Nodes.Single(n => n.OpType == "Pad").Outputs[0];

        var mask = Assert.Single(Custom(model, "WindowMask"));
        Assert.Equal([image], mask.Inputs);
        Assert.Equal(8, mask.Attribute("window_size")!.AsInt);
        Assert.Equal(4, mask.Attribute("shift_size")!.AsInt);
        Assert.Equal(OnnxDataType.Float, g.ValueTypes[mask.Outputs[0]]);

        var partitions = Custom(model, "RollPartition").ToList();
        var reverses = Custom(model, "ReverseRollAdd").ToList();
        Assert.Equal(24, partitions.Count);
        Assert.Equal(24, reverses.Count);
        for (var j = 0; j < 24; j++)
        {
            var shift = j % 2 == 0 ? 0 : 4; // 6 blocks per stage, every second one shifted
            foreach (var node in new[] { partitions[j], reverses[j] })
            {
                Assert.Equal(8, node.Attribute("window_size")!.AsInt);
                Assert.Equal(shift, node.Attribute("shift_size")!.AsInt);
                Assert.Equal(image, node.Inputs[^1]);
            }
            Assert.Equal(2, partitions[j].Inputs.Count);
            Assert.Equal(3, reverses[j].Inputs.Count);
        }

        var splits = Custom(model, "QkvSplit").ToList();
        Assert.Equal(24, splits.Count);
        Assert.All(splits, n =>
        {
            Assert.Equal(6, n.Attribute("num_heads")!.AsInt);
            Assert.Equal((float)Math.Pow(10, -0.5), n.Attribute("scale")!.AsFloat, 6);
            Assert.Equal(3, n.Outputs.Count);
            var bias = g.Nodes.Single(a => a.Outputs.Contains(n.Inputs[0])); // the qkv Linear: MatMul then Add
            Assert.Equal("Add", bias.OpType);
            Assert.Equal("MatMul", g.Nodes.Single(m => m.Outputs.Contains(bias.Inputs[0])).OpType);
        });

        var norms = Custom(model, "LayerNormFp32").ToList();
        Assert.Equal(50, norms.Count);
        Assert.All(norms, n =>
        {
            Assert.Equal(1e-5f, n.Attribute("epsilon")!.AsFloat);
            Assert.Equal(3, n.Inputs.Count);
        });

        // the subgraphs they replace are gone
        Assert.DoesNotContain(g.Nodes, n => n.OpType is "LayerNormalization" or "Gather" or "Range" or "Equal" or "Where");
        Assert.Equal(1, g.Nodes.Count(n => n.OpType == "Slice")); // only the final crop: no rolls
        Assert.True(g.Nodes.Count <= 700, $"{g.Nodes.Count} nodes > 700");
    }

    [Fact]
    public void Fp16_layernorm_op_takes_weights_of_the_activation_type()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, Precision = Precision.Fp16, KeepNormsFp32 = true, CustomOps = SwinBenchOps.LayerNormFp32 });
        var norms = Custom(model, "LayerNormFp32").ToList();
        Assert.Equal(50, norms.Count);
        Assert.All(norms, n => Assert.All(n.Inputs.Append(n.Outputs[0]), v => Assert.Equal(OnnxDataType.Float16, model.Graph.ValueTypes[v])));
        Assert.DoesNotContain(model.Graph.Nodes, n => n.OpType == "LayerNormalization");
        Assert.Equal(24, model.Graph.Nodes.Count(n => n.OpType == "Softmax")); // Softmax stays, in float32 (keep-norms)
        Assert.All(model.Graph.Nodes.Where(n => n.OpType == "Softmax"), n => Assert.Equal(OnnxDataType.Float, model.Graph.ValueTypes[n.Inputs[0]]));
    }

    [Fact]
    public void Per_block_mask_mode_has_one_window_mask_per_shifted_block()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.PerBlock, CustomOps = SwinBenchOps.WindowMask });
        Assert.Equal(12, Custom(model, "WindowMask").Count());
        Assert.Equal(12, model.Graph.Nodes.Count(n => n.Domain.Length > 0));
    }

    [Fact]
    public void Standard_graphs_import_only_the_standard_opset()
    {
        var model = Export(new OnnxExportOptions { Mask = MaskMode.Hoisted });
        Assert.Equal([new OnnxOpset("", 17)], model.Opsets);
        Assert.DoesNotContain(model.Graph.Nodes, n => n.Domain.Length > 0);
    }

    [Fact]
    public void Onnx_runtime_without_the_op_library_refuses_the_graph_with_an_error()
    {
        var bytes = OnnxProtoWriter.Serialize(Export(new OnnxExportOptions { Mask = MaskMode.Hoisted, CustomOps = SwinBenchOps.All }));
        var e = Assert.ThrowsAny<OnnxRuntimeException>(() => new InferenceSession(bytes).Dispose());
        Assert.Contains("swinbench", e.Message);
    }

    [Theory]
    [InlineData("all", SwinBenchOps.All)]
    [InlineData("none", SwinBenchOps.None)]
    [InlineData("", SwinBenchOps.None)]
    [InlineData("windowmask, QkvSplit", SwinBenchOps.WindowMask | SwinBenchOps.QkvSplit)]
    [InlineData("LayerNormFp32", SwinBenchOps.LayerNormFp32)]
    public void Custom_op_lists_parse(string text, SwinBenchOps expected) => Assert.Equal(expected, OnnxExportOptions.ParseCustomOps(text));

    [Theory]
    [InlineData("Roll")]
    [InlineData("2")]
    [InlineData("WindowMask,All")]
    public void Unknown_custom_ops_are_rejected_by_name(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExportOptions.ParseCustomOps(text));
        Assert.Contains("RollPartition", e.Message);
    }
}
