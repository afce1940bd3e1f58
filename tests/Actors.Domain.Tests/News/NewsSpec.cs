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

    protected void When(NewsCommand command) => _decision = NewsDecider.Decide(command, _state, Now, Options);

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
