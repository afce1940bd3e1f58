using Actors.Gateway.Lamernews;

namespace Actors.Gateway.News;

// The inputs of the news commands, one type each, as a door received them: HTTP reads them from the Lamernews
// parameters (From), /ws from a message's data (Realtime/WsCommands). Values stay the text that was sent, ids
// included: Lamernews words the refusal of a missing id and of a malformed one differently for each command, so
// NewsActions applies those rules once, for both doors.

/// <summary><c>submit</c>: a new news when <see cref="NewsId"/> is <see cref="New"/>, else an edit of that news.</summary>
internal sealed record NewsSubmission(string? NewsId, string? Title, string? Url, string? Text)
{
    public const string New = "-1";

    public static NewsSubmission From(LamerParameters p) => new(p.Present("news_id"), p.Present("title"), p.Present("url"), p.Present("text"));
}

/// <summary><c>delnews</c>.</summary>
internal sealed record NewsDeletion(string? NewsId)
{
    public static NewsDeletion From(LamerParameters p) => new(p.Present("news_id"));
}

/// <summary><c>votenews</c>: <see cref="VoteType"/> is <c>up</c> or <c>down</c>.</summary>
internal sealed record NewsVote(string? NewsId, string? VoteType)
{
    public static NewsVote From(LamerParameters p) => new(p.Present("news_id"), p.Present("vote_type"));
}

/// <summary>
/// <c>postcomment</c>: a new comment when <see cref="CommentId"/> is <see cref="New"/> (a reply when
/// <see cref="ParentId"/> is a comment id, else <see cref="NoParent"/>), else an edit; an empty body deletes.
/// </summary>
internal sealed record CommentPost(string? NewsId, string? CommentId, string? ParentId, string? Comment)
{
    public const string New = "-1";

    public const string NoParent = "-1";

    public static CommentPost From(LamerParameters p) =>
        new(p.Present("news_id"), p.Present("comment_id"), p.Present("parent_id"), p.Present("comment"));
}

/// <summary><c>votecomment</c>: the comment's handle is <c>newsId-commentId</c>.</summary>
internal sealed record CommentVote(string? CommentId, string? VoteType)
{
    public static CommentVote From(LamerParameters p) => new(p.Present("comment_id"), p.Present("vote_type"));
}
