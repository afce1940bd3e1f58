using System.Collections.Concurrent;
using Actors.EventSourcing;

namespace Actors.Observability;

/// <summary>
/// What this process sees of its event flows, for the flow page (<c>/admin/flows</c>): the events the stream provider
/// handed to delivery (the recent ones, for each consumer's lag and the live tail) and, per consumer, what it has
/// applied (newest position per stream partition, events per second). Consumer grains are recorded by the silo's grain
/// call filter on every delivery; consumers that are not grains (the gateway's WebSocket fan-out, its session cache)
/// register themselves and record what they apply. It also remembers the last failed delivery of each subscription,
/// so a delivery that is given up on can be parked with its events, its consumer and its error.
/// </summary>
/// <remarks>
/// Cheap on the hot path: a handed-over event is one write into a ring under a lock, an applied delivery one update
/// of its consumer's counters under that consumer's lock. Lag is computed only when the page asks, by walking the ring
/// (so it is exact up to <see cref="RecentCapacity"/> events behind, and shown as at least that beyond).
/// </remarks>
public sealed class StreamFlows(TimeProvider time)
{
    /// <summary>How many handed-over events are kept for lag and the tail.</summary>
    public const int RecentCapacity = 8192;

    private const int RateSeconds = 10;

    private readonly object _recentGate = new();
    private readonly RecordedEvent[] _recent = new RecordedEvent[RecentCapacity];
    private long _handedOver;
    private readonly ConcurrentDictionary<string, ConsumerCounters> _consumers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FlowConsumer> _registered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, string> _subscriptions = new();
    private readonly ConcurrentDictionary<Guid, FailedDelivery> _failures = new();
    private int _failuresHeld;

    public StreamFlows() : this(TimeProvider.System)
    {
    }

    /// <summary>Events the stream provider handed to delivery since start.</summary>
    public long HandedOverCount => Interlocked.Read(ref _handedOver);

    /// <summary>
    /// Declares a consumer that is not a grain with an implicit subscription (those come from Orleans' registration):
    /// its name, what kind of consumer it is, the categories it follows and, if it follows only some event types, which.
    /// </summary>
    public void Register(FlowConsumer consumer) => _registered[consumer.Name] = consumer;

    /// <summary>The consumers registered with <see cref="Register"/>.</summary>
    public IReadOnlyCollection<FlowConsumer> Registered => [.. _registered.Values];

    /// <summary>The stream provider has these events for delivery (in memory: published; PostgreSQL: read from the log).</summary>
    public void HandedOver(IReadOnlyList<RecordedEvent> events)
    {
        lock (_recentGate)
        {
            foreach (var e in events)
            {
                _recent[_handedOver % RecentCapacity] = e;
                _handedOver++;
            }
        }
    }

    /// <summary><paramref name="consumer"/> has applied <paramref name="events"/> (one delivery).</summary>
    public void Applied(string consumer, IReadOnlyList<RecordedEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        _consumers.GetOrAdd(consumer, static _ => new ConsumerCounters()).Add(events, time.GetUtcNow());
    }

    /// <summary>Remembers which consumer a subscription delivers to (for naming parked events).</summary>
    public void NameSubscription(Guid subscription, string consumer)
    {
        if (!_subscriptions.ContainsKey(subscription))
        {
            _subscriptions[subscription] = consumer;
        }
    }

    /// <summary>The consumer a subscription delivers to, when a delivery to it has been seen.</summary>
    public string? ConsumerOf(Guid subscription) => _subscriptions.GetValueOrDefault(subscription);

    /// <summary>A delivery to <paramref name="consumer"/> failed (it may be retried); kept until it succeeds or is taken.</summary>
    public void DeliveryFailed(Guid subscription, string consumer, IReadOnlyList<RecordedEvent> events, Exception error)
    {
        if (_failures.TryAdd(subscription, new FailedDelivery(consumer, events, error.GetType().Name + ": " + error.Message)))
        {
            Interlocked.Increment(ref _failuresHeld);
        }
        else
        {
            _failures[subscription] = new FailedDelivery(consumer, events, error.GetType().Name + ": " + error.Message);
        }
    }

    /// <summary>A delivery on <paramref name="subscription"/> succeeded: an earlier failure of it is over.</summary>
    public void DeliverySucceeded(Guid subscription)
    {
        // Read without a lock on the hot path: nearly always nothing is held.
        if (Volatile.Read(ref _failuresHeld) > 0 && _failures.TryRemove(subscription, out _))
        {
            Interlocked.Decrement(ref _failuresHeld);
        }
    }

    /// <summary>The last failed delivery of <paramref name="subscription"/> (what a failure handler parks), removed.</summary>
    public FailedDelivery? TakeFailure(Guid subscription)
    {
        if (_failures.TryRemove(subscription, out var failure))
        {
            Interlocked.Decrement(ref _failuresHeld);
            return failure;
        }

        return null;
    }

    /// <summary>
    /// The flow of one consumer: its newest applied position, its lag (events of its categories handed over after what
    /// it applied in each partition, and how long the oldest of them has waited), its events per second over the last
    /// ten seconds.
    /// </summary>
    public ConsumerFlow FlowOf(FlowConsumer consumer)
    {
        var counters = _consumers.GetValueOrDefault(consumer.Name);
        var now = time.GetUtcNow();
        var (position, applied, rate, lastApplied) = counters?.Read(now, RateSeconds) ?? (0, 0, 0, null);
        long lagEvents = 0;
        DateTimeOffset? oldestWaiting = null;
        var categories = consumer.Categories.ToHashSet(StringComparer.Ordinal);
        lock (_recentGate)
        {
            var kept = Math.Min(_handedOver, RecentCapacity);
            for (var i = 1; i <= kept; i++)
            {
                var e = _recent[(_handedOver - i) % RecentCapacity];
                var category = e.Category;
                if (!categories.Contains(category) || (consumer.Types is { } types && !types.Contains(e.Type)))
                {
                    continue;
                }

                if (e.Position > (counters?.PositionIn(category, EventStreams.PartitionOf(e.StreamId)) ?? 0))
                {
                    lagEvents++;
                    oldestWaiting = oldestWaiting is { } o && o < e.RecordedAt ? o : e.RecordedAt;
                }
            }
        }

        var lagMs = oldestWaiting is { } waiting ? Math.Max(0, (now - waiting).TotalMilliseconds) : 0;
        return new ConsumerFlow(consumer.Name, consumer.Kind, consumer.Categories, position, applied, lagEvents,
            lagEvents >= RecentCapacity, Math.Round(lagMs), Math.Round(rate, 1), lastApplied);
    }

    /// <summary>The newest handed-over events of <paramref name="category"/>, newest first, whose type or stream contains <paramref name="filter"/>.</summary>
    public IReadOnlyList<RecordedEvent> Tail(string category, string? filter, int count)
    {
        var result = new List<RecordedEvent>(Math.Min(count, 64));
        lock (_recentGate)
        {
            var kept = Math.Min(_handedOver, RecentCapacity);
            for (var i = 1; i <= kept && result.Count < count; i++)
            {
                var e = _recent[(_handedOver - i) % RecentCapacity];
                if (e.Category == category && (string.IsNullOrEmpty(filter)
                    || e.Type.Contains(filter, StringComparison.OrdinalIgnoreCase)
                    || e.StreamId.Contains(filter, StringComparison.OrdinalIgnoreCase)))
                {
                    result.Add(e);
                }
            }
        }

        return result;
    }

    /// <summary>What one consumer has applied; updated under its own lock, one delivery at a time.</summary>
    private sealed class ConsumerCounters
    {
        private readonly object _gate = new();
        private readonly Dictionary<(string Category, int Partition), long> _positions = [];
        private readonly long[] _secondOf = new long[RateSeconds];
        private readonly long[] _countIn = new long[RateSeconds];
        private long _position;
        private long _applied;
        private DateTimeOffset? _lastApplied;
        private DateTimeOffset _firstApplied;

        public void Add(IReadOnlyList<RecordedEvent> events, DateTimeOffset now)
        {
            var second = now.ToUnixTimeSeconds();
            var slot = (int)(second % RateSeconds);
            lock (_gate)
            {
                if (_applied == 0)
                {
                    _firstApplied = now;
                }

                foreach (var e in events)
                {
                    var key = (e.Category, EventStreams.PartitionOf(e.StreamId));
                    if (!_positions.TryGetValue(key, out var known) || e.Position > known)
                    {
                        _positions[key] = e.Position;
                    }

                    _position = Math.Max(_position, e.Position);
                }

                if (_secondOf[slot] != second)
                {
                    _secondOf[slot] = second;
                    _countIn[slot] = 0;
                }

                _countIn[slot] += events.Count;
                _applied += events.Count;
                _lastApplied = now;
            }
        }

        public long PositionIn(string category, int partition)
        {
            lock (_gate)
            {
                return _positions.GetValueOrDefault((category, partition));
            }
        }

        public (long Position, long Applied, double Rate, DateTimeOffset? LastApplied) Read(DateTimeOffset now, int seconds)
        {
            var second = now.ToUnixTimeSeconds();
            lock (_gate)
            {
                long recent = 0;
                for (var i = 0; i < seconds; i++)
                {
                    if (second - _secondOf[i] < seconds)
                    {
                        recent += _countIn[i];
                    }
                }

                // A consumer that started less than the window ago is measured over the time it has run.
                var over = Math.Clamp((now - _firstApplied).TotalSeconds, 1, seconds);
                return (_position, _applied, recent / over, _lastApplied);
            }
        }
    }
}

/// <summary>A consumer of the event streams, as the flow page lists it.</summary>
/// <param name="Name">Its name: the grain type of a consumer grain, or the name a registered consumer gave itself.</param>
/// <param name="Kind">What it is: <c>projection</c> (a consumer grain), <c>fan-out</c>, <c>cache</c>, <c>operator</c>...</param>
/// <param name="Categories">The stream namespaces (event categories) it follows.</param>
/// <param name="Types">The event types it follows, when only some (a stream filter); null for all.</param>
public sealed record FlowConsumer(string Name, string Kind, IReadOnlyList<string> Categories, IReadOnlySet<string>? Types = null);

/// <summary>How one consumer keeps up: see <see cref="StreamFlows.FlowOf"/>.</summary>
public sealed record ConsumerFlow(
    string Name, string Kind, IReadOnlyList<string> Categories, long Position, long Applied, long LagEvents, bool LagAtLeast,
    double LagMs, double EventsPerSecond, DateTimeOffset? LastApplied);

/// <summary>A delivery that failed: to whom, which events, and the consumer's error.</summary>
public sealed record FailedDelivery(string Consumer, IReadOnlyList<RecordedEvent> Events, string Error);
