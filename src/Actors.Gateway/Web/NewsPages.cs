using System.Text;
using Actors.Gateway.News;
using Actors.News;
using static Actors.Gateway.Web.Html;
using static Actors.Gateway.Web.Layout;
using static Actors.Gateway.Web.NewsFragments;

namespace Actors.Gateway.Web;

/// <summary>The news pages: top, latest, a news and its comments, a comment, reply and edit, submit, the RSS feed.</summary>
internal static class NewsPages
{
    public static async Task<IResult> Top(HttpContext context)
    {
        var page = await PageOf(context);
        var list = await page.Grains().GetGrain<INewsRankingGrain>(0).GetTop(0, page.Options.TopNewsPerPage);
        var html = new StringBuilder("<h2>Top news</h2>");
        await NewsList(html, page, list.Items);
        return Shell(page, "Top news", html, channel: "news.top");
    }

    public static async Task<IResult> Latest(HttpContext context, string start)
    {
        var page = await PageOf(context);
        var from = ParseStart(start);
        var perPage = page.Options.LatestNewsPerPage;
        var list = await page.Grains().GetGrain<INewsRankingGrain>(0).GetLatest(from, perPage);
        var html = new StringBuilder("<h2>Latest news</h2>");
        await NewsList(html, page, list.Items);
        if (from + perPage < list.Total)
        {
            html.Append($"<a class=\"more\" href=\"/latest/{from + perPage}\">[more]</a>");
        }

        return Shell(page, "Latest news", html, channel: from == 0 ? "news.latest" : null);
    }

    public static async Task<IResult> NewsPage(HttpContext context, string id)
    {
        var page = await PageOf(context);
        if (NewsIds.Parse(id) is not { } newsId
            || await page.Grains().GetGrain<INewsGrain>(newsId).GetThread(page.User?.Id) is not { } thread)
        {
            return NotFound(page, "404 - This news does not exist.");
        }

        var html = new StringBuilder();
        await NewsList(html, page, [thread.News]);
        if (thread.News.Url.StartsWith("text://", StringComparison.Ordinal))
        {
            html.Append($"<div class=\"topcomment\"><pre>{Linkify(thread.News.Url["text://".Length..])}</pre></div>");
        }

        if (page.User is not null && !thread.News.Deleted)
        {
            html.Append($"<form class=\"commentform\" data-news-id=\"{newsId}\" data-parent-id=\"-1\"><textarea name=\"comment\" cols=\"60\" rows=\"10\"></textarea><br><input type=\"submit\" value=\"Send comment\"></form><div class=\"errormsg\"></div>");
        }

        await TrendingPages.ActivitySparkline(html, page, newsId);
        html.Append("<div id=\"comments\">");
        CommentTree(html, page, thread, -1, 0);
        html.Append("</div>");
        return Shell(page, thread.News.Title, html, channel: $"news.{newsId}");
    }

    public static async Task<IResult> CommentPage(HttpContext context, string newsId, string commentId)
    {
        var page = await PageOf(context);
        if (await ThreadAndComment(page, newsId, commentId) is not var (thread, comment))
        {
            return NotFound(page, "404 - This comment does not exist.");
        }

        var html = new StringBuilder();
        await NewsList(html, page, [thread.News]);
        Comment(html, page, comment, 0, parentLink: true);
        html.Append("<h3>Replies</h3>");
        CommentTree(html, page, thread, comment.Id, 0);
        return Shell(page, thread.News.Title, html);
    }

    public static async Task<IResult> ReplyPage(HttpContext context, string newsId, string commentId)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        if (await ThreadAndComment(page, newsId, commentId) is not var (thread, comment))
        {
            return NotFound(page, "404 - This comment does not exist.");
        }

        var html = new StringBuilder();
        await NewsList(html, page, [thread.News]);
        Comment(html, page, comment, 0, parentLink: false);
        html.Append($"<form class=\"commentform\" data-news-id=\"{thread.News.Id}\" data-parent-id=\"{comment.Id}\"><textarea name=\"comment\" cols=\"60\" rows=\"10\"></textarea><br><input type=\"submit\" value=\"Reply\"></form><div class=\"errormsg\"></div>");
        return Shell(page, "Reply", html);
    }

    public static async Task<IResult> EditCommentPage(HttpContext context, string newsId, string commentId)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        if (await ThreadAndComment(page, newsId, commentId) is not var (thread, comment) || comment.UserId != page.User.Id || comment.Deleted)
        {
            return Results.Text("Permission denied.", statusCode: StatusCodes.Status403Forbidden);
        }

        var html = new StringBuilder();
        await NewsList(html, page, [thread.News]);
        Comment(html, page, comment, 0, parentLink: true);
        html.Append($"<form class=\"commentform\" data-news-id=\"{thread.News.Id}\" data-comment-id=\"{comment.Id}\" data-parent-id=\"{comment.ParentId}\"><textarea name=\"comment\" cols=\"60\" rows=\"10\">{E(comment.Body)}</textarea><br><input type=\"submit\" value=\"Edit\"></form><div class=\"errormsg\"></div><p class=\"note\">Note: to remove the comment remove all the text and press Edit.</p>");
        return Shell(page, "Edit comment", html);
    }

    public static async Task<IResult> Submit(HttpContext context, string? u, string? t)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        var site = $"{context.Request.Scheme}://{context.Request.Host}";
        var bookmarklet = $"javascript:window.location=%22{site}/submit?u=%22+encodeURIComponent(document.location)+%22&t=%22+encodeURIComponent(document.title)";
        var html = new StringBuilder("<h2>Submit</h2>");
        html.Append($"<form id=\"submitform\"><label for=\"title\">title</label><input type=\"text\" id=\"title\" name=\"title\" size=\"80\" value=\"{E(t)}\"><br><label for=\"url\">url</label><br><input type=\"text\" id=\"url\" name=\"url\" size=\"60\" value=\"{E(u)}\"><br>or if you don't have an url type some text<br><label for=\"text\">text</label><textarea id=\"text\" name=\"text\" cols=\"60\" rows=\"10\"></textarea><br><input type=\"submit\" value=\"Submit\"></form><div class=\"errormsg\"></div>");
        html.Append($"<p>Submitting news is simpler using the <a href=\"{E(bookmarklet)}\">bookmarklet</a> (drag the link to your browser toolbar).</p>");
        return Shell(page, "Submit", html);
    }

    /// <summary>
    /// Lamernews' edit page: the news' title, link or text and a "delete this news" box, for its author (while the news
    /// decider's edit window is open: <see cref="NewsView.EditableUntil"/>) or an administrator. <c>/js/app.js</c> sends
    /// the form to <c>/api/submit</c> or, with the box ticked, <c>/api/delnews</c>, which apply the same rules.
    /// </summary>
    public static async Task<IResult> EditNewsPage(HttpContext context, string id)
    {
        var page = await PageOf(context);
        if (page.User is not { } user)
        {
            return Results.Redirect("/login");
        }

        if (NewsIds.Parse(id) is not { } newsId || await page.Grains().GetGrain<INewsGrain>(newsId).Get() is not { } news)
        {
            return NotFound(page, "404 - This news does not exist.");
        }

        if (news.UserId != user.Id && !user.IsAdmin)
        {
            // Lamernews answers 500; a refusal is a 403 here, as for a comment's edit page.
            return Results.Text("Permission denied.", statusCode: StatusCodes.Status403Forbidden);
        }

        var html = new StringBuilder("<h2>Edit news</h2>");
        await NewsList(html, page, [news]);
        if (news.Deleted)
        {
            html.Append("<p class=\"note\">This news was deleted.</p>");
            return Shell(page, "Edit news", html);
        }

        if (!user.IsAdmin && !(news.EditableUntil is { } until && page.Now < until))
        {
            html.Append("<p class=\"note\">The time to edit this news is over.</p>");
            return Shell(page, "Edit news", html);
        }

        var isText = news.Url.StartsWith("text://", StringComparison.Ordinal);
        var url = isText ? "" : news.Url;
        var text = isText ? news.Url["text://".Length..] : "";
        html.Append($"<form id=\"editnewsform\" data-news-id=\"{news.Id}\"><label for=\"title\">title</label><input type=\"text\" id=\"title\" name=\"title\" size=\"80\" value=\"{E(news.Title)}\"><br><label for=\"url\">url</label><br><input type=\"text\" id=\"url\" name=\"url\" size=\"60\" value=\"{E(url)}\"><br>or if you don't have an url type some text<br><label for=\"text\">text</label><textarea id=\"text\" name=\"text\" cols=\"60\" rows=\"10\">{E(text)}</textarea><br><input type=\"checkbox\" name=\"del\" id=\"del\" value=\"1\"><label for=\"del\">delete this news</label><br><input type=\"submit\" value=\"Edit\"></form><div class=\"errormsg\"></div>");
        return Shell(page, "Edit news", html);
    }

    /// <summary>
    /// Lamernews' <c>/random</c>: a news id drawn from 1 to the newest, if that news exists (deleted or not), else the
    /// newest. Asks the lists, never a news grain, so a draw of a missing id leaves nothing behind.
    /// </summary>
    public static async Task<IResult> Random(HttpContext context)
    {
        var ranking = context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<INewsRankingGrain>(0);
        if ((await ranking.GetLatest(0, 1)).Items is not [var newest])
        {
            return Results.Redirect("/");
        }

        var drawn = 1 + System.Random.Shared.NextInt64(Math.Max(newest.Id, 1));
        var found = await ranking.GetMany([drawn]);
        return Results.Redirect($"/news/{(found.Count == 1 ? drawn : newest.Id)}");
    }

    public static async Task<IResult> Rss(HttpContext context)
    {
        var page = await PageOf(context);
        var list = await page.Grains().GetGrain<INewsRankingGrain>(0).GetLatest(0, page.Options.LatestNewsPerPage);
        var site = page.Options.SiteUrl;
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>");
        xml.Append($"<title>{E(page.Options.SiteName)}</title><link>{E(site)}</link><description>Description pending</description>");
        foreach (var news in list.Items)
        {
            var comments = $"{site}/news/{news.Id}";
            var link = news.Url.StartsWith("text://", StringComparison.Ordinal) ? comments : news.Url;
            xml.Append($"<item><title>{E(news.Title)}</title><guid>{E(link)}</guid><link>{E(link)}</link><description><![CDATA[<a href=\"{E(comments)}\">Comments</a>]]></description><comments>{E(comments)}</comments></item>");
        }

        xml.Append("</channel></rss>");
        return Results.Text(xml.ToString(), "text/xml; charset=utf-8");
    }

    private static async Task<(CommentThreadView Thread, CommentView Comment)?> ThreadAndComment(Page page, string newsId, string commentId)
    {
        if (NewsIds.Parse(newsId) is not { } n || NewsIds.Parse(commentId) is not { } c
            || await page.Grains().GetGrain<INewsGrain>(n).GetThread(page.User?.Id) is not { } thread
            || thread.Comments.FirstOrDefault(x => x.Id == c) is not { } comment)
        {
            return null;
        }

        return (thread, comment);
    }
}
