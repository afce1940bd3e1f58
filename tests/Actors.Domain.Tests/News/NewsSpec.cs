using Actors.News;

namespace Actors.Tests.News;

/// <summary>Given(events) / When(command) / Then(events or rejection) for one news item.</summary>
public abstract class NewsSpec
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    protected const long NewsId = 7;
    protected const long Alice = 1;
    protected const long Bob = 2;
    protected const long Carol = 3;

    protected NewsOptions Options { get; } = new();

    private NewsState _state = NewsDecider.Initial;
    private Decision<INewsEvent> _decision;

    protected DateTimeOffset Now { get; set; } = T0;

    protected void Given(params INewsEvent[] events) => _state = events.Aggregate(_state, NewsDecider.Evolve);

    protected NewsState State => _state;

    /// <summary>The events of the command just decided.</summary>
    protected IReadOnlyList<INewsEvent> Decided => _decision.Events;

    protected void When(NewsCommand command) => _decision = NewsDecider.Decide(command, _state);

    // The commands as the grain builds them: the settings from Options, the time from Now (read when the command is made).
    protected NewsCommand.Submit Submit(long newsId, long user, string username, string title, string url, string text) =>
        new(newsId, user, username, title, url, text, PostLimits.Of(Options), Now);

    /// <summary>An edit; unless told otherwise, the grain holds the claim on the link asked for.</summary>
    protected NewsCommand.Edit Edit(long user, bool isAdmin, string title, string url, string text, bool linkClaimed = true) =>
        new(user, isAdmin, title, url, text, linkClaimed ? url : null, PostLimits.Of(Options), Options.NewsEditTimeSeconds, Now);

    protected NewsCommand.Delete Delete(long user, bool isAdmin) => new(user, isAdmin, Options.NewsEditTimeSeconds, Now);

    protected NewsCommand.Vote Vote(long user, VoteDirection direction) => new(user, direction, VotePrices.Of(Options), Now);

    protected NewsCommand.PostComment PostComment(long user, string username, long parentId, string body) =>
        new(user, username, parentId, body, Options.CommentMaxLength, Now);

    protected NewsCommand.EditComment EditComment(long user, long commentId, string body) =>
        new(user, commentId, body, Options.CommentMaxLength, Options.CommentEditTimeSeconds, Now);

    protected NewsCommand.DeleteComment DeleteComment(long user, long commentId) => new(user, commentId, Options.CommentEditTimeSeconds, Now);

    protected NewsCommand.VoteComment VoteComment(long user, long commentId, VoteDirection direction) => new(user, commentId, direction, Now);

    protected void Then(params INewsEvent[] expected)
    {
        Assert.Null(_decision.Rejection);
        Assert.Equal(expected, _decision.Events);
    }

    protected void ThenRejected(Rejection expected)
    {
        Assert.Equal(expected, _decision.Rejection);
        Assert.Empty(_decision.Events);
    }

    protected void ThenNothingHappens()
    {
        Assert.Null(_decision.Rejection);
        Assert.Empty(_decision.Events);
    }

    /// <summary>The events of the command just decided, applied (for a second command on top).</summary>
    protected void AndApplied() => _state = _decision.Events.Aggregate(_state, NewsDecider.Evolve);

    protected static NewsSubmitted Submitted(long author = Alice, string url = "https://example.com/a", DateTimeOffset? at = null) =>
        new(NewsId, author, author == Alice ? "alice" : "bob", "A title", url, at ?? T0);

    protected static NewsUpvoted AutoVote(long author = Alice, DateTimeOffset? at = null) => new(NewsId, author, author, 0, at ?? T0);

    protected static CommentPosted Comment(long id, long parent = -1, long author = Bob, long? parentAuthor = null, DateTimeOffset? at = null) =>
        new(NewsId, id, parent, author, "bob", $"comment {id}", parentAuthor, at ?? T0);
}
