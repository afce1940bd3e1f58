using Actors.EventSourcing;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Streams;

namespace Actors.Tests.EventSourcing;

/// <summary>
/// The in-memory mode's stream queues under a reader that does not keep up (its pulling agent stops reading while
/// its consumers are behind): publishers wait instead of the queue growing, and every event still arrives, in order.
/// </summary>
public class InProcessQueueBackpressureTests
{
    private const int Capacity = 4;
    private static readonly StreamId Stream = StreamId.Create("news", "42");

    private static InProcessQueueAdapterFactory Factory(TimeSpan? maxWait = null) => new(
        EventStreams.ProviderName, NullLoggerFactory.Instance,
        new InProcessQueueOptions { QueueCapacity = Capacity, MaxPublishWait = maxWait ?? TimeSpan.FromMinutes(10) });

    private static Task Publish(IQueueAdapter adapter, int n) => adapter.QueueMessageBatchAsync(Stream, [n], null, null);

    private static async Task<List<int>> Read(IQueueAdapterReceiver receiver, int max) =>
        [.. (await receiver.GetQueueMessagesAsync(max, CancellationToken.None)).SelectMany(b => b.GetEvents<int>()).Select(e => e.Item1)];

    [Fact]
    public async Task A_publisher_that_finds_the_queue_full_waits_until_the_reader_makes_room()
    {
        var factory = Factory();
        var queue = factory.GetStreamQueueMapper().GetQueueForStream(Stream);
        var receiver = factory.CreateReceiver(queue);
        for (var n = 1; n <= Capacity; n++)
        {
            await Publish(factory, n); // room: done at once
        }

        var waiting = Publish(factory, Capacity + 1);

        Assert.False(waiting.IsCompleted);
        Assert.Equal((Capacity, 1), factory.Depth(queue));

        Assert.Equal([1, 2], await Read(receiver, 2));
        await waiting;
        Assert.Equal((Capacity - 1, 0), factory.Depth(queue));
        Assert.Equal([3, 4, 5], await Read(receiver, 100));
    }

    [Fact]
    public async Task A_burst_many_times_the_capacity_never_holds_more_than_the_capacity_and_loses_nothing()
    {
        var factory = Factory();
        var queue = factory.GetStreamQueueMapper().GetQueueForStream(Stream);
        var receiver = factory.CreateReceiver(queue);
        const int burst = 1_000;

        // One publisher, like a grain: each publish awaited before the next.
        var publisher = Task.Run(async () =>
        {
            for (var n = 1; n <= burst; n++)
            {
                await Publish(factory, n);
            }
        });

        var received = new List<int>();
        while (received.Count < burst)
        {
            Assert.True(factory.Depth(queue).Queued <= Capacity);
            var read = await Read(receiver, 3); // a slow reader: a few at a time
            received.AddRange(read);
            if (read.Count == 0)
            {
                await Task.Yield();
            }
        }

        await publisher;
        Assert.Equal(Enumerable.Range(1, burst), received);
    }

    [Fact]
    public async Task Publishers_waiting_together_get_in_first_come_first_served()
    {
        var factory = Factory();
        var queue = factory.GetStreamQueueMapper().GetQueueForStream(Stream);
        var receiver = factory.CreateReceiver(queue);
        for (var n = 1; n <= Capacity; n++)
        {
            await Publish(factory, n);
        }

        var waiting = Enumerable.Range(Capacity + 1, 6).Select(n => Publish(factory, n)).ToList();
        Assert.Equal(6, factory.Depth(queue).Waiting);

        var received = new List<int>();
        while (received.Count < Capacity + 6)
        {
            received.AddRange(await Read(receiver, 1));
        }

        await Task.WhenAll(waiting);
        Assert.Equal(Enumerable.Range(1, Capacity + 6), received);
    }

    [Fact]
    public async Task A_publisher_waits_at_most_the_longest_wait_then_gets_in_over_the_bound()
    {
        // Nothing reads this queue: a consumer that publishes must never wait for ever on a queue whose own
        // consumer may be waiting for it.
        var factory = Factory(maxWait: TimeSpan.FromMilliseconds(50));
        var queue = factory.GetStreamQueueMapper().GetQueueForStream(Stream);
        for (var n = 1; n <= Capacity; n++)
        {
            await Publish(factory, n);
        }

        await Publish(factory, Capacity + 1);

        Assert.Equal((Capacity + 1, 0), factory.Depth(queue));
        Assert.Equal(Enumerable.Range(1, Capacity + 1), await Read(factory.CreateReceiver(queue), 100));
    }
}
