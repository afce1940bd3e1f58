using Actors.EventSourcing;
using Microsoft.Extensions.Logging;

namespace Actors.Tests.Observability;

/// <summary>A minimal event-sourced grain for testing the shell's metrics and metadata: a tally that only grows.</summary>
[Alias("actors.tests.ITallyGrain")]
public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>Adds a positive amount; 0 is already satisfied; a negative amount is rejected.</summary>
    [Alias("add")]
    Task<Rejection?> Add(int amount);
}

[GenerateSerializer, Immutable, Alias("tests.tally-added")]
public sealed record TallyAdded([property: Id(0)] int Amount);

public sealed class TallyGrain(ILogger<TallyGrain> logger) : EventSourcedGrain<int, TallyAdded>, ITallyGrain
{
    protected override string StreamId => EventStreams.StreamOf("tally", this.GetPrimaryKeyString());

    protected override int Initial => 0;

    protected override int Evolve(int state, TallyAdded @event) => state + @event.Amount;

    public async Task<Rejection?> Add(int amount)
    {
        logger.LogInformation("Adding {Amount} to tally {Tally}", amount, this.GetPrimaryKeyString());
        var (rejection, _) = await DecideAsync(_ => amount switch
        {
            < 0 => Decision<TallyAdded>.Reject("tally.negative", "A tally only grows."),
            0 => Decision<TallyAdded>.AlreadyDone,
            _ => new TallyAdded(amount),
        });
        return rejection;
    }
}

/// <summary>A stream consumer of the tally events: what a projection looks like to the delivery-lag metric.</summary>
[ImplicitStreamSubscription("tally")]
public sealed class TallyWatcherGrain : Grain, IGrainWithStringKey, Orleans.Streams.Core.IStreamSubscriptionObserver, Orleans.Streams.IAsyncObserver<RecordedEvent>
{
    public async Task OnSubscribed(Orleans.Streams.Core.IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public Task OnNextAsync(RecordedEvent item, Orleans.Streams.StreamSequenceToken? token = null) => Task.CompletedTask;

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
