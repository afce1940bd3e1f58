namespace Actors.News;

/// <summary>Up or down.</summary>
[GenerateSerializer, Alias("news.vote-direction")]
public enum VoteDirection
{
    Up = 1,
    Down = 2,
}

/// <summary>
/// What a news command answered: a rejection, or the id it produced (news id, comment id) and the operation done.
/// <see cref="Position"/> is the global log position of the last event the command appended (0 when it appended
/// none): a client that waits for a view to reach it reads its own write (the WebSocket protocol hands it out).
/// </summary>
[GenerateSerializer, Immutable, Alias("news.command-result")]
public sealed record NewsCommandResult(
    [property: Id(0)] Rejection? Rejection,
    [property: Id(1)] long Id = 0,
    [property: Id(2)] string? Op = null)
{
    [Id(3)]
    public long Position { get; init; }

    /// <summary>
    /// The version of the news stream (<c>news-{id}</c>) after the command (0 when it appended nothing): the read models
    /// keep a version per news, so "has this view my write" is exact whichever log partition delivered it first.
    /// </summary>
    [Id(4)]
    public long Version { get; init; }

    public bool Ok => Rejection is null;

    public static NewsCommandResult Done(long id = 0, string? op = null) => new(null, id, op);

    public static NewsCommandResult Refused(Rejection rejection) => new(rejection);
}

/// <summary>
/// A news item as lists show it. <paramref name="Url"/> is <c>text://body</c> for text posts. Times are Unix seconds.
/// <paramref name="EditableUntil"/> is the end (exclusive) of the author's edit window, when the author may no longer
/// edit or delete it (null once deleted; admins are not bound by it): the author may while <c>now &lt; EditableUntil</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("news.view")]
public sealed record NewsView(
    [property: Id(0)] long Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Url,
    [property: Id(3)] long UserId,
    [property: Id(4)] string Username,
    [property: Id(5)] long CreatedAt,
    [property: Id(6)] int Up,
    [property: Id(7)] int Down,
    [property: Id(8)] int Comments,
    [property: Id(9)] double Score,
    [property: Id(10)] bool Deleted,
    [property: Id(11)] long? EditableUntil);

/// <summary>One page of a news list and the size of the whole list.</summary>
[GenerateSerializer, Immutable, Alias("news.page")]
public sealed record NewsPage(
    [property: Id(0)] IReadOnlyList<NewsView> Items,
    [property: Id(1)] int Total);

/// <summary>A comment of a thread. A deleted comment keeps its place with a null <paramref name="Body"/>.</summary>
[GenerateSerializer, Immutable, Alias("news.comment-view")]
public sealed record CommentView(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long Id,
    [property: Id(2)] long ParentId,
    [property: Id(3)] long UserId,
    [property: Id(4)] string Username,
    [property: Id(5)] string? Body,
    [property: Id(6)] long CreatedAt,
    [property: Id(7)] int Up,
    [property: Id(8)] int Down,
    [property: Id(9)] bool Deleted,
    [property: Id(10)] VoteDirection? Voted);

/// <summary>The comments of one news item, in id order (the order they were posted).</summary>
[GenerateSerializer, Immutable, Alias("news.thread-view")]
public sealed record CommentThreadView(
    [property: Id(0)] NewsView News,
    [property: Id(1)] IReadOnlyList<CommentView> Comments);

/// <summary>A comment by its global handle <c>news_id-comment_id</c>, with when it was posted (Unix seconds).</summary>
[GenerateSerializer, Immutable, Alias("news.comment-ref")]
public sealed record CommentRef(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long CommentId,
    [property: Id(2)] long At);

/// <summary>A page of news ids of a per-user list (newest first) and the list's size.</summary>
[GenerateSerializer, Immutable, Alias("news.id-page")]
public sealed record NewsIdPage(
    [property: Id(0)] IReadOnlyList<long> Items,
    [property: Id(1)] int Total);

/// <summary>A page of a user's comments (newest first) and the list's size.</summary>
[GenerateSerializer, Immutable, Alias("news.comment-ref-page")]
public sealed record CommentRefPage(
    [property: Id(0)] IReadOnlyList<CommentRef> Items,
    [property: Id(1)] int Total);

/// <summary>What a user-list fact a write made true: posted the news, voted on it, posted comment N on it.</summary>
[GenerateSerializer, Alias("news.user-list-fact")]
public enum UserListFact
{
    None = 0,
    Posted = 1,
    Voted = 2,
    Commented = 3,
}

/// <summary>
/// A write a client made and wants to read back (read-your-writes): news <paramref name="NewsId"/>'s stream at
/// <paramref name="Version"/>, and what it made true in the writer's own lists (<paramref name="Fact"/>, with
/// <paramref name="CommentId"/> for a comment).
/// </summary>
[GenerateSerializer, Immutable, Alias("news.written")]
public readonly record struct NewsWritten(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long Version,
    [property: Id(2)] UserListFact Fact = UserListFact.None,
    [property: Id(3)] long CommentId = 0);
