using System.Collections.Concurrent;
using Actors.EventSourcing;
using Actors.Observability;
using Actors.Tests.Observability;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Tests.EventSourcing;

/// <summary>
/// A test-only consumer of the tally events that fails on a marked event (an amount of 13 on a tally whose key starts
/// with <c>flaky-</c>) until the test "fixes" it for that tally: a consumer with a bug, as the delivery sees it.
/// It records what it applied, so a test sees the rest of the stream flow on.
/// </summary>
[ImplicitStreamSubscription("tally")]
public sealed class FlakyTallyConsumerGrain : Grain, IGrainWithStringKey, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    public const int Marked = 13;

    /// <summary>Tally streams whose marked events no longer fail.</summary>
    public static readonly ConcurrentDictionary<string, bool> Fixed = new(StringComparer.Ordinal);

    /// <summary>(stream, version) of every event applied.</summary>
    public static readonly ConcurrentDictionary<(string Stream, long Version), bool> Applied = new();

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        if (item.Data is TallyAdded { Amount: Marked } && EventStreams.IdOf(item.StreamId).StartsWith("flaky-", StringComparison.Ordinal)
            && !Fixed.ContainsKey(item.StreamId))
        {
            throw new InvalidOperationException($"The flaky consumer cannot take {item.StreamId} v{item.Version}.");
        }

        Applied[(item.StreamId, item.Version)] = true;
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>A cluster whose pulling agents give up on a failing delivery after one second (20 s by default).</summary>
public sealed class ParkingClusterFixture : ClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.Configure<StreamPullingAgentOptions>(EventStreams.ProviderName, o => o.MaxEventDeliveryTime = TimeSpan.FromSeconds(1));
}

[CollectionDefinition(Name)]
public sealed class ParkingCollection : ICollectionFixture<ParkingClusterFixture>
{
    public const string Name = "parking";
}

[Collection(ParkingCollection.Name)]
public sealed class ParkingTests(ParkingClusterFixture fixture)
{
    private IParkedEventStore Parked => fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IParkedEventStore>();

    private FlowReport Flows => fixture.Cluster.GetSiloServiceProvider().GetRequiredService<FlowReport>();

    private const string Consumer = "flakytallyconsumer";

    [Fact]
    public async Task Given_a_consumer_that_keeps_failing_on_an_event_in_memory_mode_When_delivery_gives_up_Then_the_event_is_parked_for_that_consumer_and_the_rest_of_the_stream_flows_on()
    {
        var key = $"flaky-{Guid.NewGuid():N}";
        var stream = EventStreams.StreamOf("tally", key);
        var tally = fixture.Client.GetGrain<ITallyGrain>(key);

        await tally.Add(FlakyTallyConsumerGrain.Marked);
        var parked = await Eventually(
            async () => (await Parked.ListAsync()).SingleOrDefault(p => p.StreamId == stream),
            p => p is not null, "the marked event is parked", TimeSpan.FromSeconds(30));

        Assert.Equal(Consumer, parked!.Consumer);
        Assert.Equal(1, parked.Version);
        Assert.Equal("tests.tally-added", parked.TypeName);
        Assert.Contains("The flaky consumer cannot take", parked.Error);
        Assert.False(FlakyTallyConsumerGrain.Applied.ContainsKey((stream, 1)));

        await tally.Add(1);
        await Eventually(() => Task.FromResult(FlakyTallyConsumerGrain.Applied.ContainsKey((stream, 2))), "the next event reaches the consumer");
        Assert.False(FlakyTallyConsumerGrain.Applied.ContainsKey((stream, 1)));
    }

    [Fact]
    public async Task Given_a_parked_event_and_the_consumer_fixed_When_it_is_replayed_Then_the_consumer_applies_it_and_it_leaves_the_waiting_list()
    {
        var key = $"flaky-{Guid.NewGuid():N}";
        var stream = EventStreams.StreamOf("tally", key);
        await fixture.Client.GetGrain<ITallyGrain>(key).Add(FlakyTallyConsumerGrain.Marked);
        var parked = await Eventually(
            async () => (await Parked.ListAsync()).SingleOrDefault(p => p.StreamId == stream),
            p => p is not null, "the marked event is parked", TimeSpan.FromSeconds(30));

        FlakyTallyConsumerGrain.Fixed[stream] = true;
        Assert.Equal(1, await Parked.RequestReplayAsync(parked!.Id));

        await Eventually(() => Task.FromResult(FlakyTallyConsumerGrain.Applied.ContainsKey((stream, 1))), "the replayed event is applied");
        Assert.DoesNotContain(await Parked.ListAsync(), p => p.Id == parked.Id);
        var replayed = Assert.Single(await Parked.ListAsync(includeReplayed: true), p => p.Id == parked.Id);
        Assert.NotNull(replayed.ReplayedAt);
        Assert.Equal(0, await Parked.RequestReplayAsync(parked.Id));
    }

    [Fact]
    public async Task Given_a_parked_event_When_it_is_replayed_and_the_consumer_still_fails_Then_it_is_parked_again()
    {
        var key = $"flaky-{Guid.NewGuid():N}";
        var stream = EventStreams.StreamOf("tally", key);
        await fixture.Client.GetGrain<ITallyGrain>(key).Add(FlakyTallyConsumerGrain.Marked);
        var parked = await Eventually(
            async () => (await Parked.ListAsync()).SingleOrDefault(p => p.StreamId == stream),
            p => p is not null, "the marked event is parked", TimeSpan.FromSeconds(30));

        await Parked.RequestReplayAsync(parked!.Id);

        var again = await Eventually(
            async () => (await Parked.ListAsync()).SingleOrDefault(p => p.StreamId == stream),
            p => p is not null, "the replayed event is parked again", TimeSpan.FromSeconds(30));
        Assert.Equal(parked.Id, again!.Id);
        Assert.Null(again.ReplayedAt);
    }

    [Fact]
    public async Task Given_the_consumers_registered_When_the_flow_report_is_read_Then_it_lists_each_implicit_subscriber_with_its_categories_position_and_parked_count()
    {
        var key = $"flaky-{Guid.NewGuid():N}";
        var stream = EventStreams.StreamOf("tally", key);
        await fixture.Client.GetGrain<ITallyGrain>(key).Add(FlakyTallyConsumerGrain.Marked);
        await Eventually(async () => (await Parked.ListAsync()).Any(p => p.StreamId == stream), "the marked event is parked", TimeSpan.FromSeconds(30));
        await fixture.Client.GetGrain<ITallyGrain>(key).Add(2);
        await Eventually(() => Task.FromResult(FlakyTallyConsumerGrain.Applied.ContainsKey((stream, 2))), "the next event is applied");

        var snapshot = await Flows.SnapshotAsync();

        var names = snapshot.Consumers.Select(c => c.Flow.Name).ToList();
        Assert.Contains("newsrankingfeed", names);
        Assert.Contains("newsactivityfeed", names);
        Assert.Contains("accounteventsconsumer", names);
        Assert.Contains("userdirectory", names);
        var flaky = Assert.Single(snapshot.Consumers, c => c.Flow.Name == Consumer);
        Assert.Equal(["tally"], flaky.Flow.Categories);
        Assert.Contains(nameof(FlakyTallyConsumerGrain), flaky.Flow.Kind);
        Assert.True(flaky.Parked >= 1);
        Assert.True(flaky.Flow.Position > 0);
        Assert.True(flaky.Flow.Applied > 0);
        Assert.Contains(snapshot.Parked, p => p.StreamId == stream);
    }
}
