using System.Globalization;
using Actors.Gateway.Lamernews;
using Actors.Gateway.Users;
using Actors.News;

namespace Actors.Gateway.News;

/// <summary>
/// The outcome of a news command, independent of the door it came through: the Lamernews error sentence, or the
/// extra fields of the success envelope, and the log position of the events it caused.
/// </summary>
internal sealed record NewsOutcome(string? Error, object? Result, long Position)
{
    /// <summary>What was written, for read-your-writes (<see cref="ReadYourWrites"/>), and by whom.</summary>
    public (long WriterId, NewsWritten Written)? Written { get; init; }

    public static NewsOutcome Refused(string error) => new(error, null, 0);

    public static NewsOutcome From(NewsCommandResult result, Func<NewsCommandResult, object?> success) =>
        result.Rejection is { } rejection ? new(rejection.Message, null, 0) : new(null, success(result), result.Position);

    /// <summary>As above, remembering the write of <paramref name="user"/> on news <paramref name="newsId"/> (and its fact in the user's lists).</summary>
    public static NewsOutcome From(
        NewsCommandResult result, Func<NewsCommandResult, object?> success, SignedInUser user, long newsId, UserListFact fact = UserListFact.None)
    {
        var outcome = From(result, success);
        return outcome.Error is null && result.Version > 0
            ? outcome with { Written = (user.Id, new NewsWritten(newsId, result.Version, fact, fact == UserListFact.Commented ? result.Id : 0)) }
            : outcome;
    }

    /// <summary>The HTTP door's answer: the Lamernews envelope (the position travels in a header, outside the envelope).</summary>
    public IResult ToLamerResult(HttpContext context)
    {
        if (Error is not null)
        {
            return LamerResults.Error(Error);
        }

        if (Position > 0)
        {
            context.Response.Headers["X-Event-Position"] = Position.ToString(CultureInfo.InvariantCulture);
        }

        if (Written is var (writer, written))
        {
            ReadYourWrites.Remember(context, writer, written);
        }

        return LamerResults.Ok(Result);
    }
}

/// <summary>
/// The news commands, once, for both doors (<c>/api/*</c> over HTTP and the <c>/ws</c> WebSocket protocol): each takes
/// its typed input (<see cref="NewsSubmission"/> and the others, as sent), applies Lamernews' rules and sentences to it,
/// then calls the grain. The caller has already established who the user is (and, over HTTP, the API secret).
/// </summary>
internal static class NewsActions
{
    // The Lamernews literal contains a line break and the source's indentation.
    private const string MissingCommentParameters = "Missing news_id, comment_id, parent_id, or comment\n                       parameter.";

    public static async Task<NewsOutcome> Submit(IGrainFactory grains, SignedInUser user, NewsSubmission input)
    {
        var title = Required(input.Title);
        var newsId = Required(input.NewsId);
        var url = input.Url;
        var text = input.Text;
        if (title is null || newsId is null || url is null || text is null || (url.Length == 0 && text.Length == 0))
        {
            return NewsOutcome.Refused(NewsRejections.TitleAndUrlOrTextRequired.Message);
        }

        NewsCommandResult result;
        if (newsId == NewsSubmission.New)
        {
            result = await grains.GetGrain<INewsAuthorGrain>(user.Id).Submit(title, url, text);
        }
        else if (NewsIds.Parse(newsId) is { } id)
        {
            result = await grains.GetGrain<INewsGrain>(id).Edit(user.Id, title, url, text);
        }
        else
        {
            return NewsOutcome.Refused(NewsRejections.EditRefused.Message);
        }

        return NewsOutcome.From(result, r => new { news_id = r.Id }, user, result.Id, newsId == NewsSubmission.New ? UserListFact.Posted : UserListFact.None);
    }

    public static async Task<NewsOutcome> Delete(IGrainFactory grains, SignedInUser user, NewsDeletion input)
    {
        var newsId = Required(input.NewsId);
        if (newsId is null)
        {
            return NewsOutcome.Refused("Please specify a news title.");
        }

        if (NewsIds.Parse(newsId) is not { } id)
        {
            return NewsOutcome.Refused(NewsRejections.DeleteRefused.Message);
        }

        var result = await grains.GetGrain<INewsGrain>(id).Delete(user.Id);
        return NewsOutcome.From(result, _ => new { news_id = -1 }, user, id);
    }

    public static async Task<NewsOutcome> Vote(IGrainFactory grains, SignedInUser user, NewsVote input)
    {
        var newsId = Required(input.NewsId);
        if (newsId is null || ParseVote(Required(input.VoteType)) is not { } direction)
        {
            return NewsOutcome.Refused("Missing news ID or invalid vote type.");
        }

        if (NewsIds.Parse(newsId) is not { } id)
        {
            return NewsOutcome.Refused(NewsRejections.NoSuchNews.Message);
        }

        var result = await grains.GetGrain<INewsGrain>(id).Vote(user.Id, direction);
        return NewsOutcome.From(result, _ => null, user, id, UserListFact.Voted);
    }

    public static Task<NewsOutcome> PostComment(IGrainFactory grains, SignedInUser user, CommentPost input) =>
        PostComment(grains, user, input, echoIds: false);

    /// <summary>
    /// <c>postcomment</c> answering <c>news_id</c> and <c>parent_id</c> as sent, as Lamernews does (its answer echoes the
    /// parameters: strings), for clients that expect Lamernews' field types (<c>Lamernews:StringFields</c>).
    /// </summary>
    public static Task<NewsOutcome> PostCommentEchoingIds(IGrainFactory grains, SignedInUser user, CommentPost input) =>
        PostComment(grains, user, input, echoIds: true);

    private static async Task<NewsOutcome> PostComment(IGrainFactory grains, SignedInUser user, CommentPost input, bool echoIds)
    {
        var newsIdText = Required(input.NewsId);
        var commentIdText = Required(input.CommentId);
        var parentIdText = Required(input.ParentId);
        var body = input.Comment;
        if (newsIdText is null || commentIdText is null || parentIdText is null || body is null)
        {
            return NewsOutcome.Refused(MissingCommentParameters);
        }

        // -1 is a word of its own here (a new comment, no parent), so these ids are read with their sign.
        if (NewsIds.Parse(newsIdText) is not { } newsId
            || !long.TryParse(commentIdText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var commentId)
            || !long.TryParse(parentIdText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parentId)
            || (commentId != -1 && commentId < 1)
            || (parentId != -1 && parentId < 1))
        {
            return NewsOutcome.Refused(NewsRejections.InvalidComment.Message);
        }

        var news = grains.GetGrain<INewsGrain>(newsId);
        var result = commentId == -1
            ? await news.PostComment(user.Id, parentId, body)
            : await news.EditComment(user.Id, commentId, body);
        return NewsOutcome.From(
            result,
            r => echoIds
                ? new { op = r.Op, comment_id = r.Id, parent_id = (object)input.ParentId!, news_id = (object)input.NewsId! }
                : new { op = r.Op, comment_id = r.Id, parent_id = (object)parentId, news_id = (object)newsId },
            user,
            newsId,
            commentId == -1 ? UserListFact.Commented : UserListFact.None);
    }

    public static async Task<NewsOutcome> VoteComment(IGrainFactory grains, SignedInUser user, CommentVote input)
    {
        var handle = Required(input.CommentId);
        if (handle is null || ParseVote(Required(input.VoteType)) is not { } direction)
        {
            return NewsOutcome.Refused("Missing comment ID or invalid vote type.");
        }

        var parts = handle.Split('-');
        if (parts.Length != 2 || NewsIds.Parse(parts[0]) is not { } newsId || NewsIds.Parse(parts[1]) is not { } commentId)
        {
            return NewsOutcome.Refused(NewsRejections.CommentVoteRefused.Message);
        }

        var result = await grains.GetGrain<INewsGrain>(newsId).VoteComment(user.Id, commentId, direction);
        return NewsOutcome.From(result, _ => new { comment_id = handle }, user, newsId);
    }

    private static string? Required(string? sent) => LamerParameters.RequiredValue(sent);

    private static VoteDirection? ParseVote(string? type) => type switch
    {
        "up" => VoteDirection.Up,
        "down" => VoteDirection.Down,
        _ => null,
    };
}
