using System.Globalization;
using System.Text.Json;
using Actors.Accounts;
using Actors.Gateway.Users;

namespace Actors.Gateway.Accounts;

/// <summary>
/// The REST conventions of the accounts API in one place: JSON bodies read with limits, ProblemDetails errors, and
/// the mapping of rejection codes to HTTP statuses.
/// </summary>
internal static class AccountsHttp
{
    /// <summary>Bodies of this API are tiny; anything larger is refused before parsing.</summary>
    public const int MaxBodyBytes = 4 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static IResult Ok(object value) => Results.Json(value, Json);

    public static IResult Problem(int status, string title, string? detail = null, string? code = null) =>
        Results.Problem(
            statusCode: status,
            title: title,
            detail: detail,
            extensions: code is null ? null : new Dictionary<string, object?> { ["code"] = code });

    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail, "bad-request");

    public static IResult NotFound(string what) => Problem(StatusCodes.Status404NotFound, "Not found", $"No such {what}.", "not-found");

    public static IResult Unauthorized() =>
        Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "Sign in: send the auth token as 'Authorization: Bearer <token>' or cookie 'auth'.", "unauthorized");

    /// <summary>A refusal of the domain, as ProblemDetails carrying the stable rejection code.</summary>
    public static IResult Rejected(Rejection rejection) => rejection.Code switch
    {
        // Not yours looks exactly like not there: an account id reveals nothing about accounts of others.
        AccountRules.AccountNotFound or AccountRules.NotOwner => NotFound("account"),
        AccountRules.InvalidAmount or AccountRules.InvalidCurrency or AccountRules.InvalidTransferId or AccountRules.SameAccount =>
            Problem(StatusCodes.Status400BadRequest, "Bad request", rejection.Message, rejection.Code),
        _ => Problem(StatusCodes.Status409Conflict, "Refused by a business rule", rejection.Message, rejection.Code),
    };

    /// <summary>
    /// Reads the request body as a JSON object. An empty body gives an empty object when <paramref name="optional"/>;
    /// otherwise, and for anything that is not a small, well-formed JSON object, an error result.
    /// </summary>
    public static async Task<(JsonElement Body, IResult? Error)> ReadObjectAsync(HttpRequest request, bool optional = false)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (default, TooLarge());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                return (default, TooLarge());
            }
        }

        if (buffer.Length == 0)
        {
            return optional
                ? (EmptyObject, null)
                : (default, BadRequest("A JSON object body is required."));
        }

        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (default, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json.", "unsupported-media-type"));
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (default, BadRequest("The body must be a JSON object."));
        }
        catch (JsonException)
        {
            return (default, BadRequest("The body is not well-formed JSON."));
        }
    }

    /// <summary>A required amount in minor units: a JSON integer between 1 and <see cref="AccountRules.MaxAmount"/>.</summary>
    public static bool TryReadAmount(JsonElement body, out long amount, out IResult? error)
    {
        amount = 0;
        error = null;
        if (!body.TryGetProperty("amount", out var value))
        {
            error = BadRequest("'amount' is required: a whole number of minor units (cents).");
        }
        else if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out amount))
        {
            error = BadRequest("'amount' must be a whole number of minor units (cents), e.g. 1250 for 12.50.");
        }
        else if (!AccountRules.IsValidAmount(amount))
        {
            error = BadRequest($"'amount' must be between 1 and {AccountRules.MaxAmount.ToString(CultureInfo.InvariantCulture)}.");
        }

        return error is null;
    }

    /// <summary>An optional string property; an error when present with another JSON type.</summary>
    public static bool TryReadString(JsonElement body, string name, out string? value, out IResult? error)
    {
        value = null;
        error = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = BadRequest($"'{name}' must be a string.");
            return false;
        }

        value = element.GetString();
        return true;
    }

    public static bool TryReadAccountId(JsonElement body, string name, out Guid id, out IResult? error)
    {
        id = Guid.Empty;
        if (!TryReadString(body, name, out var text, out error))
        {
            return false;
        }

        if (text is null || !Guid.TryParse(text, out id))
        {
            error = BadRequest($"'{name}' must be an account id (a GUID).");
            return false;
        }

        return true;
    }

    /// <summary>
    /// The signed-in user, or an error: 401 without valid credentials; 403 for a state-changing request authenticated
    /// only by the cookie that does not declare a JSON body (a cross-site form cannot, so this stops CSRF).
    /// </summary>
    public static async Task<(SignedInUser? User, IResult? Error)> CallerAsync(HttpContext context, bool changesState)
    {
        var user = await context.GetSignedInUserAsync();
        if (user is null)
        {
            return (null, Unauthorized());
        }

        var bearer = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (changesState && !bearer && context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, Problem(StatusCodes.Status403Forbidden, "Forbidden",
                "A request authenticated by cookie must send Content-Type: application/json (or use 'Authorization: Bearer').", "csrf"));
        }

        return (user, null);
    }

    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new { });

    private static IResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body must be at most {MaxBodyBytes} bytes.", "too-large");
}
