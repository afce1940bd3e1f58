using Actors.EventSourcing;
using Orleans.Serialization.Invocation;
using Orleans.Streams;

namespace Actors.Observability;

/// <summary>
/// Around every grain call: for a stream delivery, records the consumer's delivery lag once it has applied the
/// delivered events. (What a grain logs names the request it handles without any work here: the logs read the
/// correlation id from Orleans' <see cref="RequestContext"/>, <see cref="CorrelationScopeProvider"/>.)
/// </summary>
/// <remarks>
/// Every grain call passes here (an up-vote makes ~5, and its three events reach ~8 consumers), so the filter is kept
/// cheap: any call other than a delivery is passed on as it is (no state machine), and a delivery records one lag, its
/// oldest event's, which is the delivery's lag: by the time the consumer has applied the batch, every event in it is
/// at most that late.
/// </remarks>
internal sealed class ObservabilityGrainCallFilter(TimeProvider time) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        OldestDelivered(context.Request) is { } oldest ? InvokeDelivery(context, oldest) : context.Invoke();

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
}
