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
/// </summary>
internal sealed class LogQueueReceiver(
    string provider,
    int partition,
    PostgresEventLog log,
    DeliveryCheckpoints checkpoints,
    ParkedEvents parked,
    ILogger logger) : IQueueAdapterReceiver
{
    private static readonly TimeSpan HousekeepingPeriod = TimeSpan.FromSeconds(1);
    private const int MaxReadCount = 256;

    private readonly string _checkpointName = DeliveryCheckpoints.QueueName(provider, partition);
    private readonly ConcurrentDictionary<EventSequenceTokenV2, LogBatchContainer> _inFlight = new();
    private readonly HashSet<long> _replaysInFlight = [];
    private long _readPosition;
    private long _nextToken = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    private int _generation;
    private DateTime _nextHousekeeping = DateTime.MinValue;

    public int Partition => partition;

    public async Task Initialize(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        _readPosition = await checkpoints.ReadAsync(_checkpointName, cancel.Token);
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

        var count = maxCount is <= 0 or > MaxReadCount ? MaxReadCount : maxCount;
        foreach (var e in await log.ReadPartitionAsync(partition, _readPosition, count, cancellationToken))
        {
            batch.Add(Track(new LogBatchContainer(e, NextToken(), generation: _generation)));
            _readPosition = e.Position;
        }

        return batch;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        long delivered = 0;
        var replayed = new List<long>();
        foreach (var message in messages.OfType<LogBatchContainer>())
        {
            _inFlight.TryRemove(message.Token, out _);
            if (message.ParkedId is { } parkedId)
            {
                replayed.Add(parkedId);
            }
            else if (message.Generation == _generation)
            {
                delivered = Math.Max(delivered, message.Event.Position);
            }
        }

        if (delivered > 0)
        {
            await checkpoints.AdvanceAsync(_checkpointName, delivered, cancellationToken);
        }

        if (replayed.Count > 0)
        {
            await parked.MarkReplayedAsync(replayed, cancellationToken);
            lock (_replaysInFlight)
            {
                _replaysInFlight.ExceptWith(replayed);
            }
        }
    }

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;

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
