using SwinBench.Benchmarks;
using SwinBench.Datasets;
using SwinBench.Model;

namespace SwinBench.Tests.Benchmarks;

/// <summary>The questions as data: one baseline each, variants in order, the backend question's variants, the study's roles.</summary>
public class QuestionTests
{
    private static IEnumerable<QuestionSpec> CatalogSpecs() => Sweep.Catalog(DatasetManifest.Default).SelectMany(s => s.Questions).Distinct();

    public static TheoryData<string, string> QuestionSpecs() => [.. CatalogSpecs().Select(s => (s.Name, s.Benchmark!.Name))];

    [Theory]
    [MemberData(nameof(QuestionSpecs))]
    public void Every_question_of_the_catalog_declares_one_baseline_and_ordered_uniquely_named_variants(string name, string type)
    {
        foreach (var spec in CatalogSpecs().Where(s => s.Name == name))
        {
            Assert.Equal(type, spec.Benchmark!.Name);
            Assert.Equal(1, spec.Variants.Count(v => v.IsBaseline) + spec.Peers.Count(p => p.IsBaseline));
            var steps = spec.Variants.Select(v => v.Order).Concat(spec.Peers.Select(p => p.Step)).Order();
            Assert.Equal(Enumerable.Range(0, spec.Variants.Count + spec.Peers.Count), steps);
            Assert.Equal(spec.Variants.Count, spec.Variants.Select(spec.RowNameOf).Distinct().Count());
            Assert.Equal(spec.Variants.Order(), spec.Variants); // IComparable keeps the declaration order
        }
    }

    [Fact]
    public void Question_names_are_distinct_and_each_names_one_class()
    {
        var specs = CatalogSpecs().ToList();
        Assert.Equal(["ablation", "backends", "convolution", "layernorm", "mask-construction", "mask-hoisting", "ort-parity", "precision", "study"],
            specs.Select(s => s.Name).Distinct().Order(StringComparer.Ordinal));
        Assert.All(specs.GroupBy(s => s.Name), g => Assert.Single(g.Select(s => s.Benchmark).Distinct()));
    }

    [Fact]
    public void A_question_without_exactly_one_baseline_or_with_duplicate_names_is_refused()
    {
        var o = ModelOptions.Original;
        var q = typeof(MaskHoistingBenchmarks);
        Assert.Equal("question q: 0 baseline variants; declare exactly one",
            Assert.Throws<ArgumentException>(() => new QuestionSpec(q, "q", "t", [new Variant("a", o)])).Message);
        Assert.Equal("question q: 2 baseline variants; declare exactly one",
            Assert.Throws<ArgumentException>(() => new QuestionSpec(q, "q", "t", [QuestionSpec.BaselineVariant("a", o), QuestionSpec.BaselineVariant("b", o)])).Message);
        Assert.Equal("question q: two variants named 'a'",
            Assert.Throws<ArgumentException>(() => new QuestionSpec(q, "q", "t", [QuestionSpec.BaselineVariant("a", o), new Variant("a", o)])).Message);
        Assert.Equal("question q: String is not a benchmark question (a non-abstract Question class)",
            Assert.Throws<ArgumentException>(() => new QuestionSpec(typeof(string), "q", "t", [QuestionSpec.BaselineVariant("a", o)])).Message);
        var eager = new PeerVariant("eager", SwinBench.Peers.PeerMode.All[0], 0, IsBaseline: true);
        Assert.Equal("question q: 2 baseline variants; declare exactly one",
            Assert.Throws<ArgumentException>(() => new QuestionSpec(q, "q", "t", [QuestionSpec.BaselineVariant("a", o)], [eager])).Message);
        Assert.Equal("question q: peer steps 5 must be distinct and below 2",
            Assert.Throws<ArgumentException>(() => new QuestionSpec(q, "q", "t", [new Variant("a", o)], [eager with { Step = 5 }])).Message);
    }

    [Fact]
    public void The_study_names_its_rows_by_role_in_the_schemas_step_order_with_pytorch_eager_as_the_baseline()
    {
        foreach (var spec in new[] { StudyBenchmarks.Cuda, StudyBenchmarks.Cpu })
        {
            var roles = spec.Variants.Select(v => (Step: v.Order, Name: spec.RowNameOf(v))).Concat(spec.Peers.Select(p => (p.Step, p.Name))).OrderBy(r => r.Step);
            Assert.Equal(["pytorch-eager-fp32", "pytorch-compile", "torchsharp-fp16", "torchsharp-fp32", "ort-fp16", "tensorrt-fp16", "pytorch-compile-max-autotune"],
                roles.Select(r => r.Name));
            Assert.True(spec.Peers.Single(p => p.IsBaseline).Name == "pytorch-eager-fp32");
            Assert.Equal(["eager-fp32-perblock", "compile-dynamic", "compile-max-autotune-no-cudagraphs"], spec.Peers.Select(p => p.Mode.Name));
            Assert.Equal([false, false, true], spec.Peers.Select(p => p.OneCasePerRun));
            var ts16 = spec.Variants[0];
            Assert.Equal(spec.Variants[0].Options with { Precision = Precision.Fp32 }, spec.Variants[1].Options); // the same kernels in FP32
            Assert.True(ts16.Options.Kernels.HasFlag(Kernels.SwinBlock));
            Assert.Equal(spec == StudyBenchmarks.Cuda, ts16.Options.Kernels.HasFlag(Kernels.CudaGraph));
            Assert.Equal([Backend.TorchSharp, Backend.TorchSharp, Backend.OnnxRuntime, Backend.TensorRt], spec.Variants.Select(v => v.Backend));
            Assert.All(spec.Variants.Skip(2), v => Assert.True(v.Options.Kernels.HasFlag(Kernels.SwinBlock) && v.Precision == Precision.Fp16));
        }
    }

    [Fact]
    public void A_precision_filter_keeps_the_baseline()
    {
        var spec = MaskHoistingBenchmarks.Definition;
        Assert.Equal(["per-block fp32", "hoisted fp32"], spec.VariantsFor([Precision.Fp32]).Select(v => v.Name));
        Assert.Equal(["per-block fp32", "per-block fp16", "hoisted fp16"], spec.VariantsFor([Precision.Fp16]).Select(v => v.Name));
        Assert.Equal(4, spec.VariantsFor([]).Count);
    }

    [Fact]
    public void The_backend_question_runs_torchsharp_ort_plain_and_with_ops_and_tensorrt_labelled_backend_colon_options()
    {
        var spec = BackendBenchmarks.Definition;
        Assert.Equal(Backend.TorchSharp, spec.Baseline.Backend);
        Assert.Equal(Precision.Fp32, spec.Baseline.Precision);
        Assert.All(spec.Variants, v => Assert.Equal(v.Label, v.Name));
        var withOps = spec.Variants.Where(v => v.Backend == Backend.OnnxRuntime && v.Options.Kernels != Kernels.None).ToList();
        Assert.Equal(2, withOps.Count);
        Assert.All(withOps, v => Assert.Equal(
            Kernels.WindowMask | Kernels.LnRollPartition | Kernels.ReverseRollAdd | Kernels.QkvSplit | Kernels.LayerNormFp32, v.Options.Kernels));
        Assert.Equal("ort:hoisted/fp32/ln-fused+window_mask+ln_roll_partition+reverse_roll_add+qkv_split+layer_norm_fp32", withOps[0].Label);
        Assert.Equal(2, spec.Variants.Count(v => v.Backend == Backend.TensorRt));
        Assert.Equal(8, spec.Variants.Select(v => (v.Backend, v.Precision, v.Options.Kernels)).Distinct().Count());
    }

    [Fact]
    public void The_ablation_steps_are_cumulative()
    {
        var steps = AblationBenchmarks.Definition.Variants;
        Assert.Equal("original", steps[0].Name);
        Assert.True(steps[0].IsBaseline);
        for (var i = 2; i < steps.Count; i++)
            Assert.True((steps[i].Options.Kernels & steps[i - 1].Options.Kernels) == steps[i - 1].Options.Kernels, steps[i].Name);
        Assert.Equal(MaskMode.Hoisted, steps[^1].Options.Mask);
        Assert.Equal(Precision.Fp16, steps[^1].Options.Precision);
        Assert.Equal(["original", "hoisted", "+window_mask", "+ln_roll_partition", "+reverse_roll_add", "+qkv_split", "+fp16",
            "+layer_norm_fp32", "+window_attention", "+aligned_rows", "+block", "+channels_last", "+graph"], steps.Select(v => v.Name));
        // +block adds the swin_block chain to the best per-op step, +channels_last runs the convolutions NHWC, +graph
        // captures the stages as CUDA graphs (last: the one CUDA-only step)
        Assert.Equal(steps[^4].Options with { Kernels = steps[^4].Options.Kernels | Kernels.SwinBlock }, steps[^3].Options);
        Assert.Equal(steps[^3].Options with { Kernels = steps[^3].Options.Kernels | Kernels.ChannelsLast }, steps[^2].Options);
        Assert.Equal(steps[^2].Options with { Kernels = steps[^2].Options.Kernels | Kernels.CudaGraph }, steps[^1].Options);
        Assert.Equal(Kernels.All | Kernels.SwinBlock | Kernels.CudaGraph | Kernels.ChannelsLast, steps[^1].Options.Kernels);
        Assert.All(steps, v => ModelOptions.CheckKernels(v.Options.Kernels));
    }
}
