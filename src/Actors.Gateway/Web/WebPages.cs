using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Actors.Accounts;
using Actors.Gateway.Users;
using Actors.News;
using Actors.Users;
using Microsoft.Extensions.Options;
using static Actors.Gateway.Web.Html;

namespace Actors.Gateway.Web;

/// <summary>
/// The site: Lamernews' pages rendered on the server (no templates, no client framework) plus the accounts pages.
/// Reads go to the same read models as the API; every write is done by <c>/js/app.js</c> through the <c>/api/*</c>
/// routes, and live changes arrive over <c>/ws</c>.
/// </summary>
public static class WebPages
{
    public static WebApplication MapWeb(this WebApplication app)
    {
        app.MapGet("/", (Delegate)Top);
        app.MapGet("/latest", () => Results.Redirect("/latest/0"));
        app.MapGet("/latest/{start}", Latest);
        app.MapGet("/news/{id}", NewsPage);
        app.MapGet("/comment/{newsId}/{commentId}", CommentPage);
        app.MapGet("/reply/{newsId}/{commentId}", ReplyPage);
        app.MapGet("/editcomment/{newsId}/{commentId}", EditCommentPage);
        app.MapGet("/submit", Submit);
        app.MapGet("/login", (Delegate)Login);
        app.MapGet("/user/{name}", UserPage);
        app.MapGet("/usernews/{name}/{start}", UserNews);
        app.MapGet("/usercomments/{name}/{start}", UserComments);
        app.MapGet("/saved/{start}", Saved);
        app.MapGet("/replies", (Delegate)Replies);
        app.MapGet("/rss", (Delegate)Rss);
        app.MapGet("/about", (Delegate)About);
        app.MapGet("/accounts", (Delegate)Accounts);
        app.MapGet("/accounts/{id}", Statement);
        app.MapGet("/js/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/css/style.css", () => Asset("style.css", "text/css; charset=utf-8"));
        return app;
    }

    private sealed record Page(HttpContext Context, SignedInUser? User, NewsOptions Options, long Now);

    private static async Task<Page> PageOf(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<NewsOptions>>().Value;
        var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return new Page(context, await context.GetSignedInUserAsync(), options, clock.GetUtcNow().ToUnixTimeSeconds());
    }

    private static IGrainFactory Grains(this Page page) => page.Context.RequestServices.GetRequiredService<IGrainFactory>();

    private static async Task<IResult> Top(HttpContext context)
    {
        var page = await PageOf(context);
        var list = await page.Grains().GetGrain<INewsRankingGrain>(0).GetTop(0, page.Options.TopNewsPerPage);
        var html = new StringBuilder("<h2>Top news</h2>");
        await NewsList(html, page, list.Items);
        return Layout(page, "Top news", html, channel: "news.top");
    }

    private static async Task<IResult> Latest(HttpContext context, string start)
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

        return Layout(page, "Latest news", html, channel: from == 0 ? "news.latest" : null);
    }

    private static async Task<IResult> NewsPage(HttpContext context, string id)
    {
        var page = await PageOf(context);
        if (ParseId(id) is not { } newsId
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

        html.Append("<div id=\"comments\">");
        CommentTree(html, page, thread, -1, 0);
        html.Append("</div>");
        return Layout(page, thread.News.Title, html, channel: $"news.{newsId}");
    }

    private static async Task<IResult> CommentPage(HttpContext context, string newsId, string commentId)
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
        return Layout(page, thread.News.Title, html);
    }

    private static async Task<IResult> ReplyPage(HttpContext context, string newsId, string commentId)
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
        return Layout(page, "Reply", html);
    }

    private static async Task<IResult> EditCommentPage(HttpContext context, string newsId, string commentId)
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
        return Layout(page, "Edit comment", html);
    }

    private static async Task<IResult> Submit(HttpContext context, string? u, string? t)
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
        return Layout(page, "Submit", html);
    }

    private static async Task<IResult> Login(HttpContext context)
    {
        var page = await PageOf(context);
        var html = new StringBuilder("<h2>Login</h2>");
        html.Append("<form id=\"loginform\"><label for=\"username\">username</label><input type=\"text\" id=\"username\" name=\"username\"><label for=\"password\">password</label><input type=\"password\" id=\"password\" name=\"password\"><input type=\"checkbox\" name=\"register\" id=\"register\" value=\"1\"><label for=\"register\">create account</label><br><input type=\"submit\" value=\"Login\"></form><div class=\"errormsg\"></div>");
        return Layout(page, "Login", html);
    }

    private static async Task<IResult> UserPage(HttpContext context, string name)
    {
        var page = await PageOf(context);
        var usersOptions = context.RequestServices.GetRequiredService<IOptions<UsersOptions>>().Value;
        if (await page.Grains().FindProfileAsync(name, usersOptions) is not { } profile)
        {
            return NotFound(page, "Non existing user");
        }

        var activity = page.Grains().GetGrain<IUserNewsGrain>(profile.Id);
        var posted = await activity.GetPosted(0, 1);
        var comments = await activity.GetComments(0, 1);
        var owner = page.User?.Id == profile.Id;
        var html = new StringBuilder("<div class=\"userinfo\">");
        html.Append($"<img class=\"avatar\" src=\"https://www.gravatar.com/avatar/{Gravatar(profile.Email)}?s=48&amp;d=mm\" alt=\"\"> <h2>{E(profile.Username)}</h2>");
        html.Append($"<pre>{Linkify(profile.About)}</pre><ul><li><b>created </b>{Ago(profile.CreatedAt.ToUnixTimeSeconds(), page.Now)}</li><li><b>karma </b>{profile.Karma} points</li><li><b>posted news </b>{posted.Total}</li><li><b>posted comments </b>{comments.Total}</li>");
        if (owner)
        {
            html.Append("<li><a href=\"/saved/0\">saved news</a></li>");
        }

        html.Append($"<li><a href=\"/usercomments/{Uri.EscapeDataString(profile.Username)}/0\">user comments</a></li><li><a href=\"/usernews/{Uri.EscapeDataString(profile.Username)}/0\">user news</a></li></ul></div>");
        if (owner)
        {
            html.Append($"<form id=\"profileform\"><label for=\"email\">email (not visible, used for gravatar)</label><input type=\"text\" id=\"email\" name=\"email\" size=\"40\" value=\"{E(profile.Email)}\"><label for=\"password\">change password (optional)</label><input type=\"password\" id=\"password\" name=\"password\" size=\"40\"><label for=\"about\">about</label><textarea id=\"about\" name=\"about\" cols=\"60\" rows=\"10\">{E(profile.About)}</textarea><br><input type=\"submit\" value=\"Update profile\"></form><div class=\"errormsg\"></div>");
        }

        return Layout(page, profile.Username, html);
    }

    private static async Task<IResult> UserNews(HttpContext context, string name, string start)
    {
        var page = await PageOf(context);
        var usersOptions = context.RequestServices.GetRequiredService<IOptions<UsersOptions>>().Value;
        if (await page.Grains().FindProfileAsync(name, usersOptions) is not { } profile)
        {
            return NotFound(page, "Non existing user");
        }

        var from = ParseStart(start);
        var perPage = page.Options.SavedNewsPerPage;
        var ids = await page.Grains().GetGrain<IUserNewsGrain>(profile.Id).GetPosted(from, perPage);
        var html = new StringBuilder($"<h2>News posted by {E(profile.Username)}</h2>");
        await NewsList(html, page, await page.Grains().GetGrain<INewsRankingGrain>(0).GetMany(ids.Items));
        More(html, $"/usernews/{Uri.EscapeDataString(profile.Username)}/", from, perPage, ids.Total);
        return Layout(page, "User news", html);
    }

    private static async Task<IResult> Saved(HttpContext context, string start)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        var from = ParseStart(start);
        var perPage = page.Options.SavedNewsPerPage;
        var ids = await page.Grains().GetGrain<IUserNewsGrain>(page.User.Id).GetSaved(from, perPage);
        var html = new StringBuilder("<h2>Your saved news</h2>");
        await NewsList(html, page, await page.Grains().GetGrain<INewsRankingGrain>(0).GetMany(ids.Items));
        More(html, "/saved/", from, perPage, ids.Total);
        return Layout(page, "Saved news", html);
    }

    private static async Task<IResult> UserComments(HttpContext context, string name, string start)
    {
        var page = await PageOf(context);
        var usersOptions = context.RequestServices.GetRequiredService<IOptions<UsersOptions>>().Value;
        if (await page.Grains().FindProfileAsync(name, usersOptions) is not { } profile)
        {
            return NotFound(page, "Non existing user");
        }

        var from = ParseStart(start);
        var perPage = page.Options.UserCommentsPerPage;
        var refs = await page.Grains().GetGrain<IUserNewsGrain>(profile.Id).GetComments(from, perPage);
        var html = new StringBuilder($"<h2>{E(profile.Username)} comments</h2>");
        foreach (var (thread, comment) in await Comments(page, refs.Items))
        {
            Comment(html, page, comment, 0, parentLink: true, newsTitle: thread.News);
        }

        More(html, $"/usercomments/{Uri.EscapeDataString(profile.Username)}/", from, perPage, refs.Total);
        return Layout(page, "User comments", html);
    }

    private static async Task<IResult> Replies(HttpContext context)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        var refs = await page.Grains().GetGrain<IUserNewsGrain>(page.User.Id).GetComments(0, page.Options.SubthreadsInRepliesPage);
        var html = new StringBuilder("<h2>Your threads</h2>");
        foreach (var (thread, comment) in await Comments(page, refs.Items))
        {
            Comment(html, page, comment, 0, parentLink: true, newsTitle: thread.News);
            CommentTree(html, page, thread, comment.Id, 1);
        }

        await page.Grains().GetGrain<IUserGrain>(page.User.Id).MarkRepliesRead();
        // The badge of this very page shows the count as it is now: read.
        page = page with { User = page.User with { Replies = 0 } };
        return Layout(page, "Your threads", html);
    }

    private static async Task<IResult> Rss(HttpContext context)
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

    private static async Task<IResult> About(HttpContext context)
    {
        var page = await PageOf(context);
        var html = new StringBuilder($"<h2>About {E(page.Options.SiteName)}</h2>");
        html.Append("<p>A news site for programmers in the spirit of Lamer News: submit links, vote them up or down, discuss them. The best news rise on the front page, ranked by votes and age.</p><p>Votes, comments and rank changes appear live. Keys: <b>j</b>/<b>k</b> next/previous, <b>Enter</b> open, <b>a</b>/<b>z</b> vote up/down, <b>?</b> help.</p><p>Each user also has bank accounts: see <a href=\"/accounts\">accounts</a>.</p>");
        return Layout(page, "About", html);
    }

    private static async Task<IResult> Accounts(HttpContext context)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        var summary = await page.Grains().GetGrain<IOwnerAccountsGrain>(page.User.Id).GetSummary();
        var html = new StringBuilder("<h2>Your accounts</h2><table class=\"accounts\"><tr><th>account</th><th>currency</th><th>balance</th><th>status</th><th></th></tr>");
        foreach (var account in summary.Accounts)
        {
            html.Append($"<tr class=\"account\" data-account-id=\"{account.Id}\"><td><a href=\"/accounts/{account.Id}\">{account.Id}</a></td><td>{E(account.Currency)}</td><td class=\"balance\">{Money(account.Balance)}</td><td>{E(account.Status)}</td><td><form class=\"moneyform\" data-account-id=\"{account.Id}\"><input type=\"text\" name=\"amount\" size=\"8\" placeholder=\"0.00\"><button name=\"op\" value=\"deposit\">deposit</button><button name=\"op\" value=\"withdraw\">withdraw</button></form></td></tr>");
        }

        html.Append("</table><div class=\"errormsg\"></div>");
        html.Append("<p><button id=\"openaccount\">open another account (EUR)</button></p>");
        html.Append("<h3>Transfer</h3><form id=\"transferform\"><label for=\"from\">from</label><select id=\"from\" name=\"from\">");
        foreach (var account in summary.Accounts.Where(a => a.Status == "open"))
        {
            html.Append($"<option value=\"{account.Id}\">{account.Id} ({Money(account.Balance)} {E(account.Currency)})</option>");
        }

        html.Append("</select><label for=\"to\">to account</label><input type=\"text\" id=\"to\" name=\"to\" size=\"40\"><label for=\"amount\">amount</label><input type=\"text\" id=\"amount\" name=\"amount\" size=\"8\" placeholder=\"0.00\"><br><input type=\"submit\" value=\"Transfer\"></form><div class=\"transfermsg\"></div>");
        return Layout(page, "Accounts", html, channels: summary.Accounts.Select(a => $"account.{a.Id}"));
    }

    private static async Task<IResult> Statement(HttpContext context, string id)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        // Someone else's account looks exactly like a missing one.
        if (!Guid.TryParse(id, out var accountId)
            || await page.Grains().GetGrain<IAccountStatementGrain>(accountId).GetStatement() is not { } statement
            || statement.Owner != page.User.Id)
        {
            return NotFound(page, "No such account.");
        }

        var html = new StringBuilder($"<h2>Statement of {statement.AccountId}</h2><p>Balance: <b class=\"balance\" data-account-id=\"{statement.AccountId}\">{Money(statement.Balance)}</b> {E(statement.Currency)} ({E(statement.Status)})</p>");
        html.Append("<table class=\"statement\"><tr><th>when</th><th>what</th><th>amount</th><th>balance</th><th>counterparty</th></tr>");
        foreach (var entry in statement.Entries.Reverse())
        {
            html.Append($"<tr><td>{Ago(entry.At.ToUnixTimeSeconds(), page.Now)}</td><td>{E(entry.Kind)}</td><td>{Money(entry.Amount)}</td><td>{Money(entry.Balance)}</td><td>{entry.Counterparty?.ToString() ?? ""}</td></tr>");
        }

        html.Append("</table>");
        return Layout(page, "Statement", html, channels: [$"account.{statement.AccountId}"]);
    }

    private static async Task NewsList(StringBuilder html, Page page, IReadOnlyList<NewsView> items)
    {
        var votes = page.User is null || items.Count == 0
            ? new Dictionary<long, VoteDirection>()
            : await page.Grains().GetGrain<IUserNewsGrain>(page.User.Id).GetVotes(items.Select(n => n.Id).ToArray());
        html.Append("<section id=\"newslist\">");
        foreach (var news in items)
        {
            NewsLine(html, page, news, votes.TryGetValue(news.Id, out var v) ? v : null);
        }

        html.Append("</section>");
    }

    private static void NewsLine(StringBuilder html, Page page, NewsView news, VoteDirection? voted)
    {
        if (news.Deleted)
        {
            html.Append($"<article class=\"deleted\" data-news-id=\"{news.Id}\">[deleted news]</article>");
            return;
        }

        var text = news.Url.StartsWith("text://", StringComparison.Ordinal);
        var href = text ? $"/news/{news.Id}" : news.Url;
        var up = voted == VoteDirection.Up ? " voted" : voted is not null ? " disabled" : "";
        var down = voted == VoteDirection.Down ? " voted" : voted is not null ? " disabled" : "";
        html.Append($"<article data-news-id=\"{news.Id}\"><a href=\"#up\" class=\"uparrow{up}\" title=\"up\">&#9650;</a> ");
        html.Append($"<h2><a href=\"{E(href)}\" rel=\"nofollow\">{E(news.Title)}</a></h2> ");
        if (!text)
        {
            html.Append($"<address>at {E(Domain(news.Url))}</address> ");
        }

        html.Append($"<a href=\"#down\" class=\"downarrow{down}\" title=\"down\">&#9660;</a><p><span class=\"upvotes\">{news.Up}</span> up and <span class=\"downvotes\">{news.Down}</span> down, posted by <a href=\"/user/{Uri.EscapeDataString(news.Username)}\">{E(news.Username)}</a> {Ago(news.CreatedAt, page.Now)} <a href=\"/news/{news.Id}\" class=\"commentcount\">{news.Comments} comment{(news.Comments == 1 ? "" : "s")}</a>");
        if (page.User is { } user && (user.IsAdmin || (user.Id == news.UserId && page.Now - news.CreatedAt < page.Options.NewsEditTimeSeconds)))
        {
            html.Append($" <a href=\"#edit\" class=\"editnews\">edit</a>");
        }

        html.Append("</p></article>");
    }

    /// <summary>The replies of <paramref name="parentId"/>, each level by score (up minus down) then newest first.</summary>
    private static void CommentTree(StringBuilder html, Page page, CommentThreadView thread, long parentId, int level)
    {
        var children = thread.Comments.Where(c => c.ParentId == parentId)
            .OrderByDescending(c => c.Up - c.Down).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id);
        foreach (var comment in children)
        {
            var hasReplies = thread.Comments.Any(c => c.ParentId == comment.Id);
            if (comment.Deleted && !hasReplies)
            {
                continue;
            }

            Comment(html, page, comment, level, parentLink: false);
            if (level < 100)
            {
                CommentTree(html, page, thread, comment.Id, level + 1);
            }
        }
    }

    private static void Comment(StringBuilder html, Page page, CommentView comment, int level, bool parentLink, NewsView? newsTitle = null)
    {
        var handle = $"{comment.NewsId}-{comment.Id}";
        var shift = level * page.Options.CommentReplyShift;
        html.Append($"<article class=\"comment\" style=\"margin-left:{shift}px\" data-comment-id=\"{handle}\" data-parent-id=\"{comment.ParentId}\" data-level=\"{level}\">");
        if (comment.Deleted)
        {
            html.Append("<span class=\"info\">[comment deleted]</span></article>");
            return;
        }

        var score = comment.Up - comment.Down;
        var up = comment.Voted == VoteDirection.Up ? " voted" : comment.Voted is not null ? " disabled" : "";
        var down = comment.Voted == VoteDirection.Down ? " voted" : comment.Voted is not null ? " disabled" : "";
        html.Append($"<span class=\"info\"><a href=\"/user/{Uri.EscapeDataString(comment.Username)}\">{E(comment.Username)}</a> {Ago(comment.CreatedAt, page.Now)}. <a href=\"/comment/{comment.NewsId}/{comment.Id}\">link</a>");
        if (parentLink && comment.ParentId != -1)
        {
            html.Append($" <a href=\"/comment/{comment.NewsId}/{comment.ParentId}\">parent</a>");
        }

        if (newsTitle is not null)
        {
            html.Append($" on <a href=\"/news/{newsTitle.Id}\">{E(newsTitle.Title)}</a>");
        }

        if (page.User is not null)
        {
            html.Append($" <a href=\"/reply/{comment.NewsId}/{comment.Id}\">reply</a>");
        }

        html.Append($" <span class=\"points\">{score} point{(Math.Abs(score) > 1 ? "s" : "")}</span> <a href=\"#up\" class=\"uparrow{up}\">&#9650;</a> <a href=\"#down\" class=\"downarrow{down}\">&#9660;</a>");
        if (page.User?.Id == comment.UserId && page.Now - comment.CreatedAt < page.Options.CommentEditTimeSeconds)
        {
            var left = (page.Options.CommentEditTimeSeconds - (page.Now - comment.CreatedAt)) / 60;
            html.Append($" <a href=\"/editcomment/{comment.NewsId}/{comment.Id}\">edit</a> ({left} minutes left)");
        }

        html.Append($"</span><pre>{Linkify(comment.Body)}</pre></article>");
    }

    private static async Task<(CommentThreadView Thread, CommentView Comment)?> ThreadAndComment(Page page, string newsId, string commentId)
    {
        if (ParseId(newsId) is not { } n || ParseId(commentId) is not { } c
            || await page.Grains().GetGrain<INewsGrain>(n).GetThread(page.User?.Id) is not { } thread
            || thread.Comments.FirstOrDefault(x => x.Id == c) is not { } comment)
        {
            return null;
        }

        return (thread, comment);
    }

    private static async Task<List<(CommentThreadView Thread, CommentView Comment)>> Comments(Page page, IReadOnlyList<CommentRef> refs)
    {
        var threads = new Dictionary<long, CommentThreadView?>();
        var found = new List<(CommentThreadView, CommentView)>();
        foreach (var r in refs)
        {
            if (!threads.TryGetValue(r.NewsId, out var thread))
            {
                threads[r.NewsId] = thread = await page.Grains().GetGrain<INewsGrain>(r.NewsId).GetThread(page.User?.Id);
            }

            if (thread?.Comments.FirstOrDefault(c => c.Id == r.CommentId) is { } comment)
            {
                found.Add((thread, comment));
            }
        }

        return found;
    }

    private static IResult Layout(Page page, string title, StringBuilder content, string? channel = null, IEnumerable<string>? channels = null)
    {
        var options = page.Options;
        var user = page.User;
        var subscribe = (channels ?? []).Concat(channel is null ? [] : [channel]).ToArray();
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append($"<title>{E(title)} - {E(options.SiteName)}</title><meta name=\"robots\" content=\"index\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/css/style.css\"><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\"></head>");
        html.Append($"<body data-channels=\"{E(string.Join(' ', subscribe))}\"><div class=\"container\"><header><h1><a href=\"/\">{E(options.SiteName)}</a> <small>live</small></h1><nav><a href=\"/\">top</a> <a href=\"/latest/0\">latest</a> <a href=\"/submit\">submit</a>");
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
        if (user is not null)
        {
            html.Append($"<script>var apisecret = '{user.ApiSecret}';</script>");
        }

        html.Append("<script src=\"/js/app.js\"></script></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static IResult NotFound(Page page, string message)
    {
        var html = new StringBuilder($"<h2>{E(message)}</h2>");
        var result = Layout(page, message, html);
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

    private static void More(StringBuilder html, string prefix, int from, int perPage, int total)
    {
        if (from + perPage < total)
        {
            html.Append($"<a class=\"more\" href=\"{prefix}{from + perPage}\">[more]</a>");
        }
    }

    private static string Money(long minor) => (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Gravatar(string? email) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes((email ?? "").Trim().ToLowerInvariant())));

    private static int ParseStart(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var start) && start < 1_000_000 ? start : 0;

    private static long? ParseId(string text) =>
        text.Length <= 19 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

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
