using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

/// <summary>Settings of the <c>Metrics</c> configuration section: who may scrape <c>/metrics</c>.</summary>
public sealed class MetricsAccessOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// A secret that opens <c>/metrics</c> to a scraper sending <c>Authorization: Bearer &lt;token&gt;</c> or
    /// <c>X-Metrics-Token: &lt;token&gt;</c> from anywhere. Unset (the default): only loopback callers may scrape.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>True: anyone may scrape (a private network in front, say). False (the default): loopback or the token.</summary>
    public bool Open { get; set; }
}

/// <summary>
/// The gate in front of the Prometheus scrape: metrics name every grain type, route and rate of the site, which is
/// reconnaissance for an attacker and a cheap way to make the server work. Open on loopback (a sidecar or a local
/// Prometheus), else only with the operator's token, or to all when configured so.
/// </summary>
public static class MetricsAccess
{
    public const string TokenHeader = "X-Metrics-Token";

    /// <summary><c>/metrics</c>, each request passing <see cref="Check"/> first.</summary>
    public static WebApplication MapGuardedMetrics(this WebApplication app, string path)
    {
        app.MapPrometheusScrapingEndpoint(path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<MetricsAccessOptions>>().Value;
            if (Check(context, options) is { } status)
            {
                context.Response.StatusCode = status;
                if (status == StatusCodes.Status401Unauthorized)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                }

                await context.Response.WriteAsync("The metrics are for operators: scrape from this host or send the metrics token.");
                return;
            }

            await next(context);
        }), optionsName: null);
        return app;
    }

    /// <summary>
    /// Null when the caller may scrape; else 401 (no token offered) or 403 (a wrong one).
    /// A request with no remote address (in-process test server, Unix socket) counts as local: it did not come over
    /// the network. Behind a reverse proxy on the same host every request looks local unless forwarded headers are
    /// applied before this gate, so such a deployment should set a token and keep the proxy from forwarding /metrics.
    /// </summary>
    public static int? Check(HttpContext context, MetricsAccessOptions options)
    {
        if (options.Open || ClientAddress.IsLocal(context.Connection.RemoteIpAddress))
        {
            return null;
        }

        var offered = OfferedToken(context.Request);
        if (offered is null)
        {
            return StatusCodes.Status401Unauthorized;
        }

        return !string.IsNullOrEmpty(options.Token)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(options.Token))
            ? null
            : StatusCodes.Status403Forbidden;
    }

    private static string? OfferedToken(HttpRequest request)
    {
        if (request.Headers[TokenHeader].ToString() is { Length: > 0 } direct)
        {
            return direct.Trim();
        }

        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
