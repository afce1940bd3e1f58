using System.Text;
using static Actors.Gateway.Web.Html;
using static Actors.Gateway.Web.Layout;

namespace Actors.Gateway.Web;

/// <summary>
/// The site: Lamernews' pages rendered on the server (no templates, no client framework) plus the accounts pages.
/// Reads go to the same read models as the API; every write is done by <c>/js/app.js</c> through the <c>/api/*</c>
/// routes, and live changes arrive over <c>/ws</c>. This is its map; the pages are by slice (<see cref="NewsPages"/>,
/// <see cref="UserPages"/>, <see cref="AccountPages"/>), sharing <see cref="Layout"/> and <see cref="NewsFragments"/>.
/// </summary>
public static class WebPages
{
    public static WebApplication MapWeb(this WebApplication app)
    {
        app.MapGet("/", (Delegate)NewsPages.Top);
        app.MapGet("/latest", () => Results.Redirect("/latest/0"));
        app.MapGet("/latest/{start}", NewsPages.Latest);
        app.MapGet("/trending", (Delegate)TrendingPages.Trending);
        app.MapGet("/news/{id}", NewsPages.NewsPage);
        app.MapGet("/comment/{newsId}/{commentId}", NewsPages.CommentPage);
        app.MapGet("/reply/{newsId}/{commentId}", NewsPages.ReplyPage);
        app.MapGet("/editcomment/{newsId}/{commentId}", NewsPages.EditCommentPage);
        app.MapGet("/submit", NewsPages.Submit);
        app.MapGet("/login", (Delegate)UserPages.Login);
        app.MapGet("/user/{name}", UserPages.UserPage);
        app.MapGet("/usernews/{name}/{start}", UserPages.UserNews);
        app.MapGet("/usercomments/{name}/{start}", UserPages.UserComments);
        app.MapGet("/saved/{start}", UserPages.Saved);
        app.MapGet("/replies", (Delegate)UserPages.Replies);
        app.MapGet("/rss", (Delegate)NewsPages.Rss);
        app.MapGet("/about", (Delegate)About);
        app.MapGet("/accounts", (Delegate)AccountPages.Accounts);
        app.MapGet("/accounts/{id}", AccountPages.Statement);
        app.MapGet("/js/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/css/style.css", () => Asset("style.css", "text/css; charset=utf-8"));
        return app;
    }

    private static async Task<IResult> About(HttpContext context)
    {
        var page = await PageOf(context);
        var html = new StringBuilder($"<h2>About {E(page.Options.SiteName)}</h2>");
        html.Append("<p>A news site for programmers in the spirit of Lamer News: submit links, vote them up or down, discuss them. The best news rise on the front page, ranked by votes and age.</p><p>Votes, comments and rank changes appear live. Keys: <b>j</b>/<b>k</b> next/previous, <b>Enter</b> open, <b>a</b>/<b>z</b> vote up/down, <b>?</b> help.</p><p>Each user also has bank accounts: see <a href=\"/accounts\">accounts</a>.</p>");
        return Shell(page, "About", html);
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(WebPages).Assembly.GetManifestResourceStream($"Actors.Web.{name}");
        if (stream is null)
        {
            return Results.NotFound();
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Results.Bytes(copy.ToArray(), contentType);
    }
}
