using System.Collections.Concurrent;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Actors.EventSourcing;

/// <summary>
/// The in-memory mode's stream provider "events": Orleans' persistent-stream machinery (pulling agents, cache,
/// implicit and explicit subscriptions, retries) over plain in-process queues. A publish is an enqueue of the
/// event object itself: no queue grain call and no serialization round trip, which Orleans' memory stream provider
/// pays per event (the largest cost of an up-vote before this provider). Per stream, order is the publish order
/// (a grain publishes inside its turn, one queue per stream); delivery is at least once, like every other mode.
/// Like the in-memory log, the queues live and die with the process. This is only correct in a one-silo cluster (which
/// the in-memory mode is: its log lives in one process): with several silos, a queue's pulling agent could run in
/// another process than the one that enqueues, and nothing would read that queue.
/// The queues are bounded (<see cref="InProcessQueueOptions"/>): during a burst that the consumers cannot keep up with,
/// a publishing grain waits for room (its callers with it) instead of the queue growing without limit.
/// </summary>
public sealed class InProcessQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter
{
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly ConcurrentDictionary<QueueId, BoundedPublishQueue<Published>> _queues = new();
    private readonly InProcessQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly StreamFlows? _flows;
    private readonly ILogger _logger;

    public InProcessQueueAdapterFactory(string name, ILoggerFactory loggerFactory, InProcessQueueOptions? options = null, TimeProvider? time = null,
        StreamFlows? flows = null)
    {
        Name = name;
        _options = options ?? new InProcessQueueOptions();
        _time = time ?? TimeProvider.System;
        _flows = flows;
        _logger = loggerFactory.CreateLogger<InProcessQueueAdapterFactory>();
        Parked = new InMemoryParkedEvents(this, _time);
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = EventStreams.Partitions }, name);
        _cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions { CacheSize = 4096 }, name, loggerFactory);
    }

    /// <summary>A new factory for the provider <paramref name="name"/>, with the silo's options.</summary>
    public static InProcessQueueAdapterFactory Create(IServiceProvider services, string name) =>
        new(name, services.GetRequiredService<ILoggerFactory>(), services.GetService<IOptions<InProcessQueueOptions>>()?.Value,
            services.GetService<TimeProvider>(), services.GetService<StreamFlows>());

    /// <summary>The events a consumer kept failing on (memory mode's dead letters), parked by this provider's failure handler.</summary>
    public InMemoryParkedEvents Parked { get; }

    /// <summary>
    /// Puts the events of one append to one log stream on their stream's queue, as one message: what a grain does right
    /// after its append. Not through Orleans' producer API, which per event copies the request context into the
    /// message and allocates its own batch: here nothing is copied, and the consumers take each event's correlation id
    /// from the event itself (<see cref="RecordedEvent.CorrelationId"/>), exactly, where a message's request context
    /// could only name one request for a whole delivered batch.
    /// </summary>
    public Task PublishAsync(IReadOnlyList<RecordedEvent> recorded)
    {
        var streamId = EventStreams.OrleansStreamOf(recorded[0].StreamId);
        var items = new object[recorded.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = recorded[i];
        }

        _flows?.HandedOver(recorded);
        return QueueOf(_mapper.GetQueueForStream(streamId)).EnqueueAsync(new Published(streamId, items));
    }

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(_flows is null
            ? new NoOpStreamDeliveryFailureHandler()
            : new InProcessParkingHandler(_flows, Parked, _logger));

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new Receiver(QueueOf(queueId));

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("This stream provider does not take sequence tokens from publishers.", nameof(token));
        }

        object[] items = events switch
        {
            IReadOnlyList<T> { Count: 1 } one => [one[0]!],
            _ => events.Cast<object>().ToArray(),
        };
        // The request context is not kept: see PublishAsync.
        return QueueOf(_mapper.GetQueueForStream(streamId)).EnqueueAsync(new Published(streamId, items));
    }

    /// <summary>Publishes waiting on one queue for its reader, and publishers waiting for room in it (for tests and diagnostics).</summary>
    public (int Queued, int Waiting) Depth(QueueId queueId)
    {
        var queue = QueueOf(queueId);
        return (queue.Count, queue.Waiting);
    }

    private BoundedPublishQueue<Published> QueueOf(QueueId queueId) =>
        _queues.GetOrAdd(queueId, static (_, self) => new BoundedPublishQueue<Published>(
            Math.Max(self._options.QueueCapacity, 1), self._options.MaxPublishWait, self._time), this);

    private readonly record struct Published(StreamId StreamId, object[] Events);

    /// <summary>One queue's reader; the pulling agent calls it from one turn at a time, so the sequence needs no lock.</summary>
    private sealed class Receiver(BoundedPublishQueue<Published> queue) : IQueueAdapterReceiver
    {
        private long _sequence;

        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
        {
            if (queue.IsEmpty)
            {
                return Task.FromResult<IList<IBatchContainer>>([]);
            }

            var taken = queue.Take(maxCount < 0 ? int.MaxValue : maxCount);
            var batch = new List<IBatchContainer>(taken.Count);
            foreach (var published in taken)
            {
                batch.Add(new InProcessBatchContainer(
                    published.StreamId, published.Events, new EventSequenceTokenV2(++_sequence)));
            }

            return Task.FromResult<IList<IBatchContainer>>(batch);
        }

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
    }
}

/// <summary>
/// What one publish put on an in-process queue. Immutable (the events are immutable records), so Orleans hands the
/// same object to every consumer in the silo instead of deep-copying it per delivery. It carries no request context:
/// every delivery of it, and every event of a delivered batch, would otherwise import (copy) a dictionary, and each
/// event names its own request (<see cref="RecordedEvent.CorrelationId"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.in-process-batch")]
public sealed class InProcessBatchContainer(StreamId streamId, object[] events, EventSequenceTokenV2 token) : IBatchContainer
{
    [Id(0)]
    public StreamId StreamId { get; } = streamId;

    [Id(1)]
    public object[] Events { get; } = events;

    [Id(3)]
    public EventSequenceTokenV2 Token { get; } = token;

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        if (Events.Length == 1)
        {
            return Events[0] is T single ? [Tuple.Create(single, (StreamSequenceToken)Token)] : [];
        }

        var result = new List<Tuple<T, StreamSequenceToken>>(Events.Length);
        for (var i = 0; i < Events.Length; i++)
        {
            if (Events[i] is T item)
            {
                result.Add(Tuple.Create(item, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(i)));
            }
        }

        return result;
    }

    public bool ImportRequestContext() => false;
}
