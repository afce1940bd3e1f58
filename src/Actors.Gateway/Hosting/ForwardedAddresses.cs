using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Behind a reverse proxy: <c>Hosting:TrustedProxies</c> lists the proxies' addresses or networks (comma-separated, e.g.
/// <c>10.0.0.5,10.1.0.0/16</c>); their <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> then give the client's
/// address (what the login limits, the request throttling and the socket cap count) and scheme (the auth cookie is
/// <c>Secure</c> when the client came over HTTPS). Nobody else's headers are believed: unset, nothing is forwarded.
/// </summary>
public static class ForwardedAddresses
{
    public const string Setting = "Hosting:TrustedProxies";

    public static WebApplication UseForwardedAddresses(this WebApplication app)
    {
        var trusted = app.Configuration[Setting];
        if (string.IsNullOrWhiteSpace(trusted))
        {
            return app;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in trusted.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                throw new InvalidOperationException($"{Setting}: '{entry}' is neither an IP address nor a network like 10.1.0.0/16.");
            }
        }

        app.UseForwardedHeaders(options);
        return app;
    }
}
