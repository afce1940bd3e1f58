using System.Threading.RateLimiting;

namespace Actors.Gateway.Hosting;

/// <summary>Settings of the <c>Writes</c> section (<c>Writes__MaxConcurrent</c>, <c>Writes__QueueLimit</c>).</summary>
public sealed class WriteAdmissionOptions
{
    public const string Section = "Writes";

    /// <summary>Write requests handled at once; the rest wait their turn in arrival order. 0 (the default): 4 per core.</summary>
    public int MaxConcurrent { get; set; }

    /// <summary>Write requests that may wait for a turn; one more is answered 503 with <c>Retry-After</c> at once.</summary>
    public int QueueLimit { get; set; } = 10_000;

    internal int PermitLimit => MaxConcurrent > 0 ? MaxConcurrent : 4 * Environment.ProcessorCount;
}

/// <summary>
/// Reads first: at most <see cref="WriteAdmissionOptions.MaxConcurrent"/> write requests (POST, PUT, PATCH, DELETE) are
/// handled at once, in arrival order; reads (GET, HEAD, the WebSocket upgrade) never wait here.
/// </summary>
/// <remarks>
/// Without it, a burst of writes at full speed took the front page down to a quarter of its quiet rate: every request in
/// flight gets about the same share of the cores, and a write costs several times a read (its grain calls, its append,
/// and the consumers its events feed), so 32 connections voting as fast as they could held as many requests in flight as
/// 32 readers and took most of the CPU. Admitted a few at a time, writes keep the cores busy (a handful in flight is
/// enough to saturate them: a write is mostly CPU, not waiting), and the readers keep most of their share. A waiting write
/// costs a queue entry; past <see cref="WriteAdmissionOptions.QueueLimit"/> the gateway says it is busy (503, nothing
/// was changed) rather than holding more. WebSocket commands are not admitted here: a socket runs its commands one at
/// a time, so it never holds more than one in flight.
/// </remarks>
public static class WriteAdmission
{
    private const int RetryAfterSeconds = 1;
    private const string Busy = "The site is busy right now; nothing was changed. Please retry shortly.";

    public static WebApplicationBuilder AddWriteAdmission(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(WriteAdmissionOptions.Section).Get<WriteAdmissionOptions>() ?? new WriteAdmissionOptions();
        if (options.MaxConcurrent < 0 || options.QueueLimit < 0)
        {
            throw new InvalidOperationException("Writes:MaxConcurrent and Writes:QueueLimit must be 0 or more.");
        }

        builder.Services.AddSingleton(_ => new WriteTurns(new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        })));
        return builder;
    }

    /// <summary>A read goes straight on (one comparison of its method); a write waits for its turn first.</summary>
    public static IApplicationBuilder UseWriteAdmission(this IApplicationBuilder app)
    {
        var turns = app.ApplicationServices.GetRequiredService<WriteTurns>().Limiter;
        return app.Use((context, next) => IsWrite(context.Request.Method) ? AdmitAsync(turns, context, next) : next(context));
    }

    private static async Task AdmitAsync(ConcurrencyLimiter turns, HttpContext context, RequestDelegate next)
    {
        using var turn = await turns.AcquireAsync(1, context.RequestAborted);
        if (!turn.IsAcquired)
        {
            await UnavailableStorageExtensions.AnswerUnavailableAsync(context, RetryAfterSeconds, "Service busy", "busy", Busy);
            return;
        }

        await next(context);
    }

    private static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>The gateway's one limiter of writes (a singleton, disposed with the host).</summary>
    private sealed record WriteTurns(ConcurrencyLimiter Limiter) : IDisposable
    {
        public void Dispose() => Limiter.Dispose();
    }
}
