using Actors.Observability;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Actors.EventSourcing;

/// <summary>
/// The dead letters of stream delivery, in either mode: events a consumer kept failing on, set aside so the rest of its
/// stream could go on, listed and replayed. PostgreSQL mode keeps them in a table (<see cref="ParkedEvents"/>), memory
/// mode in this process (<see cref="InMemoryParkedEvents"/>).
/// </summary>
public interface IParkedEventStore
{
    /// <summary>Parked events, oldest first; by default only those still waiting (not replayed).</summary>
    Task<IReadOnlyList<ParkedEvent>> ListAsync(bool includeReplayed = false, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>Delivers parked events again (all waiting ones, or one by id) on their stream; returns how many were requested.</summary>
    Task<int> RequestReplayAsync(long? id = null, CancellationToken cancellationToken = default);

    /// <summary>How many parked events wait, per consumer.</summary>
    Task<IReadOnlyDictionary<string, int>> CountWaitingAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Memory mode's parked events: kept in this process (they die with it, as the log does). A replay publishes the event
/// again on its stream, so every consumer of that stream sees it again (they are idempotent by stream and version);
/// a consumer that still fails parks it again.
/// </summary>
public sealed class InMemoryParkedEvents(InProcessQueueAdapterFactory queues, TimeProvider time) : IParkedEventStore
{
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];
    private long _nextId;

    /// <summary>Parks (or parks again, after a failed replay) <paramref name="recorded"/> for <paramref name="consumer"/>.</summary>
    public void Park(string consumer, RecordedEvent recorded, string error)
    {
        lock (_gate)
        {
            var index = _entries.FindIndex(e => e.Parked.Consumer == consumer && e.Parked.Position == recorded.Position);
            if (index >= 0)
            {
                _entries[index] = _entries[index] with
                {
                    Parked = _entries[index].Parked with { Error = error, ParkedAt = time.GetUtcNow(), ReplayRequestedAt = null, ReplayedAt = null },
                };
                return;
            }

            _entries.Add(new Entry(
                new ParkedEvent(++_nextId, consumer, recorded.Position, recorded.StreamId, recorded.Version, recorded.Type, error, time.GetUtcNow(), null, null),
                recorded));
        }
    }

    public Task<IReadOnlyList<ParkedEvent>> ListAsync(bool includeReplayed = false, int limit = 1000, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ParkedEvent>>(
                [.. _entries.Select(e => e.Parked).Where(p => includeReplayed || p.ReplayedAt is null).Take(limit)]);
        }
    }

    public async Task<int> RequestReplayAsync(long? id = null, CancellationToken cancellationToken = default)
    {
        var replay = new List<RecordedEvent>();
        var count = 0;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            for (var i = 0; i < _entries.Count; i++)
            {
                var entry = _entries[i];
                if (entry.Parked.ReplayedAt is not null || (id is { } wanted && entry.Parked.Id != wanted))
                {
                    continue;
                }

                // Marked replayed when handed back to delivery: a consumer that fails on it again parks it again.
                _entries[i] = entry with { Parked = entry.Parked with { ReplayRequestedAt = now, ReplayedAt = now } };
                count++;
                if (!replay.Exists(e => e.Position == entry.Event.Position))
                {
                    replay.Add(entry.Event); // parked for several consumers: delivered once, every consumer sees it
                }
            }
        }

        foreach (var e in replay.OrderBy(e => e.Position))
        {
            await queues.PublishAsync([e]);
        }

        return count;
    }

    public Task<IReadOnlyDictionary<string, int>> CountWaitingAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, int>>(_entries
                .Where(e => e.Parked.ReplayedAt is null)
                .GroupBy(e => e.Parked.Consumer, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
        }
    }

    private sealed record Entry(ParkedEvent Parked, RecordedEvent Event);
}

/// <summary>
/// Memory mode's delivery failure handler: called by Orleans' pulling agent once a consumer has failed on a delivery
/// for <c>MaxEventDeliveryTime</c> (it skips the delivery then and goes on); parks the delivery's events for that
/// consumer, as the silo's grain call filter recorded them with the consumer's error (<see cref="StreamFlows"/>).
/// </summary>
internal sealed class InProcessParkingHandler(StreamFlows flows, InMemoryParkedEvents parked, ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (flows.TakeFailure(subscriptionId.Guid) is not { } failure)
        {
            logger.LogError("Delivery on {Stream} to subscription {Subscription} failed, but its events are not known: they will not be parked",
                streamIdentity, subscriptionId.Guid);
            return Task.CompletedTask;
        }

        foreach (var e in failure.Events)
        {
            logger.LogError("Parking event at position {Position} ({StreamId} v{Version}) for {Consumer}: {Error}",
                e.Position, e.StreamId, e.Version, failure.Consumer, failure.Error);
            parked.Park(failure.Consumer, e, failure.Error);
            ActorsMetrics.RecordParked(e);
        }

        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
