using System.Globalization;
using Actors.EventSourcing;
using Actors.Flows;
using Actors.News;
using Actors.Tests.News;

namespace Actors.Tests.Flows;

/// <summary>
/// The windowed views live: votes and comments through the grains reach the shards by delivery (awaited by polling the
/// view, no sleeps), the merged top list ranks by activity, the activity series counts votes per minute, and a late
/// event is kept out of its closed windows while one within grace updates them.
/// </summary>
[Collection(ClusterCollection.Name)]
public class WindowedViewsTests(ClusterFixture fixture) : NewsGrainTestBase(fixture)
{
    private readonly CapturedLogs _logs = fixture.Logs;

    private IWindowViewGrain Trending => Grains.GetGrain<IWindowViewGrain>(NewsWindows.TrendingName);

    private IWindowViewGrain Activity => Grains.GetGrain<IWindowViewGrain>(NewsWindows.ActivityName);

    [Fact]
    public async Task Given_votes_and_comments_when_they_are_delivered_then_trending_ranks_the_news_by_that_activity()
    {
        var author = await NewUser();
        var quiet = await Submit(author);
        var busy = await Submit(await NewUser());
        foreach (var voter in new[] { await NewUser(), await NewUser() })
        {
            Assert.Null((await News(busy).Vote(voter, VoteDirection.Up)).Rejection);
        }

        Assert.Null((await News(busy).PostComment(author, -1, "A comment")).Rejection);
        Assert.Null((await News(quiet).Vote(await NewUser(), VoteDirection.Up)).Rejection);

        var top = await Polling.Eventually(
            () => Trending.Top(1000, []),
            t => ActivityOf(t, busy) == 3 && ActivityOf(t, quiet) == 1,
            "both news' activity reaches the trending view",
            TimeSpan.FromSeconds(20));

        var ids = top.Ranks.Select(r => r.Key).ToList();
        Assert.True(ids.IndexOf(busy) < ids.IndexOf(quiet), "the busier news ranks first");
        Assert.Equal(top.Ranks.OrderByDescending(r => r.Value).ThenByDescending(r => r.Key), top.Ranks);
        Assert.Equal(new DateTimeOffset(Clock.GetUtcNow().Ticks - (Clock.GetUtcNow().Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1).ToUnixTimeMilliseconds(), top.End);
    }

    [Fact]
    public async Task Given_votes_in_two_minutes_when_the_activity_series_is_read_then_it_has_one_count_per_minute_over_a_day()
    {
        var id = await Submit(await NewUser());
        Assert.Null((await News(id).Vote(await NewUser(), VoteDirection.Up)).Rejection);
        Assert.Null((await News(id).Vote(await NewUser(), VoteDirection.Up)).Rejection);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null((await News(id).Vote(await NewUser(), VoteDirection.Up)).Rejection);

        var series = await Polling.Eventually(() => Activity.Series(id), s => s.Values.Sum() == 3, "the votes reach the activity view", TimeSpan.FromSeconds(20));

        Assert.Equal(1440, series.Values.Length);
        Assert.Equal(60_000, series.Step);
        Assert.Equal([2, 1], series.Values[^2..]);
        Assert.Equal(0, series.Values[..^2].Sum());
    }

    [Fact]
    public async Task Given_a_late_event_when_it_reaches_its_shard_then_within_grace_it_updates_the_open_windows_and_beyond_grace_it_is_kept_out()
    {
        // A news of the test's own (no grain writes it), so its times are the test's: events handed to the shard as a
        // delivery would hand them.
        var newsId = 900_000_000L + Random.Shared.Next(1_000_000);
        var stream = EventStreams.StreamOf(NewsStreams.Category, newsId.ToString(CultureInfo.InvariantCulture));
        var shard = Grains.GetGrain<IWindowShardGrain>(EventStreams.PartitionOf(stream).ToString(CultureInfo.InvariantCulture));
        var now = Clock.GetUtcNow();
        var minute = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMinute));
        var end = minute.AddMinutes(1).ToUnixTimeMilliseconds(); // the open window: [minute - 59, minute + 1)
        var lateBefore = await shard.LateEvents(NewsWindows.TrendingName);
        RecordedEvent Vote(long version, DateTimeOffset at) =>
            new(stream, version, 0, Guid.NewGuid(), now, null, null, new NewsUpvoted(newsId, 10 + version, 2, 1, at));

        var first = await shard.Top(NewsWindows.TrendingName, end, 10_000, [Vote(1, minute.AddSeconds(30))]);
        Assert.Equal(1, ValueOf(first.Ranks, newsId));

        // Stream time moves 3 minutes on; then an event of 2.5 minutes ago arrives: its windows ending before
        // stream time - grace are closed, the later ones (the open one among them) take it.
        var later = minute.AddMinutes(3).AddSeconds(30);
        var afterLate = await shard.Top(NewsWindows.TrendingName, end + 180_000, 10_000, [Vote(2, later), Vote(3, minute.AddSeconds(50))]);
        Assert.Equal(3, ValueOf(afterLate.Ranks, newsId));
        Assert.Equal(lateBefore + 1, await shard.LateEvents(NewsWindows.TrendingName));

        // An event older than stream time by more than the window and grace: in no open window, kept out of all.
        var beyond = await shard.Top(NewsWindows.TrendingName, end + 180_000, 10_000, [Vote(4, minute.AddMinutes(-70))]);
        Assert.Equal(3, ValueOf(beyond.Ranks, newsId));
        Assert.Equal(lateBefore + 2, await shard.LateEvents(NewsWindows.TrendingName));

        // Repeated (at-least-once): nothing changes.
        var repeated = await shard.Top(NewsWindows.TrendingName, end + 180_000, 10_000, [Vote(2, later), Vote(3, minute.AddSeconds(50))]);
        Assert.Equal(3, ValueOf(repeated.Ranks, newsId));
        Assert.Contains(_logs.Entries, e => e.Message.Contains($"{stream}/4", StringComparison.Ordinal) && e.Message.Contains("late", StringComparison.Ordinal));
    }

    private static long ActivityOf(WindowTop top, long id) => ValueOf(top.Ranks, id);

    private static long ValueOf(IReadOnlyList<WindowRank> ranks, long id) => ranks.FirstOrDefault(r => r.Key == id).Value;
}
