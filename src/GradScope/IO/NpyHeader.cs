using System.Globalization;

namespace GradScope.IO;

/// <summary>
/// The header of a .npy file: a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. A small strict parser
/// for exactly that subset (strings, booleans, tuples of integers) — no general Python evaluation.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    public static NpyHeader Parse(string text, string path)
    {
        var parser = new Parser(text, path);
        return parser.ParseHeader();
    }

    public string Format()
    {
        string shape = Shape.Length == 1
            ? $"({Shape[0]},)"
            : $"({string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))})";
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
    }

    private sealed class Parser(string text, string path)
    {
        private int _pos;

        public NpyHeader ParseHeader()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _pos++; break; }
                string key = ParseString();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        if (Peek() is '[' or '{') throw Bad("structured dtypes (a list or dict 'descr') are not supported");
                        descr = ParseString();
                        break;
                    case "fortran_order":
                        fortran = ParseBool();
                        break;
                    case "shape":
                        shape = ParseTuple();
                        break;
                    default:
                        throw Bad($"unexpected header key '{key}'");
                }
                SkipSpace();
                if (Peek() == ',') { _pos++; continue; }
                if (Peek() == '}') { _pos++; break; }
                throw Bad($"expected ',' or '}}' at header position {_pos}");
            }
            if (descr is null || fortran is null || shape is null)
                throw Bad("header must have 'descr', 'fortran_order' and 'shape'");
            return new NpyHeader(descr, fortran.Value, shape);
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Bad($"expected '{c}' at header position {_pos}");
            _pos++;
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Bad($"expected a quoted string at header position {_pos}");
            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0) throw Bad("unterminated string in header");
            string value = text[(_pos + 1)..end];
            _pos = end + 1;
            return value;
        }

        private bool ParseBool()
        {
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0) { _pos += 4; return true; }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0) { _pos += 5; return false; }
            throw Bad($"expected True or False at header position {_pos}");
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _pos++; break; }
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                var digits = text.AsSpan(start, _pos - start);
                if (_pos == start || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long dim))
                    throw Bad($"expected a non-negative integer in 'shape' at header position {start}");
                if (Peek() == 'L') _pos++; // Python 2 long literals in old files
                dims.Add(dim);
                SkipSpace();
                if (Peek() == ',') { _pos++; continue; }
                if (Peek() == ')') { _pos++; break; }
                throw Bad($"expected ',' or ')' in 'shape' at header position {_pos}");
            }
            return dims.ToArray();
        }

        private CheckpointFormatException Bad(string problem) => CheckpointFormatException.InFile(path, $"bad .npy header: {problem}");
    }
}
