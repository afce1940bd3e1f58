using System.Text.Json;

namespace Actors.Gateway.Users;

/// <summary>
/// The parameters of a Lamernews-style API call: the query string, overlaid by a form body
/// (urlencoded or multipart) or a JSON object body whose values are strings. Reading never throws:
/// a body that cannot be read gives <see cref="Error"/>, a sentence for the error envelope.
/// </summary>
public sealed class ApiParameters
{
    /// <summary>Largest body read (a 1 MB value fits; anything beyond is refused without being buffered).</summary>
    public const int MaxBodyBytes = 2 * 1024 * 1024;

    private readonly Dictionary<string, string> _values;

    private ApiParameters(Dictionary<string, string> values, string? error)
    {
        _values = values;
        Error = error;
    }

    /// <summary>Why the body could not be read, or null.</summary>
    public string? Error { get; }

    /// <summary>The value as sent, or null when absent.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>The value with surrounding white space removed, or null when absent or empty after trimming (the reference's "required").</summary>
    public string? Required(string name) => _values.GetValueOrDefault(name)?.Trim() is { Length: > 0 } value ? value : null;

    public static async Task<ApiParameters> ReadAsync(HttpRequest request)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            // Like Rack, the last of repeated names wins.
            if (value.Count > 0 && value[^1] is { } last)
            {
                values[key] = last;
            }
        }

        if (request.ContentLength is 0 || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return new ApiParameters(values, null);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return new ApiParameters(values, "Request body too large.");
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                foreach (var (key, value) in form)
                {
                    if (value.Count > 0 && value[^1] is { } last)
                    {
                        values[key] = last;
                    }
                }

                return new ApiParameters(values, null);
            }

            if (request.HasJsonContentType())
            {
                return await ReadJsonAsync(request, values);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or FormatException)
        {
            return new ApiParameters(values, "Malformed request body.");
        }

        // Any other body is not parameters: the route then reports what is missing.
        return new ApiParameters(values, null);
    }

    private static async Task<ApiParameters> ReadJsonAsync(HttpRequest request, Dictionary<string, string> values)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return new ApiParameters(values, "Request body too large.");
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            // The reader validates UTF-8, so invalid bytes end here as a JsonException.
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new ApiParameters(values, "Malformed request body: a JSON object is expected.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        values[property.Name] = property.Value.GetString()!;
                        break;
                    case JsonValueKind.Null:
                        values.Remove(property.Name);
                        break;
                    default:
                        return new ApiParameters(values, $"Malformed request body: '{Printable(property.Name)}' must be a string.");
                }
            }

            return new ApiParameters(values, null);
        }
        catch (JsonException)
        {
            return new ApiParameters(values, "Malformed request body: not valid JSON.");
        }
    }

    private static string Printable(string name) =>
        new(name.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
