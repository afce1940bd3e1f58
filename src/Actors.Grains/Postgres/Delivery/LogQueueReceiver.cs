using System.Collections.Concurrent;
using Actors.EventSourcing;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Actors.Postgres.Delivery;

/// <summary>
/// Reads one partition of the event log (all categories) by position and hands the events to Orleans' pulling agent;
/// checkpoints what the cache reports delivered. Starts from its checkpoint, so after a crash or a queue moving to
/// another silo, delivery resumes there: events after the checkpoint are delivered again (at-least-once).
/// The cache (<see cref="LogQueueCache"/>) releases each stream's events as that stream's consumers pass them, so
/// releases come out of log order across streams: the checkpoint is the end of the contiguous released prefix
/// (everything at or below it delivered), written at most once per <see cref="CheckpointPeriod"/>.
/// </summary>
internal sealed class LogQueueReceiver(
    string provider,
    int partition,
    PostgresEventLog log,
    DeliveryCheckpoints checkpoints,
    ParkedEvents parked,
    ILogger logger,
    Actors.Observability.StreamFlows? flows = null) : IQueueAdapterReceiver
{
    private static readonly TimeSpan HousekeepingPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the checkpoint is written while events flow: a crash or hand-over re-delivers at most about this much
    /// more (consumers are idempotent), for one small UPDATE per queue per period instead of one per read.
    /// </summary>
    internal static readonly TimeSpan CheckpointPeriod = TimeSpan.FromSeconds(1);
    private const int MaxReadCount = 256;

    private readonly string _checkpointName = DeliveryCheckpoints.QueueName(provider, partition);
    private readonly ConcurrentDictionary<EventSequenceTokenV2, LogBatchContainer> _inFlight = new();
    private readonly HashSet<long> _replaysInFlight = [];
    // Positions read (this generation) whose events the cache has not released yet; touched only by the agent's turns.
    private readonly SortedSet<long> _unreleased = [];
    private long _readPosition;
    private long _checkpointed;
    private DateTime _nextCheckpoint = DateTime.MinValue;
    private long _nextToken = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    private int _generation;
    private DateTime _nextHousekeeping = DateTime.MinValue;

    public int Partition => partition;

    public async Task Initialize(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        _readPosition = await checkpoints.ReadAsync(_checkpointName, cancel.Token);
        _checkpointed = _readPosition;
        logger.LogInformation("Delivery of log partition {Partition} ({Provider}) starts after position {Position}", partition, provider, _readPosition);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var batch = new List<IBatchContainer>();
        if (DateTime.UtcNow >= _nextHousekeeping)
        {
            _nextHousekeeping = DateTime.UtcNow + HousekeepingPeriod;
            await RewindIfAskedAsync(cancellationToken);
            await AddRequestedReplaysAsync(batch, cancellationToken);
        }

        // A checkpoint held back by the period is written here: this runs on every poll, also once events stop.
        await CheckpointIfDueAsync(cancellationToken);

        var count = maxCount is <= 0 or > MaxReadCount ? MaxReadCount : maxCount;
        var read = await log.ReadPartitionAsync(partition, _readPosition, count, cancellationToken);
        if (read.Count > 0)
        {
            flows?.HandedOver(read);
        }

        foreach (var e in read)
        {
            batch.Add(Track(new LogBatchContainer(e, NextToken(), generation: _generation)));
            _unreleased.Add(e.Position);
            _readPosition = e.Position;
        }

        return batch;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var replayed = new List<long>();
        foreach (var message in messages)
        {
            if (message is not LogBatchContainer container)
            {
                continue;
            }

            _inFlight.TryRemove(container.Token, out _);
            if (container.ParkedId is { } parkedId)
            {
                replayed.Add(parkedId);
            }
            else if (container.Generation == _generation)
            {
                _unreleased.Remove(container.Event.Position);
            }
        }

        await CheckpointIfDueAsync(cancellationToken);

        if (replayed.Count > 0)
        {
            await parked.MarkReplayedAsync(replayed, cancellationToken);
            lock (_replaysInFlight)
            {
                _replaysInFlight.ExceptWith(replayed);
            }
        }
    }

    /// <summary>Everything at or below this position was read and released by the cache (delivered to every consumer).</summary>
    private long Delivered => _unreleased.Count == 0 ? _readPosition : _unreleased.Min - 1;

    private async Task CheckpointIfDueAsync(CancellationToken cancellationToken)
    {
        var delivered = Delivered;
        if (delivered > _checkpointed && DateTime.UtcNow >= _nextCheckpoint)
        {
            await checkpoints.AdvanceAsync(_checkpointName, delivered, cancellationToken);
            _checkpointed = delivered;
            _nextCheckpoint = DateTime.UtcNow + CheckpointPeriod;
        }
    }

    public async Task Shutdown(TimeSpan timeout)
    {
        // The queue stops here (silo shutdown or the queue moving to another silo): record what was delivered so the
        // next reader re-delivers as little as possible.
        if (Delivered > _checkpointed)
        {
            try
            {
                using var cancel = new CancellationTokenSource(timeout);
                _nextCheckpoint = DateTime.MinValue;
                await CheckpointIfDueAsync(cancel.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or Npgsql.NpgsqlException)
            {
                logger.LogWarning(e, "Could not record the delivery checkpoint of log partition {Partition} ({Provider}) on shutdown", partition, provider);
            }
        }
    }

    /// <summary>The event a delivery token stands for, while it is in this queue's cache (for parking).</summary>
    public LogBatchContainer? Find(StreamSequenceToken? token) =>
        token is EventSequenceTokenV2 t && _inFlight.TryGetValue(new EventSequenceTokenV2(t.SequenceNumber), out var container) ? container : null;

    private LogBatchContainer Track(LogBatchContainer container)
    {
        _inFlight[container.Token] = container;
        return container;
    }

    private EventSequenceTokenV2 NextToken() => new(Interlocked.Increment(ref _nextToken));

    private async Task RewindIfAskedAsync(CancellationToken cancellationToken)
    {
        if (await checkpoints.TakeRewindAsync(_checkpointName, cancellationToken) is { } position)
        {
            logger.LogWarning("Delivery of log partition {Partition} ({Provider}) rewinds from {From} to {To}", partition, provider, _readPosition, position);
            _generation++;
            _readPosition = position;
            _unreleased.Clear();
            _checkpointed = position;
        }
    }

    private async Task AddRequestedReplaysAsync(List<IBatchContainer> batch, CancellationToken cancellationToken)
    {
        foreach (var (id, position) in await parked.RequestedAsync(partition, cancellationToken))
        {
            lock (_replaysInFlight)
            {
                if (!_replaysInFlight.Add(id))
                {
                    continue;
                }
            }

            if (await log.ReadAtAsync(position, cancellationToken) is { } e)
            {
                logger.LogInformation("Replaying parked event {ParkedId}: {StreamId} v{Version} (position {Position})", id, e.StreamId, e.Version, e.Position);
                batch.Add(Track(new LogBatchContainer(e, NextToken(), id, _generation)));
            }
        }
    }
}
