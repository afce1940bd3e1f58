using System.Diagnostics;
using System.Runtime.CompilerServices;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Actors.EventSourcing;

/// <summary>
/// The shell around a decider, in the architecture's five steps: load the stream (or a snapshot and the events after
/// it) on activation; then, per command, decide on the state, append the events at the version the decision was made
/// on, evolve the state with what the log recorded, and reply. Orleans runs one command at a time per activation, so
/// the state a decision reads is the state it appends on. A grain writes <see cref="StreamId"/>, <see cref="Initial"/>
/// and <see cref="Evolve"/>, and calls <see cref="DecideAsync"/> from each command method; that is all.
/// Aggregates whose events are sometimes appended in one commit with other streams' derive from
/// <see cref="MultiStreamGrain{TState,TEvent}"/> instead.
/// </summary>
public abstract class EventSourcedGrain<TState, TEvent> : Grain
    where TEvent : class
{
    private const int MaxCatchUps = 3;
    private InProcessQueueAdapterFactory? _queues; // the in-memory mode's queues, published to after each append
    private SnapshotKeeper<TState>? _snapshots;

    /// <summary>The current state: the fold of every event of the stream.</summary>
    protected TState State { get; private set; } = default!;

    /// <summary>The number of events in the stream (0 = nothing happened yet).</summary>
    protected long Version { get; private set; }

    /// <summary>Global position of the last event this activation appended or read.</summary>
    protected long Position { get; private set; }

    /// <summary>The log stream of this aggregate, e.g. <c>news-42</c>.</summary>
    protected abstract string StreamId { get; }

    protected abstract TState Initial { get; }

    protected abstract TState Evolve(TState state, TEvent @event);

    /// <summary>
    /// Every how many events a snapshot of the state is stored (0, the default: never). Worth it for streams that grow
    /// long; the state must then round-trip through System.Text.Json (records with public constructors do).
    /// </summary>
    protected virtual int SnapshotEvery => 0;

    /// <summary>
    /// The name of the state's layout in snapshots. Change it whenever <typeparamref name="TState"/> changes in a way an
    /// older snapshot would be read wrongly (a field added, removed or changing meaning): older snapshots are then
    /// ignored and the stream is folded from its first event.
    /// </summary>
    protected virtual string SnapshotShape => typeof(TState).FullName ?? typeof(TState).Name;

    /// <summary>
    /// Whether an append that finds the stream moved on catches up from the log and decides again (up to three
    /// times) instead of giving the activation up as stale; a refusal, which appends nothing and so cannot find out,
    /// first checks the log for newer events (one read, only on the rare refusals). Right for aggregates whose stream
    /// other writers extend legitimately (an account written by a transfer's one commit): optimistic concurrency on
    /// the log still guarantees that every decision was made on the stream's latest state.
    /// </summary>
    protected virtual bool CatchUpOnConflict => false;

    /// <summary>Step 1: load. The stream's events (or the latest snapshot and the events after it) folded into <see cref="State"/>.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Log = ServiceProvider.GetRequiredService<IEventLog>();
        _queues = ServiceProvider.GetRequiredService<IOptions<EventDeliveryOptions>>().Value.PublishAfterAppend
            ? ServiceProvider.GetRequiredService<InProcessQueueAdapterFactory>()
            : null;
        _snapshots = SnapshotEvery > 0 && ServiceProvider.GetService<ISnapshotStore>() is { } store
            ? new SnapshotKeeper<TState>(store, Log, StreamId, SnapshotShape, SnapshotEvery,
                ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger(GetType()))
            : null;
        State = Initial;
        if (LoadOnActivation)
        {
            if (_snapshots is not null && await _snapshots.ReadAsync(cancellationToken) is var (state, from))
            {
                // The snapshot's own last event comes first: already in the state, it only sets version and position.
                (State, Version, Position) = (state, from[0].Version, from[0].Position);
                Fold(from, 1);
            }
            else
            {
                Fold(await Log.ReadStreamAsync(StreamId, 0, cancellationToken));
            }

            IsLoaded = true;
        }

        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// Steps 2 to 4: decides <paramref name="decide"/> on the current state and, when it accepts, appends the events at
    /// the version it decided on and evolves the state with what the log recorded. Returns the rejection, if any, and
    /// the recorded events (empty when the command was already satisfied), from which the grain replies (step 5).
    /// </summary>
    /// <param name="causationId">What caused the command, when it is not the current request (e.g. the event a consumer reacts to).</param>
    /// <param name="command">The command's name in metrics (a small, fixed set); by default the calling grain method's name.</param>
    protected async Task<(Rejection? Rejection, IReadOnlyList<RecordedEvent> Events)> DecideAsync(
        Func<TState, Decision<TEvent>> decide, string? causationId = null, [CallerMemberName] string command = "")
    {
        await EnsureLoadedAsync();
        for (var attempt = 1; ; attempt++)
        {
            var decision = decide(State);
            if (decision.Rejection is not null && CatchUpOnConflict && attempt == 1 && await CatchUpAsync())
            {
                continue; // refused on a state the log had moved past: answer from the newer state
            }

            if (decision.Rejection is { } rejection)
            {
                ActorsMetrics.RecordDecision(GetType().Name, command, "rejected", rejection);
                return (rejection, []);
            }

            try
            {
                var recorded = await AppendAsync(decision.Events, causationId);
                ActorsMetrics.RecordDecision(GetType().Name, command, recorded.Count == 0 ? "unchanged" : "accepted", null);
                return (null, recorded);
            }
            catch (WrongExpectedVersionException) when (CatchUpOnConflict && attempt < MaxCatchUps)
            {
                await CatchUpAsync();
            }
        }
    }

    private async Task<IReadOnlyList<RecordedEvent>> AppendAsync(IReadOnlyList<TEvent> events, string? causationId)
    {
        if (events.Count == 0)
        {
            return [];
        }

        IReadOnlyList<RecordedEvent> recorded;
        var started = Stopwatch.GetTimestamp();
        try
        {
            recorded = await Log.AppendAsync(StreamId, Version, events, MetadataFor(causationId));
        }
        catch (WrongExpectedVersionException)
        {
            OnOwnStreamConflict();
            throw;
        }
        catch
        {
            UnconfirmedAppend();
            throw;
        }

        ActorsMetrics.RecordAppended(recorded, started);
        Apply(recorded);
        await PublishAsync(recorded);
        return recorded;
    }

    // The mechanics below serve MultiStreamGrain (appends made together with other streams); they are not steps.

    private protected IEventLog Log { get; private set; } = null!;

    /// <summary>
    /// Whether activation reads the stream (the default). An aggregate may skip that read and start as if new when
    /// every append it makes expects a version (so one made on a state that is not the stream's fails, writing
    /// nothing) and anything that answers from the state calls <see cref="EnsureLoadedAsync"/> first.
    /// </summary>
    private protected virtual bool LoadOnActivation => true;

    /// <summary>True once the state is known to be the stream's: read from the log, or confirmed by an append.</summary>
    private protected bool IsLoaded { get; private set; }

    private protected async Task EnsureLoadedAsync()
    {
        if (!IsLoaded)
        {
            await CatchUpAsync();
        }
    }

    /// <summary>Folds whatever the log holds after <see cref="Version"/>; true when there was anything.</summary>
    private protected async Task<bool> CatchUpAsync()
    {
        var before = Version;
        Fold(await Log.ReadStreamAsync(StreamId, Version));
        IsLoaded = true;
        _snapshots?.WriteIfDue(before, Version, State);
        return Version != before;
    }

    /// <summary>The metadata of events appended now, on behalf of the current request.</summary>
    private protected static EventMetadata MetadataFor(string? causationId) =>
        new(RequestContext.Get(RequestContextKeys.CorrelationId) as string, causationId);

    /// <summary>Evolves the state with events the log recorded at this state's version: the state is then the stream's.</summary>
    private protected void Apply(IReadOnlyList<RecordedEvent> recorded)
    {
        var before = Version;
        Fold(recorded);
        IsLoaded = true;
        _snapshots?.WriteIfDue(before, Version, State);
    }

    /// <summary>In-memory mode: the writer delivers what it appended (durable modes deliver from the log).</summary>
    private protected ValueTask PublishAsync(IReadOnlyList<RecordedEvent> recorded) =>
        _queues is null || recorded.Count == 0 ? ValueTask.CompletedTask : new ValueTask(_queues.PublishAsync(recorded));

    /// <summary>
    /// The log did not confirm an append (e.g. the connection dropped during the commit), which may still have been
    /// written: whatever is decided next must first read the stream, never act on this state, or a step could be
    /// taken for an outcome already recorded otherwise.
    /// </summary>
    private protected void UnconfirmedAppend() => IsLoaded = false;

    private protected void OnOwnStreamConflict()
    {
        if (!CatchUpOnConflict)
        {
            // Another activation of this aggregate wrote first (a split brain after a silo failure). Our state is
            // stale: never overwrite; drop this activation, and read the log before any decision it still takes.
            IsLoaded = false;
            DeactivateOnIdle();
        }
    }

    private void Fold(IReadOnlyList<RecordedEvent> events, int from = 0)
    {
        for (var i = from; i < events.Count; i++)
        {
            var e = events[i];
            State = Evolve(State, (TEvent)e.Data);
            Version = e.Version;
            Position = e.Position;
        }
    }
}

/// <summary>How appended events reach the Orleans streams.</summary>
public sealed class EventDeliveryOptions
{
    /// <summary>True when grains publish to the stream provider right after appending (in-memory mode only).</summary>
    public bool PublishAfterAppend { get; set; } = true;
}
