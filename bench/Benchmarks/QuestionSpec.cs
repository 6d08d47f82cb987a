using SwinBench.Model;

namespace SwinBench.Benchmarks;

/// <summary>
/// A benchmark question as data: its name (the CSV <c>question</c> column), a title, and its variants in order, exactly
/// one of them the baseline its speedups divide by.
/// </summary>
public sealed record QuestionSpec
{
    public QuestionSpec(string name, string title, params Variant[] variants)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var baselines = variants.Count(v => v.IsBaseline);
        if (baselines != 1) throw new ArgumentException($"question {name}: {baselines} baseline variants; declare exactly one");
        var duplicate = variants.GroupBy(v => v.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"question {name}: two variants named '{duplicate.Key}'");
        Name = name;
        Title = title;
        Variants = variants.Select((v, i) => v with { Order = i }).ToList();
    }

    public string Name { get; }

    public string Title { get; }

    /// <summary>The variants in declaration order (<see cref="Variant.Order"/> = index).</summary>
    public IReadOnlyList<Variant> Variants { get; }

    public Variant Baseline => Variants.Single(v => v.IsBaseline);

    /// <summary>The variants a sweep runs: those of its precisions (all when it names none), and the baseline always.</summary>
    public IReadOnlyList<Variant> VariantsFor(IReadOnlyList<Precision>? precisions) =>
        Variants.Where(v => v.IsBaseline || precisions is null || precisions.Count == 0 || precisions.Contains(v.Precision)).ToList();

    /// <summary>A baseline variant.</summary>
    public static Variant BaselineVariant(string name, ModelOptions options, Backend backend = Backend.TorchSharp) =>
        new(name, options, backend) { IsBaseline = true };
}
