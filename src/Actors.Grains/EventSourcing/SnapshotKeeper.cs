using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Actors.EventSourcing;

/// <summary>
/// Snapshots of one aggregate's state, a cache in front of its stream: read on activation, written off the grain's turn
/// every <c>every</c> events. Never the truth: any doubt and the stream is folded from its first event.
/// </summary>
internal sealed class SnapshotKeeper<TState>(ISnapshotStore store, IEventLog log, string streamId, string shape, int every, ILogger? logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>
    /// The stored snapshot and the events after it (the snapshot's own last event first), or null. Any doubt (no
    /// snapshot, another shape, a payload that does not read, a snapshot the log does not back: its version missing
    /// from the stream) means null, and the caller folds the whole stream.
    /// </summary>
    public async Task<(TState State, IReadOnlyList<RecordedEvent> From)?> ReadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadAsync(streamId, cancellationToken);
        if (snapshot is null || snapshot.Shape != shape || snapshot.Version <= 0)
        {
            return null;
        }

        TState? state;
        try
        {
            state = JsonSerializer.Deserialize<TState>(snapshot.Payload, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            logger?.LogWarning("Snapshot of {StreamId} at version {Version} does not read ({Error}); folding the whole stream", streamId, snapshot.Version, e.Message);
            return null;
        }

        // The snapshot's own last event first: it must exist, or the snapshot belongs to some other history.
        var events = await log.ReadStreamAsync(streamId, snapshot.Version - 1, cancellationToken);
        if (state is null || events.Count == 0 || events[0].Version != snapshot.Version)
        {
            logger?.LogWarning("Snapshot of {StreamId} at version {Version} is not backed by the log; folding the whole stream", streamId, snapshot.Version);
            return null;
        }

        return (state, events);
    }

    /// <summary>After the stream went from <paramref name="before"/> to <paramref name="version"/>: store the state if that crossed a multiple of the period.</summary>
    public void WriteIfDue(long before, long version, TState state)
    {
        if (version / every == before / every)
        {
            return;
        }

        // State is immutable (records over immutable collections), so it can be serialized after this turn moves on.
        _ = Task.Run(async () =>
        {
            try
            {
                await store.WriteAsync(streamId, new StoredSnapshot(version, shape, JsonSerializer.SerializeToUtf8Bytes(state, Json)));
            }
            catch (Exception e)
            {
                logger?.LogWarning(e, "Snapshot of {StreamId} at version {Version} not stored (activation folds more events until the next one)", streamId, version);
            }
        });
    }
}
