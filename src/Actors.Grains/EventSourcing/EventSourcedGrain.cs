using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    private ISnapshotStore? _snapshots;
    // The in-memory mode's queues, which this grain publishes to after each append; null in durable modes.
    private InProcessQueueAdapterFactory? _queues;

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

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _log = ServiceProvider.GetRequiredService<IEventLog>();
        _queues = ServiceProvider.GetRequiredService<IOptions<EventDeliveryOptions>>().Value.PublishAfterAppend
            ? ServiceProvider.GetRequiredService<InProcessQueueAdapterFactory>()
            : null;
        _snapshots = SnapshotEvery > 0 ? ServiceProvider.GetService<ISnapshotStore>() : null;
        State = Initial;
        Version = 0;
        if (!LoadOnActivation)
        {
            await base.OnActivateAsync(cancellationToken);
            return;
        }

        if (_snapshots is null || !await TryLoadFromSnapshotAsync(_snapshots, cancellationToken))
        {
            Fold(await _log.ReadStreamAsync(StreamId, 0, cancellationToken), 0);
        }

        IsLoaded = true;
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// Whether activation reads the stream (the default). An aggregate may skip that read and start as if new when
    /// every append it makes expects a version (so one made on a state that is not the stream's fails, writing
    /// nothing) and it catches up on conflict (<see cref="CatchUpOnConflict"/>); anything that answers from the state
    /// must then call <see cref="EnsureLoadedAsync"/> first. Saves a read for aggregates usually created by their
    /// first command (a transfer, keyed by a new id).
    /// </summary>
    protected virtual bool LoadOnActivation => true;

    /// <summary>True once the state is known to be the stream's: read from the log, or confirmed by an append.</summary>
    protected bool IsLoaded { get; private set; }

    /// <summary>Reads the stream if this activation has not yet (see <see cref="LoadOnActivation"/>).</summary>
    protected async Task EnsureLoadedAsync()
    {
        if (!IsLoaded)
        {
            await CatchUpAsync();
        }
    }

    private void Fold(IReadOnlyList<RecordedEvent> events, int from)
    {
        for (var i = from; i < events.Count; i++)
        {
            var e = events[i];
            State = Evolve(State, (TEvent)e.Data);
            Version = e.Version;
            Position = e.Position;
        }
    }

    /// <summary>
    /// Starts from the stored snapshot and folds the events after it. Any doubt (no snapshot, another shape, a payload
    /// that does not read, a snapshot the log does not back: its version missing from the stream) means false, and the
    /// caller folds the whole stream: a snapshot is never the truth.
    /// </summary>
    private async Task<bool> TryLoadFromSnapshotAsync(ISnapshotStore store, CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadAsync(StreamId, cancellationToken);
        if (snapshot is null || snapshot.Shape != SnapshotShape || snapshot.Version <= 0)
        {
            return false;
        }

        TState? state;
        try
        {
            state = JsonSerializer.Deserialize<TState>(snapshot.Payload, SnapshotJson);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            Logger?.LogWarning("Snapshot of {StreamId} at version {Version} does not read ({Error}); folding the whole stream", StreamId, snapshot.Version, e.Message);
            return false;
        }

        // The snapshot's own last event first: it must exist, or the snapshot belongs to some other history.
        var events = await _log.ReadStreamAsync(StreamId, snapshot.Version - 1, cancellationToken);
        if (state is null || events.Count == 0 || events[0].Version != snapshot.Version)
        {
            Logger?.LogWarning("Snapshot of {StreamId} at version {Version} is not backed by the log; folding the whole stream", StreamId, snapshot.Version);
            return false;
        }

        State = state;
        Version = snapshot.Version;
        Position = events[0].Position;
        Fold(events, 1);
        return true;
    }

    private ILogger? Logger => ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger(GetType());

    /// <summary>After an append that crossed a multiple of <see cref="SnapshotEvery"/>: store the state, off the grain's turn.</summary>
    private void SnapshotIfDue(long before)
    {
        if (_snapshots is not { } store || Version / SnapshotEvery == before / SnapshotEvery)
        {
            return;
        }

        // State is immutable (records over immutable collections), so it can be serialized after this turn moves on.
        var (state, version, shape, stream, logger) = (State, Version, SnapshotShape, StreamId, Logger);
        _ = Task.Run(async () =>
        {
            try
            {
                await store.WriteAsync(stream, new StoredSnapshot(version, shape, JsonSerializer.SerializeToUtf8Bytes(state, SnapshotJson)));
            }
            catch (Exception e)
            {
                logger?.LogWarning(e, "Snapshot of {StreamId} at version {Version} not stored (activation folds more events until the next one)", stream, version);
            }
        });
    }

    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.General);

    /// <summary>
    /// Whether an append that finds the stream moved on catches up from the log and decides again (up to
    /// <see cref="MaxCatchUps"/> times) instead of giving the activation up as stale; a refusal, which appends nothing
    /// and so cannot find out, first checks the log for newer events (one read, only on the rare refusals). Right for aggregates whose stream
    /// other writers may extend legitimately (an account written by a transfer's atomic append): optimistic concurrency
    /// on the log still guarantees that every decision was made on the stream's latest state.
    /// </summary>
    protected virtual bool CatchUpOnConflict => false;

    private const int MaxCatchUps = 3;

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

    /// <summary>
    /// Decides <paramref name="decide"/> on the current state without appending, for events recorded together with
    /// other streams' (<see cref="AppendTogetherAsync"/>): the answer holds the version they must be appended at.
    /// </summary>
    protected async Task<(long Version, Decision<TEvent> Decision)> PrepareAsync(Func<TState, Decision<TEvent>> decide)
    {
        await EnsureLoadedAsync();
        var decision = decide(State);
        if (decision.Rejection is not null && CatchUpOnConflict && await CatchUpAsync())
        {
            decision = decide(State); // a refusal is final for the caller: make sure it is not one from an older state
        }

        return (Version, decision);
    }

    /// <summary>
    /// Takes in events another writer appended to this stream on this activation's behalf (<see cref="PrepareAsync"/>,
    /// then <see cref="AppendTogetherAsync"/> elsewhere). Events already known are ignored; a gap is filled from the log.
    /// </summary>
    protected async Task LearnAsync(IReadOnlyList<RecordedEvent> committed)
    {
        if (committed.Count == 0 || committed[^1].Version <= Version)
        {
            return;
        }

        var before = Version;
        if (committed[0].Version == Version + 1)
        {
            Fold(committed, 0); // appended at this activation's version, so the stream was where this state is
            IsLoaded = true;
        }
        else
        {
            await CatchUpAsync();
            return;
        }

        SnapshotIfDue(before);
    }

    /// <summary>
    /// Folds whatever the log holds after <see cref="Version"/>; true when there was anything. For when an append's
    /// outcome is unknown (a lost reply) or was made elsewhere.
    /// </summary>
    protected async Task<bool> CatchUpAsync()
    {
        var before = Version;
        Fold(await _log.ReadStreamAsync(StreamId, Version), 0);
        IsLoaded = true;
        SnapshotIfDue(before);
        return Version != before;
    }

    /// <summary>The metadata of events appended now, on behalf of the current request.</summary>
    protected static EventMetadata MetadataFor(string? causationId) =>
        new(RequestContext.Get(RequestContextKeys.CorrelationId) as string, causationId);

    /// <summary>Appends <paramref name="events"/> at the current version, applies them and delivers them to streams.</summary>
    protected async Task<IReadOnlyList<RecordedEvent>> AppendAsync(IReadOnlyList<TEvent> events, string? causationId = null)
    {
        if (events.Count == 0)
        {
            return [];
        }

        IReadOnlyList<RecordedEvent> recorded;
        var started = Stopwatch.GetTimestamp();
        try
        {
            recorded = await _log.AppendAsync(StreamId, Version, events, MetadataFor(causationId));
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
        if (_queues is not null)
        {
            await _queues.PublishAsync(recorded);
        }

        return recorded;
    }

    /// <summary>
    /// Appends <paramref name="events"/> to this stream at the current version together with <paramref name="others"/>,
    /// all or nothing, in one commit (<see cref="IEventLog.AppendAtomicallyAsync"/>); applies this stream's events.
    /// Returns the recorded events per stream: this one's first, then the others' in order. The other aggregates learn
    /// of their events from the caller (<see cref="LearnAsync"/>).
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">A stream had moved on; nothing was written.</exception>
    protected async Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendTogetherAsync(
        IReadOnlyList<TEvent> events, IReadOnlyList<StreamAppend> others, string? causationId = null)
    {
        var appends = new StreamAppend[others.Count + 1];
        appends[0] = new StreamAppend(StreamId, Version, [.. events], MetadataFor(causationId));
        for (var i = 0; i < others.Count; i++)
        {
            appends[i + 1] = others[i];
        }

        IReadOnlyList<IReadOnlyList<RecordedEvent>> recorded;
        var started = Stopwatch.GetTimestamp();
        try
        {
            recorded = await _log.AppendAtomicallyAsync(appends);
        }
        catch (WrongExpectedVersionException e) when (e.StreamId == StreamId)
        {
            OnOwnStreamConflict();
            throw;
        }
        catch (Exception e) when (e is not WrongExpectedVersionException)
        {
            UnconfirmedAppend();
            throw;
        }

        foreach (var stream in recorded)
        {
            ActorsMetrics.RecordAppended(stream, started);
        }

        Apply(recorded[0]);
        if (_queues is not null)
        {
            // In-memory mode: the writer delivers every stream it wrote (the other aggregates only learn of their events).
            foreach (var stream in recorded)
            {
                if (stream.Count > 0)
                {
                    await _queues.PublishAsync(stream);
                }
            }
        }

        return recorded;
    }

    /// <summary>
    /// The log did not confirm an append (e.g. the connection dropped during the commit), which may still have been
    /// written: whatever is decided next must first read the stream (<see cref="EnsureLoadedAsync"/>), never act on
    /// this state, or a step could be taken for an outcome already recorded otherwise.
    /// </summary>
    private void UnconfirmedAppend() => IsLoaded = false;

    private void OnOwnStreamConflict()
    {
        if (!CatchUpOnConflict)
        {
            // Another activation of this aggregate wrote first (a split brain after a silo failure). Our state is
            // stale: never overwrite; drop this activation, and read the log before any decision it still takes.
            IsLoaded = false;
            DeactivateOnIdle();
        }
    }

    private void Apply(IReadOnlyList<RecordedEvent> recorded)
    {
        var before = Version;
        Fold(recorded, 0);
        IsLoaded = true; // the log took an append at this state's version: the state is the stream's
        SnapshotIfDue(before);
    }
}

/// <summary>How appended events reach the Orleans streams.</summary>
public sealed class EventDeliveryOptions
{
    /// <summary>True when grains publish to the stream provider right after appending (in-memory mode only).</summary>
    public bool PublishAfterAppend { get; set; } = true;
}
