using Actors.EventSourcing;
using Actors.Users;

namespace Actors.Tests.EventSourcing;

public class EventTypeFilterTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly StreamId Stream = StreamId.Create("users", "0");
    private readonly EventTypeFilter _filter = new();

    [Fact]
    public void A_subscription_that_names_event_types_is_delivered_those_and_no_others()
    {
        var followed = EventTypeFilter.Only(typeof(UserAuthTokenRotated), typeof(UserPasswordChanged));

        Assert.True(_filter.ShouldDeliver(Stream, Recorded(new UserAuthTokenRotated(7, "t", At)), followed));
        Assert.True(_filter.ShouldDeliver(Stream, Recorded(new UserPasswordChanged(7, "h", At)), followed));
        Assert.False(_filter.ShouldDeliver(Stream, Recorded(new UserKarmaSpent(7, 1, "vote", At)), followed));
        Assert.False(_filter.ShouldDeliver(Stream, "not a recorded event", followed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("something else")]
    public void A_subscription_without_event_types_is_delivered_everything(string? filterData)
    {
        Assert.True(_filter.ShouldDeliver(Stream, Recorded(new UserKarmaSpent(7, 1, "vote", At)), filterData));
        Assert.True(_filter.ShouldDeliver(Stream, "anything", filterData));
    }

    [Fact]
    public void Event_types_are_named_by_their_stable_alias()
    {
        Assert.Equal("types:users.auth-token-rotated,users.karma-spent", EventTypeFilter.Only(typeof(UserAuthTokenRotated), typeof(UserKarmaSpent)));
    }

    private static RecordedEvent Recorded(object data) => new("users-7", 1, 1, Guid.NewGuid(), At, null, null, data);
}
