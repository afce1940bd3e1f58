using System.Text;

namespace Actors.Tests.Fuzzing;

/// <summary>A signed-up user of the fuzzed site.</summary>
internal sealed record FuzzUser(long Id, string Name, string Token, string Secret);

internal enum FuzzAuth
{
    None,
    Bearer,
    Cookie,
}

internal enum FuzzBody
{
    None,
    Form,
    Json,
}

/// <summary>
/// An HTTP request before it is written: a route pattern with its values, query, body fields, credentials. The
/// structured mutations work on this; <see cref="Write"/> turns it into bytes, which the byte mutations then work on.
/// </summary>
internal sealed class FuzzRequest
{
    public required string Method { get; set; }

    /// <summary>The route pattern, its parameters as <c>{name}</c> (filled from <see cref="PathValues"/>).</summary>
    public required string Pattern { get; init; }

    public List<(string Name, J Value)> PathValues { get; init; } = [];

    public List<(string Key, J Value)> Query { get; init; } = [];

    public FuzzBody Body { get; set; }

    public List<(string Key, J Value)> Fields { get; init; } = [];

    public FuzzAuth Auth { get; set; } = FuzzAuth.Bearer;

    /// <summary>The token sent, in place of the user's (a mutation's).</summary>
    public string? Token { get; set; }

    /// <summary>A Content-Type in place of the body's own ("" sends none).</summary>
    public string? ContentType { get; set; }

    public List<(string Name, string Value)> Headers { get; } = [];

    /// <summary>The request as sent: method, target (ASCII, escapes as written), headers, body.</summary>
    public WrittenRequest Write(FuzzUser user)
    {
        var path = new StringBuilder(Pattern);
        foreach (var (name, value) in PathValues)
        {
            path.Replace("{" + name + "}", Render.Url(value));
        }

        var target = path.ToString();
        // A parameter a mutation removed leaves an empty segment.
        while (target.Contains('{', StringComparison.Ordinal) && target.IndexOf('}', StringComparison.Ordinal) is var end and > 0)
        {
            target = target.Remove(target.IndexOf('{', StringComparison.Ordinal), end - target.IndexOf('{', StringComparison.Ordinal) + 1);
        }

        if (Query.Count > 0)
        {
            target += "?" + string.Join("&", Query.Select(p => Render.Escape(p.Key) + "=" + Render.Url(p.Value)));
        }

        var headers = new List<(string, string)>(Headers);
        var token = Token ?? user.Token;
        switch (Auth)
        {
            case FuzzAuth.Bearer:
                headers.Add(("Authorization", "Bearer " + token));
                break;
            case FuzzAuth.Cookie:
                headers.Add(("Cookie", "auth=" + token));
                break;
        }

        byte[]? body = null;
        var contentType = ContentType;
        switch (Body)
        {
            case FuzzBody.Form:
                body = Encoding.ASCII.GetBytes(string.Join("&", Fields.Select(p =>
                    p.Value is JNull ? Render.Escape(p.Key) : Render.Escape(p.Key) + "=" + Render.Url(p.Value))));
                contentType ??= "application/x-www-form-urlencoded";
                break;
            case FuzzBody.Json:
                body = Encoding.ASCII.GetBytes(Render.Json(new JObj(Fields)));
                contentType ??= "application/json";
                break;
        }

        return new WrittenRequest(Method, target, headers, body, contentType is { Length: > 0 } ? contentType : null);
    }
}

/// <summary>A request as it goes on the wire.</summary>
internal sealed record WrittenRequest(string Method, string Target, List<(string Name, string Value)> Headers, byte[]? Body, string? ContentType)
{
    /// <summary>What was sent, short enough for a failure message.</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"{Method} {Cut(Target, 300)}");
        foreach (var (name, value) in Headers)
        {
            text.Append($" | {name}: {Cut(value, 80)}");
        }

        if (ContentType is not null)
        {
            text.Append($" | Content-Type: {ContentType}");
        }

        if (Body is not null)
        {
            text.Append($" | body ({Body.Length} bytes): ");
            foreach (var b in Body.Take(300))
            {
                text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
            }
        }

        return text.ToString();
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + $"...({text.Length})";
}
