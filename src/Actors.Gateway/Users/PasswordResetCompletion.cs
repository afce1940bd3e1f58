using System.Text;
using Actors.Gateway.Hosting;
using Actors.Gateway.Lamernews;
using Actors.News;
using Actors.Users;
using Microsoft.Extensions.Options;
using static Actors.Gateway.Web.Html;
using static Actors.Gateway.Web.Layout;

namespace Actors.Gateway.Users;

/// <summary>
/// The mailed reset link's end: <c>GET /set-new-password?user=&amp;auth=</c> shows a form for the new password (Lamernews'
/// link shape; <c>auth</c> is the single-use reset token), <c>POST /set-new-password</c> uses the link and signs the
/// browser in with the new session, <c>POST /api/set-new-password</c> does the same for API clients (JSON with
/// <c>auth</c> and <c>apisecret</c>, as login answers). The GET changes nothing: mail scanners open links.
/// </summary>
internal static class PasswordResetCompletion
{
    private const string Invalid = "Link invalid or expired.";

    public static IEndpointRouteBuilder MapPasswordResetCompletion(this IEndpointRouteBuilder app)
    {
        app.MapGet("/set-new-password", (Delegate)Form);
        app.MapPost("/set-new-password", (Delegate)SubmitForm).RequireRateLimiting(RequestThrottling.PasswordReset);
        app.MapPost("/api/set-new-password", (Delegate)SubmitApi).RequireRateLimiting(RequestThrottling.PasswordReset);
        return app;
    }

    private static async Task<IResult> Form(HttpContext context)
    {
        var user = context.Request.Query["user"].ToString();
        var token = context.Request.Query["auth"].ToString();
        if (user.Length == 0 || token.Length == 0)
        {
            return Results.Redirect("/");
        }

        return Page(await PageOf(context), context, user, token, error: null);
    }

    private static async Task<IResult> SubmitForm(HttpContext context)
    {
        var p = await LamerParameters.ReadAsync(context.Request);
        var (error, renewal) = await CompleteAsync(context, p);
        if (renewal is null)
        {
            return Page(await PageOf(context), context, p.Present("user") ?? "", p.Present("auth") ?? "", error);
        }

        SessionCookie.Set(context, renewal.AuthToken!, renewal.ExpiresAt);
        return Results.Redirect($"/user/{Uri.EscapeDataString(p.Required("user")!)}");
    }

    private static async Task<IResult> SubmitApi(HttpContext context)
    {
        var p = await LamerParameters.ReadAsync(context.Request);
        var (error, renewal) = await CompleteAsync(context, p);
        if (renewal is null)
        {
            return LamerResults.Error(error!);
        }

        SessionCookie.Set(context, renewal.AuthToken!, renewal.ExpiresAt);
        return LamerResults.Ok(new { auth = renewal.AuthToken, apisecret = renewal.ApiSecret });
    }

    /// <summary>Uses the link of <c>user</c> and <c>auth</c> to set <c>password</c>: an error sentence, or the new session.</summary>
    private static async Task<(string? Error, SessionRenewal? Renewal)> CompleteAsync(HttpContext context, LamerParameters p)
    {
        if (p.Error is { } error)
        {
            return (error, null);
        }

        var services = context.RequestServices;
        var news = services.GetRequiredService<IOptions<NewsOptions>>().Value;
        var users = services.GetRequiredService<IOptions<UsersOptions>>().Value;
        var token = p.Required("auth");
        var name = p.Required("user");
        if (name is null || !PasswordHashing.IsTokenShaped(token)
            || UserRules.CheckUsername(name, news.UsernameRegexp, users.UsernameMaxLength) is not null)
        {
            return (Invalid, null);
        }

        // Trimmed like at login and in updateprofile, so the password chosen here is the one that logs in.
        var password = p.Present("password")?.Trim() ?? "";
        if (UserRules.CheckPassword(password, news.PasswordMinLength, users.PasswordMaxLength) is { } bad)
        {
            return (bad.Message, null);
        }

        var grains = services.GetRequiredService<IGrainFactory>();
        if (await grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(name)).GetUserId() is not { } id)
        {
            return (Invalid, null);
        }

        // The slow hash runs here, not in the grain; a wrong link costs the caller that time, not the silo.
        var hash = await context.RequestServices.GetRequiredService<LoginThrottle>()
            .HashAsync(() => PasswordHashing.Hash(password, users.PasswordHashIterations), context.RequestAborted);
        var renewal = await grains.GetGrain<IUserGrain>(id).CompletePasswordReset(token!, hash);
        if (renewal.Rejection is { } rejection)
        {
            return (rejection.Message, null);
        }

        // Every earlier session ended; forget them here at once (other gateways learn it from the users events).
        var cache = services.GetService<AuthTokenCache>();
        cache?.ForgetUser(id);
        services.GetService<SessionSignals>()?.SessionsEnded(id, renewal.AuthToken);
        return (null, renewal);
    }

    private static IResult Page(Page page, HttpContext context, string user, string token, string? error)
    {
        // The token is in this page's address: no referrer leaves with it, and no cache keeps the page.
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.CacheControl = "no-store";
        var html = new StringBuilder("<h2>Set a new password</h2>");
        html.Append($"<form method=\"post\" action=\"/set-new-password\"><input type=\"hidden\" name=\"user\" value=\"{E(user)}\"><input type=\"hidden\" name=\"auth\" value=\"{E(token)}\">");
        html.Append("<label for=\"password\">new password</label><input type=\"password\" id=\"password\" name=\"password\" size=\"40\"><br><input type=\"submit\" value=\"Set password\"></form>");
        if (error is not null)
        {
            html.Append($"<div class=\"errormsg\">{E(error)}</div>");
        }

        return Shell(page, "Set a new password", html);
    }
}
