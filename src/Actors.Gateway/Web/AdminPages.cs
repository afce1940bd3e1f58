using System.Globalization;
using System.Text;
using Actors.EventSourcing;
using Actors.News;
using Actors.Users;
using static Actors.Gateway.Web.Html;
using static Actors.Gateway.Web.Layout;

namespace Actors.Gateway.Web;

/// <summary>Lamernews' administrator pages (user 1): site stats, and the rank recomputation it offered.</summary>
internal static class AdminPages
{
    /// <summary>Users, live news and this gateway's memory (Lamernews showed Redis' memory); anyone else goes to the front page.</summary>
    public static async Task<IResult> Admin(HttpContext context)
    {
        var page = await PageOf(context);
        if (page.User is not { IsAdmin: true })
        {
            return Results.Redirect("/");
        }

        var grains = page.Grains();
        var users = 0;
        for (var partition = 0; partition < EventStreams.Partitions; partition++)
        {
            users += await grains.GetGrain<IUserDirectoryGrain>(partition.ToString(CultureInfo.InvariantCulture)).Count();
        }

        var news = (await grains.GetGrain<INewsRankingGrain>(0).GetLatest(0, 1)).Total;
        var memory = Environment.WorkingSet / (1024.0 * 1024.0);
        var html = new StringBuilder("<div id=\"adminlinks\"><h2>Admin</h2><h3>Site stats</h3><ul>");
        html.Append(CultureInfo.InvariantCulture, $"<li>{users} users</li><li>{news} news posted</li><li>{memory:F1}M of memory used by this gateway</li></ul>");
        html.Append("<h3>Developer tools</h3><ul><li><a href=\"/recompute\">Recompute news score and rank</a></li><li><a href=\"/dashboard\">Orleans dashboard</a></li></ul></div>");
        return Shell(page, "Admin Section", html);
    }

    /// <summary>
    /// Lamernews rewrote every news' score and rank here, as its stored ranks went stale. Here the top list is ranked
    /// afresh for every second it is read and scores follow every vote, so nothing is stale: the page says so.
    /// </summary>
    public static async Task<IResult> Recompute(HttpContext context)
    {
        var page = await PageOf(context);
        if (page.User is not { IsAdmin: true })
        {
            return Results.Redirect("/");
        }

        return Shell(page, "Recompute", new StringBuilder($"<p>Done.</p><p class=\"note\">{E("Scores follow every vote and the top list is ranked afresh for every second it is read: nothing needed recomputing.")}</p>"));
    }
}
