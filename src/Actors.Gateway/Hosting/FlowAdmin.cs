using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Actors.EventSourcing;
using Actors.Gateway.Realtime;
using Actors.Gateway.Users;
using Actors.Gateway.Web;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Actors.Gateway.Hosting;

/// <summary>
/// The flow page for administrators, <c>/admin/flows</c>: every consumer of the event streams (consumer grains from
/// Orleans' registration, the gateway's fan-out and session cache) with its position, lag, events per second and parked
/// events; the parked events with a replay button; a live tail of one category. The page is drawn by <c>/js/app.js</c>,
/// which polls <c>/admin/flows.json</c> and <c>/admin/flows/tail.json</c> (the Content-Security-Policy allows no inline
/// script). For a signed-in administrator (user 1), or a caller with the <c>Admin:Token</c> secret in header
/// <c>X-Admin-Token</c> (as <c>/admin/delivery</c>); anyone else gets 401 (not signed in) or 403. In both modes: memory
/// mode's parked events live in this process, PostgreSQL mode's in the database.
/// </summary>
internal static partial class FlowAdmin
{
    private const string TokenHeader = "X-Admin-Token";
    private const int MaxTail = 200;

    public static IServiceCollection AddFlowAdmin(this IServiceCollection services)
    {
        // A co-hosted silo registers these too (the same container); a client-mode gateway has its own, for its fan-out.
        services.TryAddSingleton<StreamFlows>();
        services.TryAddSingleton<FlowReport>();
        return services;
    }

    public static WebApplication MapFlowAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
            await RefusalAsync(context.HttpContext) is { } refusal ? refusal : await next(context));

        admin.MapGet("/flows", (Delegate)Page);
        admin.MapGet("/flows.json", async (FlowReport report, CancellationToken cancellationToken) =>
            Results.Json(await report.SnapshotAsync(cancellationToken), Pushes.Json));
        admin.MapGet("/flows/tail.json", Tail);
        admin.MapPost("/flows/parked/replay", async (HttpContext context, CancellationToken cancellationToken) =>
            await ReplayAsync(context, null, cancellationToken));
        admin.MapPost("/flows/parked/{id}/replay", async (HttpContext context, string id, CancellationToken cancellationToken) =>
            long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var parkedId)
                ? await ReplayAsync(context, parkedId, cancellationToken)
                : Results.Problem(title: "A parked event id is a positive whole number.", statusCode: StatusCodes.Status400BadRequest));
        return app;
    }

    private static async Task<IResult> Page(HttpContext context)
    {
        var page = await Layout.PageOf(context);
        var html = new StringBuilder("<h2>Event flows</h2>");
        html.Append("<section id=\"flows\" data-source=\"/admin/flows.json\"><p class=\"flows-status\">loading…</p>");
        html.Append("<table class=\"flows-consumers\"><thead><tr><th>consumer</th><th>kind</th><th>categories</th><th>position</th><th>lag (events)</th><th>lag (ms)</th><th>events/s</th><th>parked</th></tr></thead><tbody></tbody></table>");
        html.Append("<h3>Parked events</h3><p><button class=\"replay-all\">replay all</button></p>");
        html.Append("<table class=\"flows-parked\"><thead><tr><th>id</th><th>consumer</th><th>event</th><th>stream</th><th>position</th><th>parked</th><th>error</th><th></th></tr></thead><tbody></tbody></table>");
        html.Append("<h3>Live tail</h3><form class=\"flows-tailform\"><label for=\"tail-category\">category</label> <input type=\"text\" id=\"tail-category\" name=\"category\" value=\"news\" size=\"12\"> <label for=\"tail-filter\">filter</label> <input type=\"text\" id=\"tail-filter\" name=\"filter\" size=\"24\" placeholder=\"type or stream contains\"></form>");
        html.Append("<table class=\"flows-tail\"><thead><tr><th>position</th><th>at</th><th>stream</th><th>version</th><th>type</th><th>correlation</th></tr></thead><tbody></tbody></table>");
        html.Append("<div class=\"errormsg\"></div></section>");
        return Layout.Shell(page, "Event flows", html);
    }

    /// <summary>The newest events of one category this process handed to delivery, newest first, optionally filtered.</summary>
    private static IResult Tail(StreamFlows flows, string? category, string? filter, string? count)
    {
        if (category is null || !CategoryPattern().IsMatch(category))
        {
            return Results.Problem(title: "category is a stream category: 1 to 64 lower-case letters, digits, '.' or '_' (e.g. news).",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var take = 50;
        if (count is not null && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxTail))
        {
            return Results.Problem(title: $"count is a whole number from 1 to {MaxTail}.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (filter is { Length: > 200 })
        {
            return Results.Problem(title: "filter is at most 200 characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        // Metadata only: the events' data can hold what even an administrator's screen should not (credentials' hashes).
        var events = flows.Tail(category, filter, take)
            .Select(e => new TailEvent(e.Position, e.StreamId, e.Version, e.Type, e.RecordedAt, e.CorrelationId))
            .ToList();
        return Results.Json(new { category, filter, events }, Pushes.Json);
    }

    private static async Task<IResult> ReplayAsync(HttpContext context, long? id, CancellationToken cancellationToken)
    {
        // A signed-in administrator's browser also proves the request came from a page of this site: the user's API
        // secret, as every state-changing call of the site sends (the cookie alone would let another site post here).
        if (!HasAdminToken(context) && !await HasApiSecretAsync(context))
        {
            return Results.Problem(title: "A replay needs the administrator's apisecret (or the X-Admin-Token header).",
                statusCode: StatusCodes.Status403Forbidden);
        }

        if (context.RequestServices.GetService<IParkedEventStore>() is not { } parked)
        {
            return Results.Problem(title: "This gateway has no parked events here: ask a gateway that hosts a silo or reaches the database.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var requested = await parked.RequestReplayAsync(id, cancellationToken);
        return id is { } one && requested == 0
            ? Results.Problem(title: $"No parked event {one} is waiting for a replay.", statusCode: StatusCodes.Status404NotFound)
            : Results.Json(new { requested }, Pushes.Json);
    }

    /// <summary>Null when the caller may see the flows; else 401 (nobody signed in, no token) or 403 (not an administrator).</summary>
    private static async Task<IResult?> RefusalAsync(HttpContext context)
    {
        if (HasAdminToken(context))
        {
            return null;
        }

        return await context.GetSignedInUserAsync() switch
        {
            null => Results.Problem(title: $"The flow page is for administrators: sign in, or send the {TokenHeader} header.",
                statusCode: StatusCodes.Status401Unauthorized),
            { IsAdmin: true } => null,
            _ => Results.Problem(title: "The flow page is for administrators only.", statusCode: StatusCodes.Status403Forbidden),
        };
    }

    private static bool HasAdminToken(HttpContext context)
    {
        var expected = context.RequestServices.GetRequiredService<IConfiguration>()["Admin:Token"];
        var given = context.Request.Headers[TokenHeader].ToString();
        return expected is { Length: > 0 } && given.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
    }

    private static async Task<bool> HasApiSecretAsync(HttpContext context)
    {
        if (await context.GetSignedInUserAsync() is not { IsAdmin: true } user || !context.Request.HasFormContentType)
        {
            return false;
        }

        var form = await context.Request.ReadFormAsync();
        var offered = form["apisecret"].ToString();
        return offered.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(user.ApiSecret));
    }

    [GeneratedRegex("^[a-z0-9._]{1,64}$")]
    private static partial Regex CategoryPattern();

    private sealed record TailEvent(long Position, string Stream, long Version, string Type, DateTimeOffset At, string? CorrelationId);
}
