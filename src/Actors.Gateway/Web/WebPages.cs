using System.Text;
using Actors.Gateway.News;
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
        // Every page reads after the caller's own recent writes (ReadYourWrites: a bounded wait, nothing without a token).
        var pages = app.MapGroup("").AddEndpointFilter(ReadYourWrites.Filter);
        pages.MapGet("/", (Delegate)NewsPages.Top);
        pages.MapGet("/latest", () => Results.Redirect("/latest/0"));
        pages.MapGet("/latest/{start}", NewsPages.Latest);
        pages.MapGet("/trending", (Delegate)TrendingPages.Trending);
        pages.MapGet("/news/{id}", NewsPages.NewsPage);
        pages.MapGet("/comment/{newsId}/{commentId}", NewsPages.CommentPage);
        pages.MapGet("/reply/{newsId}/{commentId}", NewsPages.ReplyPage);
        pages.MapGet("/editcomment/{newsId}/{commentId}", NewsPages.EditCommentPage);
        pages.MapGet("/editnews/{id}", NewsPages.EditNewsPage);
        pages.MapGet("/random", (Delegate)NewsPages.Random);
        pages.MapGet("/admin", (Delegate)AdminPages.Admin);
        pages.MapGet("/recompute", (Delegate)AdminPages.Recompute);
        pages.MapGet("/submit", NewsPages.Submit);
        pages.MapGet("/login", (Delegate)UserPages.Login);
        pages.MapGet("/logout", (Delegate)UserPages.Logout);
        pages.MapGet("/reset-password", (Delegate)UserPages.ResetPassword);
        pages.MapGet("/reset-password-ok", (Delegate)UserPages.ResetPasswordOk);
        pages.MapGet("/user/{name}", UserPages.UserPage);
        pages.MapGet("/usernews/{name}/{start}", UserPages.UserNews);
        pages.MapGet("/usercomments/{name}/{start}", UserPages.UserComments);
        pages.MapGet("/saved/{start}", UserPages.Saved);
        pages.MapGet("/replies", (Delegate)UserPages.Replies);
        pages.MapGet("/rss", (Delegate)NewsPages.Rss);
        pages.MapGet("/about", (Delegate)About);
        pages.MapGet("/accounts", (Delegate)AccountPages.Accounts);
        pages.MapGet("/accounts/{id}", AccountPages.Statement);
        app.MapGet("/js/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/css/style.css", () => Asset("style.css", "text/css; charset=utf-8"));
        app.MapGet("/favicon.ico", () => Asset("favicon.ico", "image/x-icon"));
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
