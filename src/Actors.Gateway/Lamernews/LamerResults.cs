using System.Text.Json;
using System.Text.Json.Nodes;

namespace Actors.Gateway.Lamernews;

/// <summary>
/// The Lamernews API envelope: always HTTP 200 and JSON, <c>{"status":"ok",...}</c> on success and
/// <c>{"status":"err","error":"sentence"}</c> on failure. Every /api news and user route answers through these.
/// </summary>
public static class LamerResults
{
    /// <summary><c>{"status":"ok"}</c> plus the properties of <paramref name="extra"/> (an anonymous object or a JsonObject).</summary>
    public static IResult Ok(object? extra = null)
    {
        if (extra is null)
        {
            return OkAlone;
        }

        var body = new JsonObject { ["status"] = "ok" };
        var node = extra as JsonObject ?? JsonSerializer.SerializeToNode(extra, extra.GetType(), Json)?.AsObject();
        if (node is not null)
        {
            foreach (var (key, value) in node.ToList())
            {
                node.Remove(key);
                body[key] = value;
            }
        }

        return Results.Json(body, Json);
    }

    /// <summary><c>{"status":"err","error":message}</c> with HTTP 200, as Lamernews answers every failure.</summary>
    public static IResult Error(string message) => Error(message, StatusCodes.Status200OK);

    /// <summary>The error envelope with another HTTP status (e.g. 503 while the database is unreachable).</summary>
    public static IResult Error(string message, int statusCode) =>
        Results.Json(new JsonObject { ["status"] = "err", ["error"] = message }, Json, statusCode: statusCode);

    /// <summary>The rejection's sentence in the error envelope.</summary>
    public static IResult Error(Rejection rejection) => Error(rejection.Message);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The bare <c>{"status":"ok"}</c> (every vote's answer), serialized once.</summary>
    private static readonly IResult OkAlone = new Utf8Json("{\"status\":\"ok\"}"u8.ToArray());

    /// <summary>Fixed JSON bytes, with the same content type as <see cref="Results.Json"/>.</summary>
    private sealed class Utf8Json(byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        }
    }
}
