using Actors.Diagnostics;
using Actors.EventSourcing;
using Actors.Postgres;
using Actors.Postgres.Delivery;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Delivery;

[Collection(PostgresClusterCollection.Name)]
public class LogDeliveryTests(PostgresClusterFixture cluster)
{
    private static string NewProbe() => "p" + Guid.NewGuid().ToString("N")[..10];

    private Task<Dictionary<string, long>> DeliveredOf(string streamId) =>
        cluster.Client.GetGrain<IProbeDeliveryGrain>(EventStreams.PartitionOf(streamId).ToString(System.Globalization.CultureInfo.InvariantCulture)).GetDelivered();

    [Fact]
    public async Task In_postgres_mode_the_event_log_is_the_postgres_one()
    {
        Assert.IsType<PostgresEventLog>(cluster.SiloServices.GetRequiredService<IEventLog>());
        Assert.False(cluster.SiloServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventDeliveryOptions>>().Value.PublishAfterAppend);
    }

    [Fact]
    public async Task Appended_events_reach_stream_consumers_by_reading_the_log()
    {
        var probe = NewProbe();
        var grain = cluster.Client.GetGrain<IProbeGrain>(probe);

        for (var i = 0; i < 5; i++)
        {
            await grain.Tick();
        }

        var stream = EventStreams.StreamOf("probe", probe);
        await Eventually(async () => (await DeliveredOf(stream)).GetValueOrDefault(stream) == 5, "all five ticks delivered", TimeSpan.FromSeconds(10));
        Assert.Equal(5, (await cluster.SiloServices.GetRequiredService<IEventLog>().ReadStreamAsync(stream)).Count);
    }

    [Fact]
    public async Task Delivery_checkpoints_move_forward_as_events_are_delivered()
    {
        var checkpoints = cluster.SiloServices.GetRequiredService<DeliveryCheckpoints>();
        var log = cluster.SiloServices.GetRequiredService<PostgresEventLog>();
        // Enough events on every partition for the queue caches to report delivered buckets.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            var grain = cluster.Client.GetGrain<IProbeGrain>(NewProbe());
            for (var i = 0; i < 10; i++)
            {
                await grain.Tick();
            }
        }));

        var head = await log.ReadHeadAsync();
        await Eventually(
            async () => (await checkpoints.ListAsync()).Count(c => c.Key.StartsWith("events/partition-", StringComparison.Ordinal) && c.Value > 0) == EventStreams.Partitions,
            "every partition checkpointed", TimeSpan.FromSeconds(30));
        Assert.All((await checkpoints.ListAsync()).Where(c => c.Key.StartsWith("events/partition-", StringComparison.Ordinal)).Select(c => c.Value),
            position => Assert.InRange(position, 1, head));
    }

    [Fact]
    public async Task An_event_a_consumer_keeps_failing_on_is_parked_the_rest_goes_on_and_a_replay_delivers_it()
    {
        var parkedEvents = cluster.SiloServices.GetRequiredService<ParkedEvents>();
        var bad = NewProbe();
        var badStream = EventStreams.StreamOf("probe", bad);
        var partition = EventStreams.PartitionOf(badStream);
        var consumer = cluster.Client.GetGrain<IProbeDeliveryGrain>(partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Another probe on the same partition: its events must not wait behind the failing one.
        var good = Enumerable.Range(0, 1000).Select(_ => NewProbe()).First(p => EventStreams.PartitionOf(EventStreams.StreamOf("probe", p)) == partition);
        var goodStream = EventStreams.StreamOf("probe", good);

        await consumer.FailOn(badStream);
        await cluster.Client.GetGrain<IProbeGrain>(bad).Tick();
        await cluster.Client.GetGrain<IProbeGrain>(good).Tick();

        await Eventually(async () => (await parkedEvents.ListAsync()).Any(p => p.StreamId == badStream), "the failing event parked", TimeSpan.FromSeconds(30));
        await Eventually(async () => (await consumer.GetDelivered()).GetValueOrDefault(goodStream) == 1, "the stream went on", TimeSpan.FromSeconds(30));
        var parked = Assert.Single(await parkedEvents.ListAsync(), p => p.StreamId == badStream);
        Assert.Equal(1, parked.Version);
        Assert.Equal("probe.ticked", parked.TypeName);
        Assert.Contains("kept failing", parked.Error, StringComparison.Ordinal);
        Assert.False((await consumer.GetDelivered()).ContainsKey(badStream));

        await consumer.FailOn(null);
        Assert.Equal(1, await parkedEvents.RequestReplayAsync(parked.Id));

        await Eventually(async () => (await consumer.GetDelivered()).GetValueOrDefault(badStream) == 1, "the replay delivered", TimeSpan.FromSeconds(30));
        await Eventually(async () => (await parkedEvents.ListAsync()).All(p => p.Id != parked.Id), "the parked event marked replayed", TimeSpan.FromSeconds(30));
    }
}
