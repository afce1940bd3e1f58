using System.Globalization;
using System.Text;

namespace Actors.Tests.Fuzzing;

/// <summary>
/// A value of a fuzzed request: a JSON value, or <see cref="JRaw"/>, text written as it is (raw percent-escapes in a path,
/// query or form; raw JSON text in a JSON body). One tree for every place a value goes, so one set of mutations serves
/// path segments, query, forms, JSON bodies and <c>/ws</c> messages.
/// </summary>
internal abstract record J
{
    public static J S(string text) => new JStr(text);
}

internal sealed record JStr(string Text) : J;

internal sealed record JNum(string Raw) : J;

internal sealed record JBool(bool Value) : J;

internal sealed record JNull : J;

internal sealed record JRaw(string Text) : J;

internal sealed record JArr(List<J> Items) : J;

internal sealed record JObj(List<(string Key, J Value)> Members) : J;

/// <summary>Writes <see cref="J"/> values as JSON, and as percent-encoded text for URLs and forms.</summary>
internal static class Render
{
    /// <summary>
    /// JSON text, all non-ASCII escaped as <c>\uXXXX</c>: so a lone surrogate becomes the <c>\ud800</c> escape (valid JSON
    /// syntax, invalid Unicode), and the text is ASCII. Repeated keys are written as they are.
    /// </summary>
    public static void Json(StringBuilder to, J value)
    {
        switch (value)
        {
            case JStr s:
                JsonString(to, s.Text);
                break;
            case JNum n:
                to.Append(n.Raw);
                break;
            case JBool b:
                to.Append(b.Value ? "true" : "false");
                break;
            case JNull:
                to.Append("null");
                break;
            case JRaw r:
                to.Append(r.Text);
                break;
            case JArr a:
                to.Append('[');
                for (var i = 0; i < a.Items.Count; i++)
                {
                    to.Append(i > 0 ? "," : "");
                    Json(to, a.Items[i]);
                }

                to.Append(']');
                break;
            case JObj o:
                to.Append('{');
                for (var i = 0; i < o.Members.Count; i++)
                {
                    to.Append(i > 0 ? "," : "");
                    JsonString(to, o.Members[i].Key);
                    to.Append(':');
                    Json(to, o.Members[i].Value);
                }

                to.Append('}');
                break;
        }
    }

    public static string Json(J value)
    {
        var text = new StringBuilder();
        Json(text, value);
        return text.ToString();
    }

    /// <summary>The value as a form, query or path part: percent-encoded text, or raw text as it is.</summary>
    public static string Url(J value) => value switch
    {
        JRaw r => r.Text,
        JStr s => Escape(s.Text),
        JNum n => Escape(n.Raw),
        JBool b => b.Value ? "true" : "false",
        JNull => "",
        _ => Escape(Json(value)),
    };

    /// <summary>
    /// Percent-encoding of UTF-8, except that a lone surrogate is written as the three bytes UTF-8 would give it were it a
    /// code point (ED A0 80 for U+D800): bytes that are not valid UTF-8, which is what a hostile client sends.
    /// </summary>
    public static string Escape(string text)
    {
        var to = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                to.Append(c);
                continue;
            }

            int code = c;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                code = char.ConvertToUtf32(c, text[i + 1]);
                i++;
            }

            foreach (var b in Utf8Of(code))
            {
                to.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return to.ToString();
    }

    private static byte[] Utf8Of(int code) => code switch
    {
        < 0x80 => [(byte)code],
        < 0x800 => [(byte)(0xC0 | (code >> 6)), (byte)(0x80 | (code & 0x3F))],
        < 0x10000 => [(byte)(0xE0 | (code >> 12)), (byte)(0x80 | ((code >> 6) & 0x3F)), (byte)(0x80 | (code & 0x3F))],
        _ => [(byte)(0xF0 | (code >> 18)), (byte)(0x80 | ((code >> 12) & 0x3F)), (byte)(0x80 | ((code >> 6) & 0x3F)), (byte)(0x80 | (code & 0x3F))],
    };

    private static void JsonString(StringBuilder to, string text)
    {
        to.Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                to.Append('\\').Append(c);
            }
            else if (c < 0x20 || c > 0x7E)
            {
                to.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                to.Append(c);
            }
        }

        to.Append('"');
    }
}

/// <summary>The hostile values the mutations draw from.</summary>
internal static class Hostile
{
    /// <summary>Text that has hurt, or could hurt, a reader: encodings, controls, numbers at and past their limits, markup.</summary>
    private static readonly string[] Texts =
    [
        "", " ", "\t", "\0", "a\0b", "\ud800", "x\udfffy", "\ud83d", "\udc00\ud800", "\u0001\u0002\u001f", "\u007f\u0085\u009f",
        "\r\n\r\n", "\u2028\u2029", "\ufffe\uffff", "\ufeff", "\u202e", "\U0001F600", "<script>alert(1)</script>", "]]><x/>", "'\"",
        "\\", "../../etc/passwd", "%zz", "%00", "%", "null", "undefined", "true", "[]", "{}", "NaN", "Infinity", "0", "-0", "-1",
        "1.5", "1e3", "0x10", "\u0661\u0662", "+1", " 1 ", "2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "99999999999999999999999999", "00000000-0000-0000-0000-000000000000",
        "1-1", "1-", "-", "1--1", "-1--1", "up", "down", "sideways", "news.", "account.", "account.x", "news.-1", "EUR", "eur",
        "XXXXX", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01", "http://", "javascript:alert(1)",
        "https://example.org/\ud800", "a b", "\u00e9", "\u0130",
    ];

    /// <summary>Percent-escapes no decoder should accept, written as they are into a path, query or form.</summary>
    private static readonly string[] RawUrl =
    [
        "%zz", "%", "%0", "%00", "a%00b", "%c3%28", "%ed%a0%80", "%ff%fe", "%c0%80", "%f4%90%80%80", "%2f..%2f", "%%", "%u0041",
        "a=b", "&&", "=", "+", "%0d%0a", "%e2%80%ae", "%7f", "%01",
    ];

    /// <summary>JSON text at the edges of the grammar and of the number types.</summary>
    private static readonly string[] RawJson =
    [
        "1e400", "-0", "01", "1.", ".5", "NaN", "-Infinity", "18446744073709551616", "-9223372036854775809", "1E+999999",
        "0.0000000000000000000000000000001", "\"\\ud800\"", "\"\\u0000\"", "\"\\x41\"", "\"\\uD800\\uD800\"", "tru", "nul",
        "{\"a\":1,\"a\":2}", "[1,", "\"unterminated", "'single'", "{}", "[]", "[[]]", "{\"\\ud800\":1}", "\"\\udfff\\ud800\"",
    ];

    public static J Value(Random random) => random.Next(10) switch
    {
        < 5 => J.S(Pick(random, Texts)),
        5 => new JRaw(Pick(random, RawUrl)),
        6 => new JRaw(Pick(random, RawJson)),
        7 => J.S(Long(random)),
        8 => WrongType(random),
        _ => J.S(Pick(random, Texts) + Pick(random, Texts)),
    };

    /// <summary>A value of another JSON type than a string: number, boolean, null, array, object.</summary>
    public static J WrongType(Random random) => random.Next(8) switch
    {
        0 => new JNum(Pick(random, ["0", "-1", "1", "1.5", "1e308", "-9223372036854775808", "9223372036854775807", "123456789012345678901234567890"])),
        1 => new JBool(random.Next(2) == 0),
        2 => new JNull(),
        3 => new JArr([]),
        4 => new JArr([J.S("a"), new JNum("1")]),
        5 => new JObj([]),
        6 => new JObj([("$ne", new JNull())]),
        _ => Nested(random, random.Next(2, 40)),
    };

    /// <summary>Arrays and objects nested <paramref name="depth"/> deep.</summary>
    public static J Nested(Random random, int depth)
    {
        J value = J.S("x");
        for (var i = 0; i < depth; i++)
        {
            value = random.Next(2) == 0 ? new JArr([value]) : new JObj([("a", value)]);
        }

        return value;
    }

    /// <summary>A long text: an id, digits, a repeated hostile character.</summary>
    public static string Long(Random random)
    {
        var length = random.Next(4) switch
        {
            0 => random.Next(129, 300),
            1 => random.Next(1_000, 5_000),
            2 => random.Next(5_000, 20_000),
            _ => random.Next(60_000, 80_000),
        };
        var unit = Pick(random, ["a", "9", "\ud800", "\u00e9", "%", "<", "\0", "-", "\U0001F600"]);
        return new StringBuilder(length).Insert(0, unit, Math.Max(1, length / unit.Length)).ToString();
    }

    /// <summary>Bytes that are not UTF-8 (a stray continuation, an overlong form, a surrogate, past U+10FFFF).</summary>
    public static byte[] InvalidUtf8(Random random) => Pick(random, new byte[][]
    {
        [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xFE, 0xFF],
    });

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
