using Actors.Gateway.Users;
using Microsoft.Net.Http.Headers;

namespace Actors.Gateway.Hosting;

/// <summary>
/// The browser-facing protections every answer of the gateway carries: a Content-Security-Policy, no framing, no MIME
/// sniffing, a same-origin referrer, and no caching of answers that hold a user's credentials.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The site's pages load only their own <c>/css/style.css</c> and <c>/js/app.js</c>, talk to <c>/api/*</c> and
    /// <c>/ws</c> of the same origin and post no cross-site forms; the one foreign resource is the avatar on a user's
    /// page (Gravatar). No inline script (the API secret is a
    /// <c>data-</c> attribute); inline style <em>attributes</em> stay allowed for the comment indentation
    /// (<c>style="margin-left:…"</c>, numbers the server computes), inline <c>&lt;style&gt;</c> elements do not.
    /// </summary>
    public const string SitePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: https://www.gravatar.com; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The Orleans dashboard (a bundled single-page app under <c>/dashboard</c>, administrators only) sets styles at
    /// run time and loads its own fonts and images: it gets inline styles and data: URLs, still no foreign origin and no
    /// inline script.
    /// </summary>
    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers to every answer (first in the pipeline, so refusals and errors carry them too).</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(ApplyOnStart, context); // a static callback: nothing allocated per request for it
            return next(context);
        });
        return app;
    }

    private static readonly Func<object, Task> ApplyOnStart = state =>
    {
        Apply((HttpContext)state);
        return Task.CompletedTask;
    };

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/dashboard") ? DashboardPolicy : SitePolicy;
        headers.XFrameOptions = "DENY"; // for browsers older than frame-ancestors
        headers.XContentTypeOptions = "nosniff";
        headers.TryAdd("Referrer-Policy", "same-origin"); // a page may ask for less (the reset form: no-referrer)
        if (headers.ContainsKey(HeaderNames.CacheControl) || !CarriesCredentials(context))
        {
            return;
        }

        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache"; // HTTP/1.0 caches
    }

    /// <summary>
    /// Whether the answer may hold a session token or an API secret: every <c>/api</c> answer (login and account creation
    /// return both; the rest are per-user anyway), and any page rendered for a signed-in caller (it embeds the API secret).
    /// Over-inclusive on purpose: a stale cookie costs only a cache miss.
    /// </summary>
    private static bool CarriesCredentials(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            return true;
        }

        var type = context.Response.ContentType;
        return type is not null
            && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            && (context.Request.Cookies.ContainsKey(SignedInUserExtensions.AuthCookie) || context.Request.Headers.Authorization.Count > 0);
    }
}
