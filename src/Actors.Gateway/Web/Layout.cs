using System.Globalization;
using System.Text;
using Actors.Gateway.Users;
using Actors.News;
using Microsoft.Extensions.Options;
using static Actors.Gateway.Web.Html;

namespace Actors.Gateway.Web;

/// <summary>
/// What every page shares: who is asking and when (<see cref="Page"/>), the page shell (head, header with the
/// navigation and the user's links, footer, the script), the not-found page and the paging link.
/// </summary>
internal static class Layout
{
    public sealed record Page(HttpContext Context, SignedInUser? User, NewsOptions Options, long Now);

    public static async Task<Page> PageOf(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<NewsOptions>>().Value;
        var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return new Page(context, await context.GetSignedInUserAsync(), options, clock.GetUtcNow().ToUnixTimeSeconds());
    }

    public static IGrainFactory Grains(this Page page) => page.Context.RequestServices.GetRequiredService<IGrainFactory>();

    public static IResult Shell(Page page, string title, StringBuilder content, string? channel = null, IEnumerable<string>? channels = null)
    {
        var options = page.Options;
        var user = page.User;
        var subscribe = (channels ?? []).Concat(channel is null ? [] : [channel]).ToArray();
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append($"<title>{E(title)} - {E(options.SiteName)}</title><meta name=\"robots\" content=\"index\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/css/style.css\"><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\"></head>");
        // The API secret travels in an attribute, not an inline script: the Content-Security-Policy allows no inline script.
        var secret = user is null ? "" : $" data-apisecret=\"{E(user.ApiSecret)}\"";
        html.Append($"<body data-channels=\"{E(string.Join(' ', subscribe))}\"{secret}><div class=\"container\"><header><h1><a href=\"/\">{E(options.SiteName)}</a> <small>live</small></h1><nav><a href=\"/\">top</a> <a href=\"/latest/0\">latest</a> <a href=\"/trending\">trending</a> <a href=\"/submit\">submit</a>");
        if (user is not null)
        {
            html.Append($" <a href=\"/replies\" class=\"replies\">replies{(user.Replies > 0 ? $"<sup>{user.Replies}</sup>" : "")}</a> <a href=\"/accounts\">accounts</a>");
        }

        html.Append("</nav><nav id=\"account\">");
        html.Append(user is null
            ? "<a href=\"/login\">login / register</a>"
            : $"<a href=\"/user/{Uri.EscapeDataString(user.Username)}\" id=\"me\">{E(user.Username)} ({user.Karma})</a> | <a href=\"#logout\" id=\"logout\">logout</a>");
        html.Append("</nav><span id=\"live\" title=\"live updates\"></span></header><div id=\"content\">");
        html.Append(content);
        html.Append($"</div><footer><a href=\"/about\">about</a> | <a href=\"/rss\">rss feed</a></footer></div>");
        html.Append("<div id=\"keyboard-help\" hidden><h3>Keyboard</h3><p><b>j</b> next, <b>k</b> previous, <b>Enter</b> open, <b>a</b> vote up, <b>z</b> vote down, <b>?</b> this help, <b>Esc</b> close</p></div>");
        html.Append("<script src=\"/js/app.js\"></script></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    public static IResult NotFound(Page page, string message)
    {
        var html = new StringBuilder($"<h2>{E(message)}</h2>");
        var result = Shell(page, message, html);
        return new StatusResult(result, StatusCodes.Status404NotFound);
    }

    private sealed class StatusResult(IResult inner, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            return inner.ExecuteAsync(httpContext);
        }
    }

    public static void More(StringBuilder html, string prefix, int from, int perPage, int total)
    {
        if (from + perPage < total)
        {
            html.Append($"<a class=\"more\" href=\"{prefix}{from + perPage}\">[more]</a>");
        }
    }

    public static int ParseStart(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var start) && start < 1_000_000 ? start : 0;
}
