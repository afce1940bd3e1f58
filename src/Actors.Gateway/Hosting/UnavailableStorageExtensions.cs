using Actors.EventSourcing;
using Actors.Gateway.Lamernews;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Actors.Gateway.Hosting;

public static class UnavailableStorageExtensions
{
    /// <summary>Seconds a client is told to wait before retrying while the database is unreachable.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>REST routes answer problems as ProblemDetails; every other <c>/api/*</c> route speaks the Lamernews envelope.</summary>
    private static readonly string[] RestPrefixes = ["/api/accounts", "/api/transfers", "/admin"];

    /// <summary>
    /// One place for "the durable store is unreachable" (<see cref="EventLogUnavailableException"/> from a grain, or a
    /// database error under it): nothing was acknowledged, so the answer is 503 with <c>Retry-After</c>, quickly,
    /// instead of a 500. Lamernews routes get their JSON envelope (<c>{"status":"err","error":...}</c>), the rest a
    /// ProblemDetails with <c>code</c> <c>storage-unavailable</c>. Every other exception passes through unchanged.
    /// </summary>
    public static IApplicationBuilder UseUnavailableStorageAnswers(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (IsStorageUnavailable(e) && !context.Response.HasStarted)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Gateway.Unavailable")
                    .LogWarning("{Method} {Path} answered 503: the event log is unreachable ({Error})", context.Request.Method, context.Request.Path, e.Message);
                context.Response.Clear();
                await AnswerUnavailableAsync(
                    context, RetryAfterSeconds, "Service temporarily unavailable", "storage-unavailable",
                    "The service cannot reach its database right now; nothing was changed. Please retry shortly.");
            }
        });

    /// <summary>
    /// 503 with <c>Retry-After</c>: the Lamernews envelope on its routes, else a ProblemDetails with <paramref name="code"/>.
    /// </summary>
    internal static async Task AnswerUnavailableAsync(HttpContext context, int retryAfterSeconds, string title, string code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = IsLamernewsRoute(context.Request.Path)
            ? LamerResults.Error(message, StatusCodes.Status503ServiceUnavailable)
            : Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = title,
                Detail = message,
                Extensions = { ["code"] = code },
            });
        await result.ExecuteAsync(context);
    }

    private static bool IsLamernewsRoute(PathString path) =>
        path.StartsWithSegments("/api") && !RestPrefixes.Any(prefix => path.StartsWithSegments(prefix));

    /// <summary>
    /// Whether <paramref name="e"/> (or an exception it wraps: activation failures, aggregates) says the database is
    /// unreachable. Catch-all handlers of a route group let these through to <see cref="UseUnavailableStorageAnswers"/>.
    /// </summary>
    public static bool IsStorageUnavailable(Exception? e)
    {
        for (var depth = 0; e is not null && depth < 8; depth++)
        {
            switch (e)
            {
                case EventLogUnavailableException or NpgsqlException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsStorageUnavailable):
                    return true;
            }

            e = e.InnerException;
        }

        return false;
    }
}
