using System.Globalization;

namespace SwinBench.IO;

/// <summary>The three fields of a .npy header.</summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape);

/// <summary>
/// Parses the Python dict literal of a .npy header, e.g.
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (1, 3, 13, 19), }</c>.
/// Only the literal forms NumPy writes are understood: quoted strings, <c>True</c>/<c>False</c>,
/// integers, and tuples of integers. Errors are <see cref="FormatException"/>s with a short reason.
/// </summary>
internal sealed class NpyHeaderParser
{
    private readonly string _text;
    private int _pos;

    private NpyHeaderParser(string text) => _text = text;

    public static NpyHeader Parse(string text)
    {
        var parser = new NpyHeaderParser(text);
        Dictionary<string, object> dict = parser.ParseDict();
        parser.SkipWhitespace();
        if (parser._pos != text.Length)
            throw new FormatException($"unexpected text after the closing brace at offset {parser._pos}");

        string descr = dict.TryGetValue("descr", out object? d)
            ? d as string ?? throw new FormatException("'descr' is not a dtype string (structured dtypes are not supported)")
            : throw new FormatException("missing key 'descr'");
        bool fortran = dict.TryGetValue("fortran_order", out object? f)
            ? f is bool b ? b : throw new FormatException("'fortran_order' is not True or False")
            : throw new FormatException("missing key 'fortran_order'");
        long[] shape = dict.TryGetValue("shape", out object? s)
            ? s as long[] ?? throw new FormatException("'shape' is not a tuple of integers")
            : throw new FormatException("missing key 'shape'");
        return new NpyHeader(descr, fortran, shape);
    }

    private Dictionary<string, object> ParseDict()
    {
        var dict = new Dictionary<string, object>(StringComparer.Ordinal);
        Expect('{');
        while (true)
        {
            SkipWhitespace();
            if (TryConsume('}'))
                return dict;
            string key = ParseString();
            Expect(':');
            object value = ParseValue();
            if (!dict.TryAdd(key, value))
                throw new FormatException($"duplicate key '{key}'");
            SkipWhitespace();
            if (TryConsume(','))
                continue;
            Expect('}');
            return dict;
        }
    }

    private object ParseValue()
    {
        SkipWhitespace();
        if (_pos >= _text.Length)
            throw new FormatException("header ends where a value was expected");
        char c = _text[_pos];
        if (c is '\'' or '"')
            return ParseString();
        if (c == '(')
            return ParseTuple();
        if (c == '[')
            throw new FormatException("list values (structured dtypes) are not supported");
        if (Matches("True"))
            return true;
        if (Matches("False"))
            return false;
        if (c == '-' || char.IsAsciiDigit(c))
            return ParseInteger();
        throw new FormatException($"unexpected character '{c}' at offset {_pos}");
    }

    private long[] ParseTuple()
    {
        Expect('(');
        var items = new List<long>();
        while (true)
        {
            SkipWhitespace();
            if (TryConsume(')'))
                return [.. items];
            items.Add(ParseInteger());
            SkipWhitespace();
            if (TryConsume(','))
                continue;
            Expect(')');
            return [.. items];
        }
    }

    private long ParseInteger()
    {
        SkipWhitespace();
        int start = _pos;
        if (_pos < _text.Length && _text[_pos] == '-')
            _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            _pos++;
        string digits = _text[start.._pos];
        // Python 2 era files may write longs with an 'L' suffix, e.g. (3L, 4L).
        if (_pos < _text.Length && _text[_pos] is 'L' or 'l')
            _pos++;
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new FormatException($"bad integer '{digits}' at offset {start}");
        return value;
    }

    private string ParseString()
    {
        SkipWhitespace();
        if (_pos >= _text.Length || _text[_pos] is not ('\'' or '"'))
            throw new FormatException($"expected a quoted string at offset {_pos}");
        char quote = _text[_pos++];
        int end = _text.IndexOf(quote, _pos);
        if (end < 0)
            throw new FormatException("unterminated string");
        string value = _text[_pos..end];
        _pos = end + 1;
        return value;
    }

    private void Expect(char c)
    {
        SkipWhitespace();
        if (!TryConsume(c))
            throw new FormatException(_pos < _text.Length
                ? $"expected '{c}' at offset {_pos} but found '{_text[_pos]}'"
                : $"expected '{c}' but the header ended");
    }

    private bool TryConsume(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c)
        {
            _pos++;
            return true;
        }
        return false;
    }

    private bool Matches(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
            return false;
        int after = _pos + word.Length;
        if (after < _text.Length && (char.IsAsciiLetterOrDigit(_text[after]) || _text[after] == '_'))
            return false;
        _pos = after;
        return true;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && (char.IsWhiteSpace(_text[_pos]) || _text[_pos] == '\0'))
            _pos++;
    }
}
