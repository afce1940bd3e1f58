using System.Text.Json;

namespace Actors.Gateway.News;

/// <summary>
/// The parameters of a news API call as Lamernews (Sinatra) sees them: form fields, or the members of a JSON object
/// body, over query-string values. A body that cannot be read counts as no parameters, never as an error page.
/// </summary>
internal sealed class NewsRequest
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static async Task<NewsRequest> ReadAsync(HttpRequest request)
    {
        var parameters = new NewsRequest();
        foreach (var (key, value) in request.Query)
        {
            parameters._values[key] = value.ToString();
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                foreach (var (key, value) in form)
                {
                    parameters._values[key] = value.ToString();
                }
            }
            else if (request.HasJsonContentType())
            {
                using var document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        parameters._values[property.Name] = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString() ?? "",
                            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                            _ => "",
                        };
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or BadHttpRequestException)
        {
            // Malformed or oversized body: the checks below then report the missing parameters.
        }

        return parameters;
    }

    /// <summary>Lamernews' "required" rule: present and non-empty after trimming (the trimmed value is what is used).</summary>
    public string? Required(string name) =>
        _values.TryGetValue(name, out var value) && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    /// <summary>Lamernews' "present" rule: present, possibly empty; taken as sent.</summary>
    public string? Present(string name) => _values.TryGetValue(name, out var value) ? value : null;
}
