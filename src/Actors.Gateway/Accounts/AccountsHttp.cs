using System.Globalization;
using System.Text.Json;
using Actors.Accounts;
using Actors.Gateway.Input;
using Actors.Gateway.News;
using Actors.Gateway.Users;

namespace Actors.Gateway.Accounts;

/// <summary>
/// The REST conventions of the accounts API in one place: JSON bodies read with limits, ProblemDetails errors, and
/// the HTTP form of an <see cref="AccountOutcome"/>.
/// </summary>
internal static class AccountsHttp
{
    /// <summary>Bodies of this API are tiny; anything larger is refused before parsing.</summary>
    public const int MaxBodyBytes = 4 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static IResult Problem(int status, string title, string? detail = null, string? code = null) =>
        Results.Problem(
            statusCode: status,
            title: title,
            detail: detail,
            extensions: code is null ? null : new Dictionary<string, object?> { ["code"] = code });

    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail, "bad-request");

    public static IResult Unauthorized() =>
        Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "Sign in: send the auth token as 'Authorization: Bearer <token>' or cookie 'auth'.", "unauthorized");

    /// <summary>
    /// The HTTP door's answer to an <see cref="AccountOutcome"/>: ProblemDetails with the stable code, or the value with
    /// its status, <c>Location</c> for something created, <c>X-Event-Position</c> (as on <c>/api/*</c>) when the
    /// command caused events, the read-your-writes token of what it wrote, and <c>X-Actors-Stale</c> for a read whose
    /// wait for the reader's writes ran out.
    /// </summary>
    public static IResult ToHttp(HttpContext context, AccountOutcome outcome)
    {
        if (outcome.Error is { } error)
        {
            return Problem(error.Status, error.Title, error.Detail, error.Code);
        }

        if (outcome.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }

        if (outcome.Position > 0)
        {
            context.Response.Headers["X-Event-Position"] = outcome.Position.ToString(CultureInfo.InvariantCulture);
        }

        if (outcome.Written is var (writer, written))
        {
            ReadYourWrites.Remember(context, writer, written);
        }

        if (outcome.Stale)
        {
            context.Response.Headers[ReadYourWrites.StaleHeader] = "1";
        }

        return Results.Json(outcome.Value, Json, statusCode: outcome.Status);
    }

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
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, BadRequest("The body must be a JSON object."));
            }

            // Checked here, once for every route, so no action ever reads a string that throws (a lone surrogate) or a NUL.
            return InputText.Check(document.RootElement) is { } badText
                ? (default, BadRequest(badText))
                : (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, BadRequest("The body is not well-formed JSON."));
        }
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
