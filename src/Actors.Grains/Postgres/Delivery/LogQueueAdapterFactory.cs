using System.Collections.Concurrent;
using Actors.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Actors.Postgres.Delivery;

/// <summary>
/// A persistent stream provider whose queues are the event log itself: queue i reads partition i of the log
/// (<see cref="EventStreams.PartitionOf"/>, every category) and delivers each event on the Orleans stream
/// (category, i). Nothing is ever published: grains only append to the log (no dual write), and a crash loses
/// nothing, since a queue restarts from its checkpoint. Read-only, not rewindable by subscribers.
/// </summary>
public sealed class LogQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter
{
    private readonly string _name;
    // Null in an Orleans client: it only subscribes (delivery runs in the silos' pulling agents), never reads queues.
    private readonly PostgresEventLog? _log;
    private readonly DeliveryCheckpoints? _checkpoints;
    private readonly ParkedEvents? _parked;
    private readonly Actors.Observability.StreamFlows? _flows;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly LogQueueAdapterCache _cache;
    private readonly ConcurrentDictionary<QueueId, LogQueueReceiver> _receivers = new();

    public LogQueueAdapterFactory(string name, PostgresEventLog? log, DeliveryCheckpoints? checkpoints, ParkedEvents? parked, ILoggerFactory loggerFactory,
        int consumerBatchSize = 1, Actors.Observability.StreamFlows? flows = null)
    {
        _flows = flows;
        _name = name;
        _log = log;
        _checkpoints = checkpoints;
        _parked = parked;
        _loggerFactory = loggerFactory;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = EventStreams.Partitions }, name);
        // The cache holds each stream's events until that stream's consumers have passed them and stops the queue
        // reading when one stream's backlog (or the whole cache) is full: so the per-stream size is how far a fast
        // consumer (the ranking) may run ahead of a slow one of the same stream (the activity feed, which appends a
        // karma credit per vote) before the slow one holds the partition back. Memory: ~0.5 KB per held event.
        _cache = new LogQueueAdapterCache(new LogQueueCacheOptions(MaxPerStream: 8192, MaxTotal: 16384, MaxAddCount: 256, ConsumerBatchSize: consumerBatchSize));
    }

    /// <summary>For <c>AddPersistentStreams(name, LogQueueAdapterFactory.Create, ...)</c>.</summary>
    public static LogQueueAdapterFactory Create(IServiceProvider services, string name) =>
        new(name, services.GetRequiredService<PostgresEventLog>(), services.GetRequiredService<DeliveryCheckpoints>(),
            services.GetRequiredService<ParkedEvents>(), services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(name).BatchContainerBatchSize,
            services.GetService<Actors.Observability.StreamFlows>());

    /// <summary>
    /// For an Orleans client (the gateway in client mode): the same provider, so the client can subscribe to the log-fed
    /// streams (e.g. WebSocket pushes); the silos' pulling agents deliver to it. Needs no database access of its own.
    /// </summary>
    public static LogQueueAdapterFactory CreateForClient(IServiceProvider services, string name) =>
        new(name, null, null, null, services.GetRequiredService<ILoggerFactory>());

    public string Name => _name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new ParkingFailureHandler(() => _receivers.GetValueOrDefault(queueId), _parked ?? throw ClientOnly(), _flows,
            _loggerFactory.CreateLogger<ParkingFailureHandler>()));

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new LogQueueReceiver(_name, (int)queueId.GetNumericId(), _log ?? throw ClientOnly(), _checkpoints ?? throw ClientOnly(),
            _parked ?? throw ClientOnly(), _loggerFactory.CreateLogger<LogQueueReceiver>(), _flows);
        _receivers[queueId] = receiver;
        return receiver;
    }

    private InvalidOperationException ClientOnly() =>
        new($"Stream provider '{_name}' was created for an Orleans client, which subscribes only; silos read the log.");

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException(
            $"Stream provider '{_name}' delivers the event log and cannot be published to: append to the event log instead.");
}

/// <summary>
/// Parks an event that a consumer kept failing on (after Orleans' retries for <c>MaxEventDeliveryTime</c>) so the
/// rest of the stream goes on; the event waits in <see cref="ParkedEvents"/> to be listed and replayed.
/// </summary>
internal sealed class ParkingFailureHandler(
    Func<LogQueueReceiver?> receiver, ParkedEvents parked, Actors.Observability.StreamFlows? flows, ILogger<ParkingFailureHandler> logger)
    : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        // Named by its grain type when this silo has seen a delivery to it (as the flow page lists consumers), else by the
        // subscription; the grain call filter's record of the failure also holds the consumer's error.
        var failure = flows?.TakeFailure(subscriptionId.Guid);
        var consumer = failure?.Consumer ?? flows?.ConsumerOf(subscriptionId.Guid) ?? $"{streamIdentity}/{subscriptionId.Guid:N}";
        var recorded = receiver()?.Find(sequenceToken)?.Event;
        if (recorded is null)
        {
            logger.LogError("Delivery to {Consumer} failed at token {Token}, but the event is no longer known: it will not be parked", consumer, sequenceToken);
            return;
        }

        var error = failure is not null
            ? $"Consumer {consumer} kept failing on {recorded.Type} {recorded.StreamId} v{recorded.Version}: {failure.Error}"
            : $"Consumer {consumer} kept failing on {recorded.Type} {recorded.StreamId} v{recorded.Version}; see the silo log around {DateTimeOffset.UtcNow:O} for its exception.";
        logger.LogError("Parking event at position {Position} ({StreamId} v{Version}) for {Consumer}", recorded.Position, recorded.StreamId, recorded.Version, consumer);
        try
        {
            await parked.ParkAsync(consumer, recorded.Position, recorded.StreamId, recorded.Version, recorded.Type, error);
            Actors.Observability.ActorsMetrics.RecordParked(recorded);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not park event at position {Position} for {Consumer}", recorded.Position, consumer);
        }
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
