using System.Diagnostics;
using System.Runtime.CompilerServices;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Actors.EventSourcing;

/// <summary>
/// The shell around a decider: load the stream, decide, append at the expected version, evolve, reply.
/// Orleans runs one command at a time per activation, so the state a decision reads is the state it appends on.
/// </summary>
public abstract class EventSourcedGrain<TState, TEvent> : Grain
    where TEvent : class
{
    private IEventLog _log = null!;
    private EventDeliveryOptions _delivery = null!;

    /// <summary>The current state: the fold of every event of the stream.</summary>
    protected TState State { get; private set; } = default!;

    /// <summary>The number of events in the stream (0 = nothing happened yet).</summary>
    protected long Version { get; private set; }

    /// <summary>Global position of the last event this activation appended or read.</summary>
    protected long Position { get; private set; }

    /// <summary>
    /// True once an append found that another activation wrote this stream first: this activation's state is behind
    /// the log and it is deactivating. It must not act on its state any more (the next activation reloads).
    /// </summary>
    protected bool IsStale { get; private set; }

    /// <summary>The log stream of this aggregate, e.g. <c>news-42</c>.</summary>
    protected abstract string StreamId { get; }

    protected abstract TState Initial { get; }

    protected abstract TState Evolve(TState state, TEvent @event);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _log = ServiceProvider.GetRequiredService<IEventLog>();
        _delivery = ServiceProvider.GetRequiredService<IOptions<EventDeliveryOptions>>().Value;
        State = Initial;
        Version = 0;
        foreach (var e in await _log.ReadStreamAsync(StreamId, 0, cancellationToken))
        {
            State = Evolve(State, (TEvent)e.Data);
            Version = e.Version;
            Position = e.Position;
        }

        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="decide"/> on the current state and, when it accepts, appends and applies its events.
    /// Returns the rejection, if any, and the recorded events (empty when the command was already satisfied).
    /// </summary>
    /// <param name="command">
    /// The command's name in metrics (a small, fixed set: e.g. <c>command.GetType().Name</c>); by default the calling
    /// grain method's name.
    /// </param>
    protected async Task<(Rejection? Rejection, IReadOnlyList<RecordedEvent> Events)> DecideAsync(
        Func<TState, Decision<TEvent>> decide, string? causationId = null, [CallerMemberName] string command = "")
    {
        var decision = decide(State);
        var outcome = decision.Rejection is not null ? "rejected" : decision.Events.Count == 0 ? "unchanged" : "accepted";
        ActorsMetrics.RecordDecision(GetType().Name, command, outcome, decision.Rejection);
        if (decision.Rejection is { } rejection)
        {
            return (rejection, []);
        }

        return (null, await AppendAsync(decision.Events, causationId));
    }

    /// <summary>Appends <paramref name="events"/> at the current version, applies them and delivers them to streams.</summary>
    protected async Task<IReadOnlyList<RecordedEvent>> AppendAsync(IReadOnlyList<TEvent> events, string? causationId = null)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var metadata = new EventMetadata(RequestContext.Get(RequestContextKeys.CorrelationId) as string, causationId);
        IReadOnlyList<RecordedEvent> recorded;
        var started = Stopwatch.GetTimestamp();
        try
        {
            recorded = await _log.AppendAsync(StreamId, Version, events, metadata);
        }
        catch (WrongExpectedVersionException)
        {
            // Another activation of this aggregate wrote first (a split brain after a silo failure). Our state is
            // stale: never overwrite; drop this activation so the next command reloads from the log.
            IsStale = true;
            DeactivateOnIdle();
            throw;
        }

        ActorsMetrics.RecordAppended(recorded, started);
        foreach (var e in recorded)
        {
            State = Evolve(State, (TEvent)e.Data);
        }

        Version = recorded[^1].Version;
        Position = recorded[^1].Position;

        if (_delivery.PublishAfterAppend)
        {
            // Only in the in-memory mode: the log is in this process, so a crash loses log and queue together.
            // Durable modes deliver by reading the log instead (no dual write).
            var provider = this.GetStreamProvider(EventStreams.ProviderName);
            var stream = provider.GetStream<RecordedEvent>(EventStreams.OrleansStreamOf(StreamId));
            foreach (var e in recorded)
            {
                await stream.OnNextAsync(e);
            }
        }

        return recorded;
    }
}

/// <summary>How appended events reach the Orleans streams.</summary>
public sealed class EventDeliveryOptions
{
    /// <summary>True when grains publish to the stream provider right after appending (in-memory mode only).</summary>
    public bool PublishAfterAppend { get; set; } = true;
}
