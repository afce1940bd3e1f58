using Actors.News;

namespace Actors.Tests.News;

/// <summary>Given a user's news events, then the user's lists.</summary>
public class UserNewsListsTests
{
    private const long Alice = 1;
    private const long Bob = 2;
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly UserNewsLists _lists = new(Alice);

    private void Given(params INewsEvent[] events)
    {
        foreach (var e in events)
        {
            _lists.Apply(e);
        }
    }

    private static DateTimeOffset At(int minute) => T0.AddMinutes(minute);

    [Fact]
    public void Posted_and_saved_news_come_newest_first_whatever_order_the_events_arrived_in()
    {
        Given(
            new NewsSubmitted(10, Alice, "alice", "a", "https://a", At(1)),
            new NewsUpvoted(10, Alice, Alice, 0, At(1)),
            new NewsUpvoted(30, Alice, Bob, 1, At(3)),
            new NewsUpvoted(20, Alice, Bob, 1, At(2)));

        Assert.Equal([10], _lists.Posted(0, 10));
        Assert.Equal([30, 20, 10], _lists.Saved(0, 10));
        Assert.Equal([20], _lists.Saved(1, 1));
        Assert.Equal(3, _lists.SavedCount);
    }

    [Fact]
    public void Events_of_other_users_are_not_this_users()
    {
        Given(new NewsSubmitted(10, Bob, "bob", "b", "https://b", At(1)), new NewsUpvoted(10, Bob, Bob, 0, At(1)),
            new CommentPosted(10, 1, -1, Bob, "bob", "hi", null, At(2)));

        Assert.Empty(_lists.Posted(0, 10));
        Assert.Empty(_lists.Saved(0, 10));
        Assert.Empty(_lists.Comments(0, 10));
        Assert.Null(_lists.VoteOn(10));
    }

    [Fact]
    public void Every_event_delivered_again_changes_nothing()
    {
        INewsEvent[] events =
        [
            new NewsSubmitted(10, Alice, "alice", "a", "https://a", At(1)),
            new NewsUpvoted(10, Alice, Alice, 0, At(1)),
            new NewsDownvoted(20, Alice, Bob, At(2)),
            new CommentPosted(20, 1, -1, Alice, "alice", "one", null, At(3)),
            new CommentPosted(20, 4, 1, Alice, "alice", "two", Alice, At(4)),
        ];
        Given(events);

        Assert.All(events, e => Assert.False(_lists.Apply(e)));
        Assert.Equal((1, 1, 2), (_lists.PostedCount, _lists.SavedCount, _lists.CommentCount));
    }

    [Fact]
    public void The_users_vote_on_each_news_of_a_page_is_looked_up_by_id()
    {
        Given(new NewsUpvoted(10, Alice, Bob, 1, At(1)), new NewsDownvoted(20, Alice, Bob, At(2)),
            new CommentPosted(30, 1, -1, Alice, "alice", "no vote", null, At(3)));

        Assert.Equal(VoteDirection.Up, _lists.VoteOn(10));
        Assert.Equal(VoteDirection.Down, _lists.VoteOn(20));
        Assert.Null(_lists.VoteOn(30));
        Assert.Null(_lists.VoteOn(40));
    }

    [Fact]
    public void Comments_come_newest_first_with_their_time_in_seconds()
    {
        Given(new CommentPosted(20, 1, -1, Alice, "alice", "one", null, At(3)), new CommentPosted(10, 2, -1, Alice, "alice", "two", null, At(5)));

        Assert.Equal([new CommentRef(10, 2, At(5).ToUnixTimeSeconds()), new CommentRef(20, 1, At(3).ToUnixTimeSeconds())], _lists.Comments(0, 10));
    }

    [Theory]
    [InlineData(0, 0, new long[0])]
    [InlineData(5, 10, new long[0])]
    [InlineData(-3, 2, new long[] { 3, 2 })]
    [InlineData(2, 50, new long[] { 1 })]
    public void A_page_past_either_end_is_cut_to_what_exists(int start, int count, long[] expected)
    {
        Given(new NewsUpvoted(1, Alice, Bob, 1, At(1)), new NewsUpvoted(2, Alice, Bob, 1, At(2)), new NewsUpvoted(3, Alice, Bob, 1, At(3)));

        Assert.Equal(expected, _lists.Saved(start, count));
    }

    [Fact]
    public void Given_a_users_writes_when_asked_what_the_lists_hold_then_only_applied_facts_hold()
    {
        Assert.False(_lists.Holds(10, UserListFact.Posted));

        Given(
            new NewsSubmitted(10, Alice, "alice", "a", "https://a", At(1)),
            new NewsDownvoted(20, Alice, Bob, At(2)),
            new CommentPosted(20, 3, -1, Alice, "alice", "one", null, At(3)));

        Assert.True(_lists.Holds(10, UserListFact.Posted));
        Assert.False(_lists.Holds(20, UserListFact.Posted));
        Assert.True(_lists.Holds(20, UserListFact.Voted));
        Assert.False(_lists.Holds(10, UserListFact.Voted));
        Assert.True(_lists.Holds(20, UserListFact.Commented, 3));
        Assert.True(_lists.Holds(20, UserListFact.Commented, 2));
        Assert.False(_lists.Holds(20, UserListFact.Commented, 4));
        Assert.True(_lists.Holds(99, UserListFact.None));
    }
}
