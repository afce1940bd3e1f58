using System.Collections;
using Actors.EventSourcing;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.Invocation;
using Orleans.Streams;

namespace Actors.Observability;

/// <summary>
/// Around every grain call: for a call made while handling a request, opens a logging scope with the request's
/// correlation id (carried by Orleans' <see cref="RequestContext"/>), so whatever a grain logs names the request that
/// caused it (the HTTP request's own scope does not reach grains: Orleans runs grain turns on its own scheduler); for a
/// stream delivery, records the consumer's delivery lag once it has applied the delivered events.
/// </summary>
/// <remarks>
/// Every grain call passes here (an up-vote makes ~5, and its three events reach ~8 consumers), so the filter is kept
/// cheap: a call without a correlation id is passed on as it is (no state machine); a stream delivery opens no scope
/// (a batch carries the request context of one of its publishes, so the scope would name one request for the events of
/// many: each event carries its own correlation id in its metadata instead); and a delivery records one lag, its oldest
/// event's, which is the delivery's lag: by the time the consumer has applied the batch, every event in it is at most
/// that late. (It recorded one per event before; with the dashboard's filter and the correlation id, the three together
/// measured ~20% of an up-vote's CPU, and no one of them alone stood out of the noise.)
/// </remarks>
internal sealed class ObservabilityGrainCallFilter(ILoggerFactory loggers, TimeProvider time) : IIncomingGrainCallFilter
{
    private readonly ILogger _logger = loggers.CreateLogger("Actors.Grains");

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (OldestDelivered(context.Request) is { } oldest)
        {
            return InvokeDelivery(context, oldest);
        }

        return RequestContext.Get(RequestContextKeys.CorrelationId) is string id ? InvokeInScope(context, id) : context.Invoke();
    }

    private async Task InvokeInScope(IIncomingGrainCallContext context, string id)
    {
        using (_logger.BeginScope(new CorrelationScope(id)))
        {
            await context.Invoke();
        }
    }

    private async Task InvokeDelivery(IIncomingGrainCallContext context, RecordedEvent oldest)
    {
        await context.Invoke();
        ActorsMetrics.RecordDeliveryLag(context.TargetContext.GrainInstance?.GetType().Name ?? "unknown", oldest, time);
    }

    /// <summary>The earliest recorded domain event a stream delivery carries (Orleans' consumer extension calls), or null for any other call.</summary>
    private static RecordedEvent? OldestDelivered(IInvokable request)
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
                return e;
            case "DeliverBatch" when request.GetArgument(2) is IBatchContainer batch:
                RecordedEvent? oldest = null;
                foreach (var (item, _) in batch.GetEvents<RecordedEvent>())
                {
                    if (oldest is null || item.RecordedAt < oldest.RecordedAt)
                    {
                        oldest = item;
                    }
                }

                return oldest;
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
