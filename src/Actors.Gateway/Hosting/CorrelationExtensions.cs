using Actors.Observability;

namespace Actors.Gateway.Hosting;

public static class CorrelationExtensions
{
    private const string Header = "X-Correlation-Id";

    /// <summary>
    /// Gives every request a correlation id (the client's <c>X-Correlation-Id</c> when it is sane, else a new one),
    /// echoes it in the response and puts it in Orleans' RequestContext so every event the request causes carries it, and
    /// every line logged while handling it, here or in a grain, names it (<see cref="CorrelationScopeProvider"/>).
    /// </summary>
    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app)
    {
        return app.Use((context, next) =>
        {
            var id = context.Request.Headers[Header].ToString();
            if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                id = context.TraceIdentifier;
            }

            context.Response.Headers[Header] = id;
            RequestContext.Set(RequestContextKeys.CorrelationId, id);
            return next(context);
        });
    }
}
