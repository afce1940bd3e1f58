namespace Actors.News;

/// <summary>
/// What can be asked of one news item. A closed hierarchy: the private constructor keeps every command in this file,
/// so the decider's switch covers them all. The acting user's facts (username, admin flag) are resolved by the grain.
/// </summary>
public abstract record NewsCommand
{
    private NewsCommand()
    {
    }

    /// <summary>Create the item (its id already allocated, its URL already claimed).</summary>
    public sealed record Submit(long NewsId, long UserId, string Username, string Title, string Url, string Text) : NewsCommand;

    public sealed record Edit(long UserId, bool IsAdmin, string Title, string Url, string Text) : NewsCommand;

    public sealed record Delete(long UserId, bool IsAdmin) : NewsCommand;

    public sealed record Vote(long UserId, VoteDirection Direction) : NewsCommand;

    /// <summary>Post a comment; <see cref="ParentId"/> is -1 for a top-level comment.</summary>
    public sealed record PostComment(long UserId, string Username, long ParentId, string Body) : NewsCommand;

    public sealed record EditComment(long UserId, long CommentId, string Body) : NewsCommand;

    public sealed record DeleteComment(long UserId, long CommentId) : NewsCommand;

    public sealed record VoteComment(long UserId, long CommentId, VoteDirection Direction) : NewsCommand;
}
