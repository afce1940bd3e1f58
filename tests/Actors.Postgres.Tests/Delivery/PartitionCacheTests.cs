using Actors.EventSourcing;
using Actors.Postgres;
using Actors.Postgres.Delivery;
using Actors.Tests.EventLog;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Streams;

namespace Actors.Tests.Delivery;

/// <summary>
/// The delivery queue of one log partition driven step by step as Orleans' pulling agent drives it (read, cache,
/// consumer cursors, release, checkpoint), on a real event log: which events a slow consumer holds back.
/// </summary>
[Collection(PostgresCollection.Name)]
public class PartitionCacheTests(PostgresFixture postgres)
{
    private const string Provider = "events";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_slow_consumer_holds_back_only_its_own_stream_and_the_checkpoint_stays_below_what_it_has_not_passed()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        var (slow, fast, partition) = TwoStreamsOnOnePartition();
        await log.AppendAsync(fast, 0, [new Counted(1, "f"), new Counted(2, "f")], EventMetadata.None);
        var slowFirst = (await log.AppendAsync(slow, 0, [new Counted(1, "s")], EventMetadata.None))[0];
        await log.AppendAsync(fast, 2, [new Counted(3, "f"), new Counted(4, "f")], EventMetadata.None);
        var last = (await log.AppendAsync(slow, 1, [new Counted(2, "s")], EventMetadata.None))[0];

        var checkpoints = new DeliveryCheckpoints(dataSource);
        var (receiver, cache) = await OpenQueueAsync(log, dataSource, partition);
        var read = await receiver.GetQueueMessagesAsync(100, CancellationToken.None);
        Assert.Equal(6, read.Count);
        cache.AddToCache(read);
        var slowCursor = cache.TryGetCacheCursor(EventStreams.OrleansStreamOf(slow), read[0].SequenceToken).Cursor!;
        var fastCursor = cache.TryGetCacheCursor(EventStreams.OrleansStreamOf(fast), read[0].SequenceToken).Cursor!;

        // The slow consumer is busy with its first event; the fast one takes all of its own, in order.
        Assert.True(slowCursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success);
        Assert.Equal(slowFirst.Position, EventOf(slowCursor).Position);
        var fastVersions = new List<long>();
        while (fastCursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success)
        {
            fastVersions.Add(EventOf(fastCursor).Version);
        }

        Assert.Equal([1L, 2L, 3L, 4L], fastVersions);
        Assert.True(cache.TryPurgeFromCache(out var released));
        Assert.All(released, e => Assert.Equal(fast, ((LogBatchContainer)e).Event.StreamId));
        Assert.Equal(4, released.Count);
        Assert.False(cache.IsUnderPressure());

        // Released out of log order: the checkpoint stops below the event the slow consumer has not passed.
        await receiver.MessagesDeliveredAsync(released, CancellationToken.None);
        Assert.Equal(slowFirst.Position - 1, await checkpoints.ReadAsync(CheckpointName(partition)));

        Assert.True(slowCursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success);
        Assert.Equal(2, EventOf(slowCursor).Version);
        Assert.False(slowCursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success);
        Assert.True(cache.TryPurgeFromCache(out var rest));
        Assert.Equal(2, rest.Count);
        await receiver.MessagesDeliveredAsync(rest, CancellationToken.None);
        // A stopping queue records everything delivered (the periodic write may still be held back).
        await receiver.Shutdown(Timeout);
        Assert.Equal(last.Position, await checkpoints.ReadAsync(CheckpointName(partition)));
    }

    [Fact]
    public async Task The_queue_stops_reading_when_one_streams_backlog_fills_the_cache_and_goes_on_once_its_consumer_passes_it()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        var (slow, fast, partition) = TwoStreamsOnOnePartition();
        const int backlog = 8192;
        await log.AppendAsync(slow, 0, Enumerable.Range(1, backlog).Select(i => (object)new Counted(i, "s")).ToList(), EventMetadata.None);
        await log.AppendAsync(fast, 0, [new Counted(1, "f")], EventMetadata.None);

        var (receiver, cache) = await OpenQueueAsync(log, dataSource, partition);
        IQueueCacheCursor? slowCursor = null;
        var read = 0;
        while (!cache.IsUnderPressure())
        {
            var batch = await receiver.GetQueueMessagesAsync(cache.GetMaxAddCount(), CancellationToken.None);
            Assert.NotEmpty(batch);
            cache.AddToCache(batch);
            slowCursor ??= cache.TryGetCacheCursor(EventStreams.OrleansStreamOf(slow), batch[0].SequenceToken).Cursor!;
            read += batch.Count;
        }

        // Full at exactly the slow stream's backlog: the fast stream's event was not read yet.
        Assert.Equal(backlog, read);
        Assert.NotNull(slowCursor);
        Assert.True(slowCursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success);
        Assert.False(cache.TryPurgeFromCache(out var nothing), $"released {nothing?.Count} events its consumer has not passed");
        Assert.True(cache.IsUnderPressure());

        while (slowCursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success)
        {
        }

        Assert.True(cache.TryPurgeFromCache(out var released));
        Assert.Equal(backlog, released.Count);
        Assert.False(cache.IsUnderPressure());
        var next = await receiver.GetQueueMessagesAsync(cache.GetMaxAddCount(), CancellationToken.None);
        Assert.Equal(fast, ((LogBatchContainer)Assert.Single(next)).Event.StreamId);
    }

    private static RecordedEvent EventOf(IQueueCacheCursor cursor) => ((LogBatchContainer)cursor.GetCurrent(out _)!).Event;

    private static string CheckpointName(int partition) => DeliveryCheckpoints.QueueName(Provider, partition);

    /// <summary>A stream of category "slow" and one of category "fast" that share a delivery partition.</summary>
    private static (string Slow, string Fast, int Partition) TwoStreamsOnOnePartition()
    {
        var slow = EventStreams.StreamOf("slow", Guid.NewGuid().ToString("N"));
        var partition = EventStreams.PartitionOf(slow);
        var fast = Enumerable.Range(0, 1000).Select(_ => EventStreams.StreamOf("fast", Guid.NewGuid().ToString("N")))
            .First(s => EventStreams.PartitionOf(s) == partition);
        return (slow, fast, partition);
    }

    private static async Task<(IQueueAdapterReceiver Receiver, IQueueCache Cache)> OpenQueueAsync(PostgresEventLog log, NpgsqlDataSource dataSource, int partition)
    {
        var factory = new LogQueueAdapterFactory(Provider, log, new DeliveryCheckpoints(dataSource), new ParkedEvents(dataSource), NullLoggerFactory.Instance);
        var queue = factory.GetStreamQueueMapper().GetAllQueues().Single(q => q.GetNumericId() == partition);
        var receiver = factory.CreateReceiver(queue);
        await receiver.Initialize(Timeout);
        return (receiver, factory.GetQueueAdapterCache().CreateQueueCache(queue));
    }
}
