using SwinBench.Results;

namespace SwinBench.Reporting;

/// <summary>
/// Variant labels short enough for a chart's axis or legend. A variant of a cumulative series is labelled by its step
/// and what the step changed (<c>3: +ln_roll_partition</c>, <see cref="AblationChart.StepLabels"/>). Any other keeps its
/// label (precision appended, <see cref="ReportData.VariantWithPrecision"/>) less the tokens every variant of the
/// question shares (such as <c>ln-fused</c>); a label still longer than <see cref="MaxChars"/> keeps its head (backend,
/// mask, precision), its last kernel tokens and the count of those left out, and starts with its step so that the
/// report's table tells it apart: <c>13: torchsharp:hoisted/fp16+…7…+swin_block+channels_last</c>.
/// </summary>
internal static class VariantLabels
{
    /// <summary>The longest label kept whole.</summary>
    public const int MaxChars = 42;

    private static readonly char[] Separators = ['/', '+', ':'];

    /// <summary>The label function for the rows of one question.</summary>
    public static Func<ResultRow, string> For(IReadOnlyList<ResultRow> rows)
    {
        var steps = AblationChart.StepLabels(AblationChart.CumulativeSeries(rows));
        var full = rows.Select(ReportData.VariantWithPrecision).Distinct().ToList();
        var common = full.Count < 2 ? [] : full.Select(l => Tokens(l).Select(t => t.Text).ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
        return r => steps.TryGetValue(r.Variant, out var s) ? s : Shorten(ReportData.VariantWithPrecision(r), r.Step, common);
    }

    /// <summary>
    /// <paramref name="label"/> without the tokens in <paramref name="common"/> (a token ending in <c>:</c>, the backend,
    /// is kept), elided in the middle when longer than <see cref="MaxChars"/> (see the class summary).
    /// </summary>
    internal static string Shorten(string label, int step, IReadOnlySet<string> common)
    {
        var tokens = Tokens(label).Where(t => t.Text.EndsWith(':') || !common.Contains(t.Text)).ToList();
        var kept = Join(tokens);
        if (kept.Length <= MaxChars) return kept;
        var headCount = tokens.TakeWhile((t, i) => t.Separator != "+" || i == 0).Count();
        var head = Join(tokens.Take(headCount));
        var plus = tokens.Skip(headCount).Select(t => t.Separator + t.Text).ToList();
        var prefix = $"{step}: ";
        // keep the last kernel tokens that fit (at least one), and count the ones left out
        var keep = 1;
        while (keep < plus.Count && (prefix + head + $"+…{plus.Count - keep - 1}…" + string.Concat(plus.TakeLast(keep + 1))).Length <= MaxChars) keep++;
        var left = plus.Count - keep;
        return prefix + head + (left > 0 ? $"+…{left}…" : "") + string.Concat(plus.TakeLast(keep));
    }

    /// <summary>A token of a variant label and the separator that precedes it ("" for the first).</summary>
    private readonly record struct Token(string Separator, string Text);

    /// <summary>The tokens of a label: <c>ort:hoisted/fp16+window_mask</c> → ort, :hoisted, /fp16, +window_mask.</summary>
    private static List<Token> Tokens(string label)
    {
        var tokens = new List<Token>();
        var start = 0;
        var separator = "";
        for (var i = 0; i <= label.Length; i++)
        {
            if (i < label.Length && !Separators.Contains(label[i])) continue;
            // a separator ends the token before it; ':' belongs to the token it ends (the backend prefix)
            if (i < label.Length && label[i] == ':')
            {
                tokens.Add(new Token(separator, label[start..(i + 1)]));
                separator = "";
            }
            else
            {
                if (i > start) tokens.Add(new Token(separator, label[start..i]));
                if (i < label.Length) separator = label[i].ToString();
            }
            start = i + 1;
        }
        return tokens;
    }

    private static string Join(IEnumerable<Token> tokens)
    {
        var text = "";
        foreach (var t in tokens) text += (text.Length == 0 || text.EndsWith(':') ? "" : t.Separator) + t.Text;
        return text;
    }
}
