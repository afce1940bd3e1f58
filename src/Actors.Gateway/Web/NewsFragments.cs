using System.Text;
using Actors.News;
using static Actors.Gateway.Web.Html;
using static Actors.Gateway.Web.Layout;

namespace Actors.Gateway.Web;

/// <summary>
/// The news and comment fragments every list is made of (the front page, a news page, a user's news and comments,
/// the replies page): a news line with its vote arrows and edit link, a comment, a comment tree.
/// </summary>
internal static class NewsFragments
{
    public static async Task NewsList(StringBuilder html, Page page, IReadOnlyList<NewsView> items, IReadOnlyDictionary<long, long>? activity = null)
    {
        var votes = page.User is null || items.Count == 0
            ? new Dictionary<long, VoteDirection>()
            : await page.Grains().GetGrain<IUserNewsGrain>(page.User.Id).GetVotes(items.Select(n => n.Id).ToArray());
        html.Append("<section id=\"newslist\">");
        foreach (var news in items)
        {
            NewsLine(html, page, news, votes.TryGetValue(news.Id, out var v) ? v : null, activity?.GetValueOrDefault(news.Id));
        }

        html.Append("</section>");
    }

    private static void NewsLine(StringBuilder html, Page page, NewsView news, VoteDirection? voted, long? activity)
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
        if (page.User is { } user && (user.IsAdmin || (user.Id == news.UserId && InEditWindow(page, news))))
        {
            html.Append($" <a href=\"/editnews/{news.Id}\" class=\"editnews\">edit</a>");
        }

        if (activity is { } recent)
        {
            html.Append($" <span class=\"activity\">{recent} in the last hour</span>");
        }

        html.Append("</p></article>");
    }

    /// <summary>Whether the author may still edit: the news view says until when (the decider's own rule).</summary>
    private static bool InEditWindow(Page page, NewsView news) => news.EditableUntil is { } until && page.Now < until;

    /// <summary>The replies of <paramref name="parentId"/>, each level by score (up minus down) then newest first.</summary>
    public static void CommentTree(StringBuilder html, Page page, CommentThreadView thread, long parentId, int level)
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

    public static void Comment(StringBuilder html, Page page, CommentView comment, int level, bool parentLink, NewsView? newsTitle = null)
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
}
