namespace Actors.News;

/// <summary>Marker of every event of the news category (stream <c>news-{id}</c>): the news item and its comment thread.</summary>
public interface INewsEvent
{
    /// <summary>The news item the event belongs to.</summary>
    long NewsId { get; }

    /// <summary>When it happened.</summary>
    DateTimeOffset At { get; }
}

/// <summary>
/// A news item was submitted. Carries the author's username (usernames never change) so read models need no user lookup.
/// <paramref name="Url"/> is the link, or <c>text://</c> followed by the body of a text post.
/// </summary>
[GenerateSerializer, Immutable, Alias("news.submitted")]
public sealed record NewsSubmitted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long UserId,
    [property: Id(2)] string Username,
    [property: Id(3)] string Title,
    [property: Id(4)] string Url,
    [property: Id(5)] DateTimeOffset At) : INewsEvent;

/// <summary>The title and/or URL of a news item were changed by its author or an admin (<paramref name="UserId"/>).</summary>
[GenerateSerializer, Immutable, Alias("news.edited")]
public sealed record NewsEdited(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long UserId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Url,
    [property: Id(4)] DateTimeOffset At) : INewsEvent;

/// <summary>A news item was deleted by its author or an admin; it leaves every list and takes no more votes or comments.</summary>
[GenerateSerializer, Immutable, Alias("news.deleted")]
public sealed record NewsDeleted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long UserId,
    [property: Id(2)] DateTimeOffset At) : INewsEvent;

/// <summary>
/// A user up-voted a news item. <paramref name="KarmaTransferred"/> is what the author (<paramref name="AuthorId"/>)
/// earns from it (0 for the author's own automatic vote); the voter's cost was already paid when the vote was accepted.
/// </summary>
[GenerateSerializer, Immutable, Alias("news.upvoted")]
public sealed record NewsUpvoted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long VoterId,
    [property: Id(2)] long AuthorId,
    [property: Id(3)] int KarmaTransferred,
    [property: Id(4)] DateTimeOffset At) : INewsEvent;

/// <summary>A user down-voted a news item (the author is unaffected).</summary>
[GenerateSerializer, Immutable, Alias("news.downvoted")]
public sealed record NewsDownvoted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long VoterId,
    [property: Id(2)] long AuthorId,
    [property: Id(3)] DateTimeOffset At) : INewsEvent;

/// <summary>
/// A comment was posted on a news item. <paramref name="ParentId"/> is -1 for a top-level comment; for a reply,
/// <paramref name="ParentAuthorId"/> is the author of the comment replied to (whose reply counter goes up).
/// The author's own up-vote is implied (a new comment has one point).
/// </summary>
[GenerateSerializer, Immutable, Alias("news.comment-posted")]
public sealed record CommentPosted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long CommentId,
    [property: Id(2)] long ParentId,
    [property: Id(3)] long UserId,
    [property: Id(4)] string Username,
    [property: Id(5)] string Body,
    [property: Id(6)] long? ParentAuthorId,
    [property: Id(7)] DateTimeOffset At) : INewsEvent;

/// <summary>The author changed the body of a comment.</summary>
[GenerateSerializer, Immutable, Alias("news.comment-edited")]
public sealed record CommentEdited(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long CommentId,
    [property: Id(2)] long UserId,
    [property: Id(3)] string Body,
    [property: Id(4)] DateTimeOffset At) : INewsEvent;

/// <summary>The author deleted a comment; it keeps its place in the thread without a body.</summary>
[GenerateSerializer, Immutable, Alias("news.comment-deleted")]
public sealed record CommentDeleted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long CommentId,
    [property: Id(2)] long UserId,
    [property: Id(3)] DateTimeOffset At) : INewsEvent;

/// <summary>A user up-voted a comment.</summary>
[GenerateSerializer, Immutable, Alias("news.comment-upvoted")]
public sealed record CommentUpvoted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long CommentId,
    [property: Id(2)] long VoterId,
    [property: Id(3)] DateTimeOffset At) : INewsEvent;

/// <summary>A user down-voted a comment.</summary>
[GenerateSerializer, Immutable, Alias("news.comment-downvoted")]
public sealed record CommentDownvoted(
    [property: Id(0)] long NewsId,
    [property: Id(1)] long CommentId,
    [property: Id(2)] long VoterId,
    [property: Id(3)] DateTimeOffset At) : INewsEvent;
