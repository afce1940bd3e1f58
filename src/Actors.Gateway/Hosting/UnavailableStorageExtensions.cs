using Actors.EventSourcing;
using Actors.Gateway.Lamernews;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Orleans.Runtime;

namespace Actors.Gateway.Hosting;

/// <summary>Why a request could not be answered by the cluster (see <see cref="UnavailableStorageExtensions.Classify"/>).</summary>
public enum Unavailability
{
    /// <summary>The database is unreachable: nothing was written.</summary>
    Storage,

    /// <summary>A silo was lost or stalled while the request was under way: it may or may not have been applied.</summary>
    Unconfirmed,
}

public static class UnavailableStorageExtensions
{
    /// <summary>Seconds a client is told to wait before retrying while the database is unreachable.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Seconds a client is told to wait after an unconfirmed answer: the membership settles a lost silo in seconds.</summary>
    public const int UnconfirmedRetryAfterSeconds = 2;

    public const string StorageMessage = "The service cannot reach its database right now; nothing was changed. Please retry shortly.";

    public const string UnconfirmedMessage =
        "The service could not confirm this request in time: it may or may not have been applied. Check, then retry if it was not.";

    /// <summary>REST routes answer problems as ProblemDetails; every other <c>/api/*</c> route speaks the Lamernews envelope.</summary>
    private static readonly string[] RestPrefixes = ["/api/accounts", "/api/transfers", "/admin"];

    /// <summary>
    /// One place for answers the cluster could not give, instead of a 500, each a 503 with <c>Retry-After</c>: Lamernews
    /// routes get their JSON envelope (<c>{"status":"err","error":...}</c>), the rest a ProblemDetails with a <c>code</c>.
    /// <list type="bullet">
    /// <item>The durable store is unreachable (<see cref="EventLogUnavailableException"/> from a grain, or a database
    /// error under it): nothing was acknowledged; <c>storage-unavailable</c>.</item>
    /// <item>A silo was lost or stalled under the request (a response timeout, a silo declared dead, a rejected message):
    /// the command may have been applied before its answer was lost, so the client is told exactly that, never a refusal;
    /// <c>outcome-unknown</c>. (Found by the nemesis run: a vote answered "Something went wrong" was in the log.)</item>
    /// <item>The client left before the answer: nothing to answer, and not an error of the site.</item>
    /// </list>
    /// Every other exception passes through unchanged.
    /// </summary>
    public static IApplicationBuilder UseUnavailableStorageAnswers(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && Classify(e) is { } unavailable)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Gateway.Unavailable");
                context.Response.Clear();
                if (unavailable == Unavailability.Storage)
                {
                    logger.LogWarning("{Method} {Path} answered 503: the event log is unreachable ({Error})", context.Request.Method, context.Request.Path, e.Message);
                    await AnswerUnavailableAsync(context, RetryAfterSeconds, "Service temporarily unavailable", "storage-unavailable", StorageMessage);
                }
                else
                {
                    logger.LogWarning("{Method} {Path} answered 503: its outcome is unknown ({Error})", context.Request.Method, context.Request.Path, e.Message);
                    await AnswerUnavailableAsync(context, UnconfirmedRetryAfterSeconds, "Outcome unknown", "outcome-unknown", UnconfirmedMessage);
                }
            }
            catch (Exception e) when (context.RequestAborted.IsCancellationRequested)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Gateway.Unavailable")
                    .LogInformation("{Method} {Path}: the client left before the answer ({Error})", context.Request.Method, context.Request.Path, e.GetType().Name);
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
    /// Whether <paramref name="e"/> means the cluster could not answer (and why), or is an error of its own (null).
    /// Catch-all handlers of a route group or of <c>/ws</c> let the first kind through to <see cref="UseUnavailableStorageAnswers"/>
    /// or answer them the same way.
    /// </summary>
    public static Unavailability? Classify(Exception e) =>
        IsStorageUnavailable(e) ? Unavailability.Storage : IsUnconfirmed(e) ? Unavailability.Unconfirmed : null;

    /// <summary>A response that never came (timeout), a silo declared dead, or a message the cluster could not deliver.</summary>
    private static bool IsUnconfirmed(Exception e) => Wraps(e, x => x is TimeoutException or OrleansMessageRejectionException);

    /// <summary>
    /// Whether <paramref name="e"/> (or an exception it wraps: activation failures, aggregates) says the database is
    /// unreachable.
    /// </summary>
    public static bool IsStorageUnavailable(Exception e) => Wraps(e, x => x is EventLogUnavailableException or NpgsqlException);

    /// <summary>Whether <paramref name="e"/>, or an exception it wraps (inner ones, an aggregate's), is a <paramref name="kind"/>.</summary>
    private static bool Wraps(Exception? e, Func<Exception, bool> kind)
    {
        for (var depth = 0; e is not null && depth < 8; depth++)
        {
            if (kind(e) || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(inner => Wraps(inner, kind))))
            {
                return true;
            }

            e = e.InnerException;
        }

        return false;
    }
}
