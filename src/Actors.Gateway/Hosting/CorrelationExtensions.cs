namespace Actors.Gateway.Hosting;

public static class CorrelationExtensions
{
    private const string Header = "X-Correlation-Id";

    /// <summary>
    /// Gives every request a correlation id (the client's <c>X-Correlation-Id</c> when it is sane, else a new one),
    /// echoes it in the response and puts it in Orleans' RequestContext so every event the request causes carries it.
    /// </summary>
    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app)
    {
        // Once, not per request: creating a logger takes the logger factory's lock.
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Request");
        return app.Use(async (context, next) =>
        {
            var id = context.Request.Headers[Header].ToString();
            if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                id = context.TraceIdentifier;
            }

            context.Response.Headers[Header] = id;
            RequestContext.Set(RequestContextKeys.CorrelationId, id);
            using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
            {
                await next(context);
            }
        });
    }
}
