using SwinBench.Model;
using SwinBench.Peers;

namespace SwinBench.Benchmarks;

/// <summary>
/// A variant of a question measured outside BenchmarkDotNet by the PyTorch peer runner (<see cref="PeerRunner"/>):
/// its name (the row's variant), the peer mode, its step, whether it is the question's baseline, and whether it runs
/// on one case of a run only (a per-shape compile, too slow for every case).
/// </summary>
public sealed record PeerVariant(string Name, PeerMode Mode, int Step, bool IsBaseline = false, bool OneCasePerRun = false);

/// <summary>What a question's rows put in the <c>variant</c> column.</summary>
public enum VariantColumn
{
    /// <summary>The variant's label, backend and options (<c>torchsharp:hoisted/fp32/ln-fused</c>).</summary>
    Label,
    /// <summary>The variant's name (the study's role tokens, <c>torchsharp-fp16</c>).</summary>
    Name,
}

/// <summary>
/// A benchmark question as data: the <see cref="Question"/> class that measures it, its name (the CSV
/// <c>question</c> column), a title, its variants in order and, where it compares with PyTorch in the same rows, its
/// peer variants (<see cref="PeerVariant"/>). Exactly one variant or peer is the baseline its speedups divide by.
/// Steps: peers have theirs; the variants take the remaining steps in declaration order. Each question class declares
/// its spec once, as a static <c>Definition</c>.
/// </summary>
public sealed record QuestionSpec
{
    public QuestionSpec(Type benchmark, string name, string title, IEnumerable<Variant> variants, IEnumerable<PeerVariant>? peers = null)
        : this(name, title, benchmark, variants, peers)
    {
    }

    /// <summary>A question whose rows a verb makes itself, without BenchmarkDotNet (<c>accuracy</c>): no benchmark class.</summary>
    public QuestionSpec(string name, string title, params Variant[] variants) : this(name, title, null, variants, null)
    {
    }

    private QuestionSpec(string name, string title, Type? benchmark, IEnumerable<Variant> variants, IEnumerable<PeerVariant>? peers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (benchmark is not null && (!typeof(Question).IsAssignableFrom(benchmark) || benchmark.IsAbstract))
            throw new ArgumentException($"question {name}: {benchmark.Name} is not a benchmark question (a non-abstract Question class)");
        var list = variants.ToList();
        var peerList = (peers ?? []).OrderBy(p => p.Step).ToList();
        var baselines = list.Count(v => v.IsBaseline) + peerList.Count(p => p.IsBaseline);
        if (baselines != 1) throw new ArgumentException($"question {name}: {baselines} baseline variants; declare exactly one");
        var duplicate = list.Select(v => v.Name).Concat(peerList.Select(p => p.Name)).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"question {name}: two variants named '{duplicate.Key}'");
        var steps = Enumerable.Range(0, list.Count + peerList.Count).ToList();
        if (peerList.Any(p => !steps.Remove(p.Step)))
            throw new ArgumentException($"question {name}: peer steps {string.Join(", ", peerList.Select(p => p.Step))} must be distinct and below {steps.Count}");
        Benchmark = benchmark;
        Name = name;
        Title = title;
        Variants = list.Select((v, i) => v with { Order = steps[i] }).ToList();
        Peers = peerList;
    }

    /// <summary>A question measured by <typeparamref name="T"/>, with one baseline among its variants and no peers.</summary>
    public static QuestionSpec Of<T>(string name, string title, params Variant[] variants) where T : Question =>
        new(typeof(T), name, title, variants);

    /// <summary>The <see cref="Question"/> class BenchmarkDotNet runs for this question (null: a verb makes its rows).</summary>
    public Type? Benchmark { get; }

    public string Name { get; }

    public string Title { get; }

    /// <summary>The variants BenchmarkDotNet measures, in declaration order (<see cref="Variant.Order"/> = step).</summary>
    public IReadOnlyList<Variant> Variants { get; }

    /// <summary>The variants the peer runner measures, in step order (none for most questions).</summary>
    public IReadOnlyList<PeerVariant> Peers { get; }

    /// <summary>What the rows' <c>variant</c> column holds.</summary>
    public VariantColumn RowVariant { get; init; } = VariantColumn.Label;

    /// <summary>The baseline among <see cref="Variants"/> (a question whose baseline is a peer has none).</summary>
    public Variant Baseline => Variants.Single(v => v.IsBaseline);

    /// <summary>The variants a sweep runs: those of its precisions (all when it names none), and the baseline always.</summary>
    public IReadOnlyList<Variant> VariantsFor(IReadOnlyList<Precision>? precisions) =>
        Variants.Where(v => v.IsBaseline || precisions is null || precisions.Count == 0 || precisions.Contains(v.Precision)).ToList();

    /// <summary>The <c>variant</c> column of a row of <paramref name="v"/>.</summary>
    public string RowNameOf(Variant v) => RowVariant == VariantColumn.Name ? v.Name : v.Label;

    /// <summary>The question's name (BenchmarkDotNet's parameter column).</summary>
    public override string ToString() => Name;

    /// <summary>A baseline variant.</summary>
    public static Variant BaselineVariant(string name, ModelOptions options, Backend backend = Backend.TorchSharp) =>
        new(name, options, backend) { IsBaseline = true };
}
