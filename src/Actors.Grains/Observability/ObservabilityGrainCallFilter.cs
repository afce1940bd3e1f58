using System.Collections;
using Actors.EventSourcing;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.Invocation;
using Orleans.Streams;

namespace Actors.Observability;

/// <summary>
/// Around every grain call and stream delivery: opens a logging scope with the request's correlation id (carried by
/// Orleans' <see cref="RequestContext"/>), so whatever a grain or projection logs names the request that caused it
/// (the HTTP request's own scope does not reach grains: Orleans runs grain turns on its own scheduler); and, for a
/// domain event delivered to a stream consumer, records the delivery lag of that consumer once it has applied it.
/// </summary>
internal sealed class ObservabilityGrainCallFilter(ILoggerFactory loggers, TimeProvider time) : IIncomingGrainCallFilter
{
    private readonly ILogger _logger = loggers.CreateLogger("Actors.Grains");

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var delivered = DeliveredEvents(context.Request);
        if (RequestContext.Get(RequestContextKeys.CorrelationId) is string id)
        {
            using (_logger.BeginScope(new CorrelationScope(id)))
            {
                await context.Invoke();
            }
        }
        else
        {
            await context.Invoke();
        }

        if (delivered is not null)
        {
            var consumer = context.TargetContext.GrainInstance?.GetType().Name ?? "unknown";
            foreach (var e in delivered)
            {
                ActorsMetrics.RecordDeliveryLag(consumer, e, time);
            }
        }
    }

    /// <summary>The domain events a stream delivery carries (Orleans' consumer extension calls), or null for any other call.</summary>
    private static List<RecordedEvent>? DeliveredEvents(IInvokable request)
    {
        // Orleans delivers stream items through its consumer extension: Deliver{Immutable,Mutable}(subscription, stream, item, ...)
        // and DeliverBatch(subscription, stream, batch, ...). Matching by name keeps this free of Orleans internals.
        // Every grain call passes here: the name first (reading an argument can box it).
        if (!ActorsMetrics.DeliveryLag.Enabled || request.GetArgumentCount() < 3)
        {
            return null;
        }

        switch (request.GetMethodName())
        {
            case "DeliverImmutable" or "DeliverMutable" when request.GetArgument(2) is RecordedEvent e:
                return [e];
            case "DeliverBatch" when request.GetArgument(2) is IBatchContainer batch:
                var events = new List<RecordedEvent>();
                foreach (var (item, _) in batch.GetEvents<RecordedEvent>())
                {
                    events.Add(item);
                }

                return events;
            default:
                return null;
        }
    }

    /// <summary>The scope state: one named value, formatted like the gateway's scope so logs read the same on both sides.</summary>
    private sealed class CorrelationScope(string id) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public int Count => 1;

        public KeyValuePair<string, object> this[int index] =>
            index == 0 ? new("CorrelationId", id) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"CorrelationId:{id}";
    }
}
