using System.Text.Json;
using Actors.Gateway.Input;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Actors.Gateway.Lamernews;

/// <summary>
/// The parameters of a Lamernews <c>/api</c> call as Sinatra (Rack) sees them, for every route (news and users): the
/// query string, overlaid by the body (a urlencoded or multipart form, or a JSON object), whatever the method: Rack
/// reads a form body on a GET too, and a client that logs in with <c>GET /api/login</c> and the form in the body
/// (bevacqua/lamernews-client) works only so. Rack's rule for a repeated
/// name, in the query, in the body or across both: the last one wins. Reading never throws; a body that cannot be
/// read adds no parameters and gives <see cref="Error"/>, a sentence for the envelope (the routes decide whether to
/// show it: the news routes, like Lamernews, just find the parameters missing).
/// </summary>
internal sealed class LamerParameters
{
    /// <summary>
    /// Largest body read by default (the user routes; the news routes have the same limit): the largest legitimate one, a
    /// profile with a 4,096-character about, a 1,024-character password and an email, fits even percent-encoded
    /// multi-byte text (nine bytes a character). Anything beyond is refused without being buffered. It was 2 MB, which
    /// let anyone make the gateway buffer 2 MB per anonymous login or sign-up.
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The sentence for a body over the limit.</summary>
    public const string TooLarge = "Request body too large.";

    /// <summary>The sentence for a NUL (<c>%00</c>) in a urlencoded form, which the form reader refuses before we see the values.</summary>
    public const string FormNul = "Invalid input: a form value contains a NUL character.";

    /// <summary>The sentence for a form in a charset that cannot be decoded (such as UTF-7).</summary>
    public const string UnsupportedCharset = "Malformed request body: its charset is not supported (send UTF-8).";

    private readonly Dictionary<string, string> _values;

    private LamerParameters(Dictionary<string, string> values, string? error)
    {
        _values = values;
        Error = error;
    }

    /// <summary>Why the body could not be read, or null.</summary>
    public string? Error { get; }

    /// <summary>Lamernews' "required" rule: present and non-empty after trimming (the trimmed value is what is used).</summary>
    public string? Required(string name) => RequiredValue(Present(name));

    /// <summary>Lamernews' "present" rule: present, possibly empty; taken as sent (null when absent).</summary>
    public string? Present(string name) => _values.GetValueOrDefault(name);

    /// <summary>The "required" rule on a value as sent (for command inputs read by either door): trimmed, or null when absent or blank.</summary>
    public static string? RequiredValue(string? sent) => sent?.Trim() is { Length: > 0 } value ? value : null;

    /// <summary>
    /// The parameters of <paramref name="request"/>; a body over <paramref name="maxBodyBytes"/>, one that cannot be
    /// parsed, or any name or value in it that is not acceptable text (<see cref="InputText"/>: a NUL, a lone surrogate)
    /// gives <see cref="Error"/> and no parameters from the body.
    /// </summary>
    public static async Task<LamerParameters> ReadAsync(HttpRequest request, int maxBodyBytes = MaxBodyBytes)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        // The query is not checked for NUL: it cannot carry a lone surrogate (its decoder makes U+FFFD of bad UTF-8), and
        // a name or email with a NUL simply matches nothing, as the user routes' tests of hostile input expect.
        AddLastOfEach(values, request.Query);

        if (request.ContentLength is 0)
        {
            return new LamerParameters(values, null);
        }

        if (request.ContentLength > maxBodyBytes)
        {
            return new LamerParameters(values, TooLarge);
        }

        try
        {
            if (request.HasFormContentType)
            {
                // A body without a Content-Length (chunked) is held to the same limit by the server while the form is read.
                if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = Math.Min(limit.MaxRequestBodySize ?? long.MaxValue, maxBodyBytes);
                }

                var form = new Dictionary<string, string>(StringComparer.Ordinal);
                AddLastOfEach(form, await request.ReadFormAsync(request.HttpContext.RequestAborted));
                if (Refusal(form) is { } badForm)
                {
                    return new LamerParameters(values, badForm);
                }

                foreach (var (key, value) in form)
                {
                    values[key] = value;
                }

                return new LamerParameters(values, null);
            }

            if (request.HasJsonContentType())
            {
                return new LamerParameters(values, await ReadJsonAsync(request, values, maxBodyBytes));
            }
        }
        catch (InvalidDataException e) when (e.InnerException is InvalidOperationException)
        {
            // The form reader's URL decoder refuses a %00 (a NUL) this way: an input error, not a malformed body.
            return new LamerParameters(values, FormNul);
        }
        catch (NotSupportedException)
        {
            // A form declaring a charset .NET refuses to decode (UTF-7 is disabled): it reached the news routes' catch-all
            // as "Something went wrong" and the user routes as a 500, with a logged stack trace each (found by the fuzz test).
            return new LamerParameters(values, UnsupportedCharset);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new LamerParameters(values, TooLarge);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or FormatException)
        {
            return new LamerParameters(values, "Malformed request body.");
        }

        // Any other body is not parameters: the route then reports what is missing.
        return new LamerParameters(values, null);
    }

    /// <summary>The sentence for the first name or value that is not acceptable text, or null.</summary>
    private static string? Refusal(Dictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            if ((InputText.Problem(key) ?? InputText.Problem(value)) is { } problem)
            {
                return InputText.Refusal(key, problem);
            }
        }

        return null;
    }

    private static void AddLastOfEach(Dictionary<string, string> values, IEnumerable<KeyValuePair<string, StringValues>> pairs)
    {
        foreach (var (key, value) in pairs)
        {
            // Rack: the last of repeated names wins (StringValues.ToString() would join them with commas).
            if (value.Count > 0 && value[^1] is { } last)
            {
                values[key] = last;
            }
        }
    }

    /// <summary>
    /// A JSON object body over <paramref name="values"/>: strings as they are, numbers and booleans as their JSON text,
    /// null as not sent. Returns why the body is refused (then it adds nothing), or null.
    /// </summary>
    private static async Task<string?> ReadJsonAsync(HttpRequest request, Dictionary<string, string> values, int maxBodyBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBodyBytes)
            {
                return TooLarge;
            }

            buffer.Write(chunk, 0, read);
        }

        var body = new List<(string Name, string? Value)>();
        try
        {
            // The reader validates UTF-8, so invalid bytes end here as a JsonException.
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "Malformed request body: a JSON object is expected.";
            }

            // Before any GetString: a lone surrogate escape would make it throw.
            if (InputText.Check(document.RootElement) is { } badText)
            {
                return badText;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        body.Add((property.Name, property.Value.GetString()!));
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        body.Add((property.Name, property.Value.GetRawText()));
                        break;
                    case JsonValueKind.Null:
                        body.Add((property.Name, null));
                        break;
                    default:
                        return $"Malformed request body: '{Printable(property.Name)}' must be a string.";
                }
            }
        }
        catch (JsonException)
        {
            return "Malformed request body: not valid JSON.";
        }

        // In order, so a repeated member also follows Rack's rule.
        foreach (var (name, value) in body)
        {
            if (value is null)
            {
                values.Remove(name);
            }
            else
            {
                values[name] = value;
            }
        }

        return null;
    }

    private static string Printable(string name) =>
        new(name.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
