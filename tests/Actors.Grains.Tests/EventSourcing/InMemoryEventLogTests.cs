using Actors.EventSourcing;

namespace Actors.Tests.EventSourcing;

public class InMemoryEventLogTests
{
    private readonly InMemoryEventLog _log = new(TimeProvider.System);

    [Fact]
    public async Task Appending_at_the_expected_version_numbers_events_in_the_stream_and_in_the_log()
    {
        await _log.AppendAsync("a-1", 0, ["x", "y"], EventMetadata.None);
        var recorded = await _log.AppendAsync("b-1", 0, ["z"], new EventMetadata("corr", "cause"));

        Assert.Equal(1, recorded[0].Version);
        Assert.Equal(3, recorded[0].Position);
        Assert.Equal("corr", recorded[0].CorrelationId);
        Assert.Equal(["x", "y"], (await _log.ReadStreamAsync("a-1")).Select(e => (string)e.Data));
    }

    [Fact]
    public async Task Appending_at_a_stale_version_is_refused_and_writes_nothing()
    {
        await _log.AppendAsync("a-1", 0, ["x"], EventMetadata.None);

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => _log.AppendAsync("a-1", 0, ["y"], EventMetadata.None));

        Assert.Equal(1, error.ActualVersion);
        Assert.Single(await _log.ReadStreamAsync("a-1"));
    }

    [Fact]
    public async Task Reading_all_by_category_follows_positions()
    {
        await _log.AppendAsync("a-1", 0, ["x"], EventMetadata.None);
        await _log.AppendAsync("b-1", 0, ["y"], EventMetadata.None);
        await _log.AppendAsync("a-2", 0, ["z"], EventMetadata.None);

        var page = await _log.ReadAllAsync(1, 10, "a");

        Assert.Equal([3L], page.Select(e => e.Position));
    }

    [Fact]
    public async Task Every_event_gets_its_own_id_and_another_log_other_ids()
    {
        await _log.AppendAsync("a-1", 0, ["x", "y"], EventMetadata.None);
        await _log.AppendAsync("b-1", 0, ["z"], EventMetadata.None);
        var other = new InMemoryEventLog(TimeProvider.System);
        await other.AppendAsync("a-1", 0, ["x", "y"], EventMetadata.None);

        var ids = (await _log.ReadAllAsync(0, 10)).Select(e => e.EventId).ToList();
        var otherIds = (await other.ReadAllAsync(0, 10)).Select(e => e.EventId).ToList();

        Assert.Equal(3, ids.Distinct().Count());
        Assert.DoesNotContain(Guid.Empty, ids);
        Assert.Empty(ids.Intersect(otherIds));
    }
}
