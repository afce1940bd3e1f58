using System.Collections.Immutable;

namespace Actors.News;

/// <summary>The state of one news item and its comment thread: the fold of its events.</summary>
public sealed record NewsState(
    bool Exists,
    long Id,
    long AuthorId,
    string Username,
    string Title,
    string Url,
    DateTimeOffset CreatedAt,
    bool Deleted,
    VoterSet Upvoters,
    VoterSet Downvoters,
    ImmutableSortedDictionary<long, CommentState> Comments,
    long LastCommentId)
{
    public static readonly NewsState Initial = new(
        false, 0, 0, "", "", "", default, false, [], [], ImmutableSortedDictionary<long, CommentState>.Empty, 0);

    public bool IsTextPost => Url.StartsWith(NewsRules.TextScheme, StringComparison.Ordinal);

    public bool HasVoted(long userId) => Upvoters.Contains(userId) || Downvoters.Contains(userId);

    /// <summary>Live (not deleted) comments.</summary>
    public int CommentCount => Comments.Values.Count(c => !c.Deleted);

    public double Score(NewsOptions options) => NewsRanking.Score(Upvoters.Count, Downvoters.Count, options);
}

/// <summary>One comment of a thread. The author's own up-vote is there from the start (a new comment has one point).</summary>
public sealed record CommentState(
    long Id,
    long ParentId,
    long AuthorId,
    string Username,
    string Body,
    DateTimeOffset CreatedAt,
    bool Deleted,
    VoterSet Upvoters,
    VoterSet Downvoters)
{
    public bool HasVoted(long userId) => Upvoters.Contains(userId) || Downvoters.Contains(userId);
}
