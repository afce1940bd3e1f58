using Actors.Gateway.Users;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

public static class RealtimeExtensions
{
    /// <summary>The realtime services: options (section <c>Realtime</c>), the hub, the event subscription and the top-list watcher.</summary>
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RealtimeOptions>().Bind(builder.Configuration.GetSection("Realtime"));
        builder.Services.AddSingleton<RealtimeHub>();
        builder.Services.AddSingleton<SocketsPerIp>();
        builder.Services.AddSingleton<TopListWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TopListWatcher>());
        builder.Services.AddSingleton<TrendingWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TrendingWatcher>());
        builder.Services.AddSingleton<EventFanout>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventFanout>());
        return builder;
    }

    /// <summary>
    /// The <c>/ws</c> endpoint. Who the client is: <c>?token=</c>, header <c>Authorization: Bearer</c>, or cookie
    /// <c>auth</c> (only from a page of this site, see below), or later an <c>auth</c> message.
    /// </summary>
    public static WebApplication MapRealtime(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Map("/ws", HandleAsync).RequireRateLimiting(Hosting.RequestThrottling.Sockets);
        app.MapGet("/asyncapi.json", AsyncApiDocument);
        return app;
    }

    /// <summary>The AsyncAPI 3.0 document of <c>/ws</c> (every command, reply, push and channel), as kept in the repository.</summary>
    private static IResult AsyncApiDocument()
    {
        using var stream = typeof(RealtimeExtensions).Assembly.GetManifestResourceStream("Actors.Web.asyncapi.json");
        if (stream is null)
        {
            return Results.NotFound();
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Results.Bytes(copy.ToArray(), "application/json");
    }

    private static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("WebSocket only: connect with a WebSocket client.");
            return;
        }

        // Counted before authenticating, so a flood of upgrades costs no session look-ups; held until the socket closes.
        var options = context.RequestServices.GetRequiredService<IOptions<RealtimeOptions>>().Value;
        using var slot = context.RequestServices.GetRequiredService<SocketsPerIp>().TryEnter(context.Connection.RemoteIpAddress, options.MaxSocketsPerIp);
        if (slot is null)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync("Too many open connections from this address.");
            return;
        }

        string? token = null;
        var explicitToken = context.Request.Query["token"].ToString() is { Length: > 0 } query ? query
            : context.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? header["Bearer ".Length..].Trim()
                : null;
        if (explicitToken is not null)
        {
            if (await context.RequestServices.AuthenticateTokenAsync(explicitToken) is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("Not authenticated.");
                return;
            }

            token = explicitToken;
        }
        else if (SameOrigin(context.Request) && context.Request.Cookies[SignedInUserExtensions.AuthCookie] is { Length: > 0 } cookie)
        {
            // Browsers send cookies with cross-site WebSocket handshakes too (there is no CORS for WebSockets), so the
            // cookie only counts when the page that opens the socket is ours: the CSRF guard of this door, as the API
            // secret is of the HTTP one.
            token = cookie;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new RealtimeConnection(
            socket,
            context.RequestServices,
            context.RequestServices.GetRequiredService<RealtimeHub>(),
            options,
            token,
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Realtime"));
        await connection.RunAsync(context.RequestAborted);
    }

    /// <summary>No Origin (not a browser) or an Origin naming this host.</summary>
    private static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
