using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Actors.Gateway.Lamernews;

/// <summary>
/// The parameters of a Lamernews <c>/api</c> call as Sinatra (Rack) sees them, for every route (news and users): the
/// query string, overlaid by the body (a urlencoded or multipart form, or a JSON object). Rack's rule for a repeated
/// name, in the query, in the body or across both: the last one wins. Reading never throws; a body that cannot be
/// read adds no parameters and gives <see cref="Error"/>, a sentence for the envelope (the routes decide whether to
/// show it: the news routes, like Lamernews, just find the parameters missing).
/// </summary>
internal sealed class LamerParameters
{
    /// <summary>Largest body read (a 1 MB value fits; anything beyond is refused without being buffered).</summary>
    public const int MaxBodyBytes = 2 * 1024 * 1024;

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

    public static async Task<LamerParameters> ReadAsync(HttpRequest request)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        AddLastOfEach(values, request.Query);
        if (request.ContentLength is 0 || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return new LamerParameters(values, null);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return new LamerParameters(values, "Request body too large.");
        }

        try
        {
            if (request.HasFormContentType)
            {
                AddLastOfEach(values, await request.ReadFormAsync(request.HttpContext.RequestAborted));
                return new LamerParameters(values, null);
            }

            if (request.HasJsonContentType())
            {
                return new LamerParameters(values, await ReadJsonAsync(request, values));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or FormatException)
        {
            return new LamerParameters(values, "Malformed request body.");
        }

        // Any other body is not parameters: the route then reports what is missing.
        return new LamerParameters(values, null);
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
    private static async Task<string?> ReadJsonAsync(HttpRequest request, Dictionary<string, string> values)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return "Request body too large.";
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
