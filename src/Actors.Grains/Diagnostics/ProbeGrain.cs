using Actors.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Diagnostics;

public sealed class ProbeGrain : EventSourcedGrain<long, ProbeTicked>, IProbeGrain
{
    private TimeProvider _time = TimeProvider.System;

    protected override string StreamId => EventStreams.StreamOf("probe", this.GetPrimaryKeyString());

    protected override long Initial => 0;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _time = ServiceProvider.GetRequiredService<TimeProvider>();
        return base.OnActivateAsync(cancellationToken);
    }

    protected override long Evolve(long state, ProbeTicked @event) => state + 1;

    public async Task<long> Tick()
    {
        await DecideAsync(_ => new ProbeTicked(this.GetPrimaryKeyString(), _time.GetUtcNow()));
        return Version;
    }

    public Task<long> GetVersion() => Task.FromResult(Version);
}

[ImplicitStreamSubscription("probe")]
public sealed class ProbeDeliveryGrain(
    [PersistentState("delivered")] IPersistentState<Dictionary<string, long>> delivered)
    : Grain, IProbeDeliveryGrain, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    private string? _failOn;

    public Task<Dictionary<string, long>> GetDelivered() => Task.FromResult(new Dictionary<string, long>(delivered.State));

    public Task FailOn(string? streamId)
    {
        _failOn = streamId;
        return Task.CompletedTask;
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public async Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        if (item.StreamId == _failOn)
        {
            throw new InvalidOperationException($"Probe consumer told to fail on {item.StreamId}.");
        }

        // Saved before the delivery is acknowledged: what the log re-delivers after a crash is then skipped here.
        if (delivered.State.GetValueOrDefault(item.StreamId) < item.Version)
        {
            delivered.State[item.StreamId] = item.Version;
            await delivered.WriteStateAsync();
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
