using System.Text.Json;

namespace Actors.Gateway.Input;

/// <summary>
/// The one check every reader of client text (the <c>/api</c> parameters, the REST accounts' JSON bodies, <c>/ws</c>
/// messages) applies before anything uses a string: text that no store, page or feed can carry is refused at the door
/// with a sentence, instead of failing deep inside (a lone surrogate makes <see cref="JsonElement.GetString"/> throw,
/// which was an HTTP 500 with a logged stack trace per request) or being misread (a NUL in a form value).
/// </summary>
/// <remarks>
/// Refused: lone (unpaired) UTF-16 surrogates, from a JSON <c>\ud800</c> escape, and NUL. Invalid UTF-8 never gets
/// this far: the JSON reader rejects it and the form reader decodes it to U+FFFD. Other control characters are not
/// refused here: a text may carry tabs and newlines, and the news rules strip the rest where they matter (titles, texts
/// and comments, so that RSS and HTML stay valid).
/// </remarks>
internal static class InputText
{
    private const string LoneSurrogate = "is not valid Unicode text (a lone surrogate)";

    /// <summary>Why <paramref name="text"/> is not acceptable input, or null when it is.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "contains a NUL character";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return LoneSurrogate;
            }
        }

        return null;
    }

    /// <summary>The sentence for a bad parameter, naming it (made printable, and short) unless the name itself is the problem.</summary>
    public static string Refusal(string name, string problem) =>
        Problem(name) is null ? $"Invalid input: '{Printable(name)}' {problem}." : $"Invalid input: a name {problem}.";

    /// <summary>
    /// The first string (member name or value, at any depth) of a parsed JSON value that is not acceptable, as a
    /// sentence; null when all are. Reading a string with a lone surrogate escape throws, which is caught here.
    /// </summary>
    public static string? Check(JsonElement element, string name = "body")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return ProblemOf(element) is { } problem ? Refusal(name, problem) : null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Check(item, name) is { } inItem)
                    {
                        return inItem;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string member;
                    try
                    {
                        member = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"Invalid input: a name {LoneSurrogate}.";
                    }

                    if (Problem(member) is { } badName)
                    {
                        return Refusal(member, badName);
                    }

                    if (Check(property.Value, member) is { } inValue)
                    {
                        return inValue;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string? ProblemOf(JsonElement text)
    {
        try
        {
            return Problem(text.GetString()!);
        }
        catch (InvalidOperationException)
        {
            return LoneSurrogate;
        }
    }

    private static string Printable(string name) =>
        new(name.Take(40).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());
}
