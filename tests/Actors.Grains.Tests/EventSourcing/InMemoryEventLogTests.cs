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
    public async Task An_atomic_append_writes_every_stream_at_consecutive_positions()
    {
        await _log.AppendAsync("a-1", 0, ["x"], EventMetadata.None);

        var recorded = await _log.AppendAtomicallyAsync(
            [new StreamAppend("t-1", 0, ["r", "c"], EventMetadata.None), new StreamAppend("a-1", 1, ["d"], new EventMetadata(null, "t-1"))]);

        Assert.Equal([[1L, 2L], [2L]], recorded.Select(r => r.Select(e => e.Version).ToArray()));
        Assert.Equal([2L, 3L, 4L], recorded.SelectMany(r => r).Select(e => e.Position));
        Assert.Equal("t-1", (await _log.ReadStreamAsync("a-1"))[^1].CausationId);
    }

    [Fact]
    public async Task An_atomic_append_with_one_stream_moved_on_writes_nothing_and_names_that_stream()
    {
        await _log.AppendAsync("a-1", 0, ["x"], EventMetadata.None);

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => _log.AppendAtomicallyAsync(
            [new StreamAppend("t-1", 0, ["r"], EventMetadata.None), new StreamAppend("a-1", 0, ["d"], EventMetadata.None)]));

        Assert.Equal(("a-1", 1L), (error.StreamId, error.ActualVersion));
        Assert.Empty(await _log.ReadStreamAsync("t-1"));
        Assert.Single(await _log.ReadAllAsync(0, 10));
    }

    [Fact]
    public async Task An_atomic_append_naming_a_stream_twice_is_refused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _log.AppendAtomicallyAsync(
            [new StreamAppend("a-1", 0, ["x"], EventMetadata.None), new StreamAppend("a-1", 1, ["y"], EventMetadata.None)]));

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
    public async Task Reading_one_partition_of_a_category_gives_its_events_in_position_order_page_by_page()
    {
        for (var i = 1; i <= 40; i++)
        {
            await _log.AppendAsync($"a-{i}", 0, ["x", "y"], EventMetadata.None);
            await _log.AppendAsync($"b-{i}", 0, ["z"], EventMetadata.None);
        }

        var partition = EventStreams.PartitionOf("a-1");
        var expected = (await _log.ReadAllAsync(0, 1000, "a")).Where(e => EventStreams.PartitionOf(e.StreamId) == partition).ToList();

        Assert.Equal(expected.Select(e => e.Position), await ReadInPages(_log, partition));
        Assert.Equal(expected.Select(e => e.Position), await ReadInPages(new Wrapped(_log), partition)); // the interface's default
    }

    private static async Task<List<long>> ReadInPages(IEventLog log, int partition)
    {
        var positions = new List<long>();
        long after = 0;
        while (true)
        {
            var page = await log.ReadCategoryPartitionAsync("a", partition, after, 3);
            positions.AddRange(page.Select(e => e.Position));
            if (page.Count < 3)
            {
                return positions;
            }

            after = page[^1].Position;
        }
    }

    /// <summary>A log that implements only the required members, so the default partition read is the one used.</summary>
    private sealed class Wrapped(IEventLog inner) : IEventLog
    {
        public Task<IReadOnlyList<RecordedEvent>> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(streamId, expectedVersion, events, metadata, cancellationToken);

        public Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendAtomicallyAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
            inner.AppendAtomicallyAsync(appends, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default) =>
            inner.ReadStreamAsync(streamId, afterVersion, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default) =>
            inner.ReadAllAsync(afterPosition, maxCount, category, cancellationToken);
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

    [Fact]
    public async Task Interleaved_streams_read_back_in_order_with_their_own_metadata_and_times()
    {
        // More events than one storage chunk (1,024), three streams of two categories taking turns.
        for (var i = 0; i < 1500; i++)
        {
            var stream = (i % 3) switch { 0 => "a-1", 1 => "b-1", _ => "a-2" };
            await _log.AppendAsync(stream, i / 3, [$"{stream}:{i / 3}"], i % 2 == 0 ? EventMetadata.None : new EventMetadata($"c{i}", $"k{i}"));
        }

        var tail = await _log.ReadStreamAsync("b-1", 497);
        var all = await _log.ReadAllAsync(0, 2000);

        Assert.Equal(["b-1:497", "b-1:498", "b-1:499"], tail.Select(e => (string)e.Data));
        Assert.Equal([498L, 499L, 500L], tail.Select(e => e.Version));
        Assert.Equal([1493L, 1496L, 1499L], tail.Select(e => e.Position));
        Assert.Equal(Enumerable.Range(1, 1500).Select(p => (long)p), all.Select(e => e.Position));
        Assert.All(all, e => Assert.Equal(e.Position % 2 == 0 ? ($"c{e.Position - 1}", $"k{e.Position - 1}") : (null, null), (e.CorrelationId, e.CausationId)));
        Assert.Equal(all, await _log.ReadAllAsync(0, 2000)); // the same events, times included, on every read
        Assert.Equal(all.Where(e => e.StreamId == "a-2"), await _log.ReadStreamAsync("a-2"));
    }

    [Fact]
    public async Task Reading_a_category_from_the_middle_returns_its_events_after_that_position_up_to_the_count()
    {
        for (var i = 0; i < 3000; i++)
        {
            await _log.AppendAsync(i % 4 == 0 ? $"news-{i}" : $"users-{i}", 0, [i], EventMetadata.None);
        }

        var page = await _log.ReadAllAsync(2001, 5, "news");

        Assert.Equal([2005L, 2009L, 2013L, 2017L, 2021L], page.Select(e => e.Position));
        Assert.Empty(await _log.ReadAllAsync(3000, 5, "news"));
        Assert.Empty(await _log.ReadAllAsync(0, 5, "accounts"));
        Assert.Equal(750, (await _log.ReadAllAsync(0, 10_000, "news")).Count);
    }
}
