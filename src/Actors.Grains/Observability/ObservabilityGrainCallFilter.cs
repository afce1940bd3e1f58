using Actors.EventSourcing;
using Orleans.Runtime;
using Orleans.Serialization.Invocation;
using Orleans.Streams;

namespace Actors.Observability;

/// <summary>
/// Around every grain call: for a stream delivery, records the consumer's delivery lag once it has applied the
/// delivered events, and its flow (<see cref="StreamFlows"/>: what it applied, or the failed delivery a failure handler
/// may park). (What a grain logs names the request it handles without any work here: the logs read the correlation id
/// from Orleans' <see cref="RequestContext"/>, <see cref="CorrelationScopeProvider"/>.)
/// </summary>
/// <remarks>
/// Every grain call passes here (an up-vote makes ~5, and its three events reach ~8 consumers), so the filter is kept
/// cheap: any call other than a delivery is passed on as it is (no state machine), and a delivery records one lag, its
/// oldest event's, which is the delivery's lag: by the time the consumer has applied the batch, every event in it is
/// at most that late.
/// </remarks>
internal sealed class ObservabilityGrainCallFilter(TimeProvider time, StreamFlows flows) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        Delivered(context.Request) is { } delivered ? InvokeDelivery(context, delivered) : context.Invoke();

    private async Task InvokeDelivery(IIncomingGrainCallContext context, Delivery delivery)
    {
        // The grain type names the consumer as Orleans' registration of implicit subscribers does (the flow page's list).
        var consumer = context.TargetContext.GrainId.Type.ToString();
        flows.NameSubscription(delivery.Subscription, consumer);
        try
        {
            await context.Invoke();
        }
        catch (Exception e)
        {
            // The pulling agent retries, then gives up and calls the provider's failure handler, which parks these events.
            flows.DeliveryFailed(delivery.Subscription, consumer, delivery.Events, e);
            throw;
        }

        flows.DeliverySucceeded(delivery.Subscription);
        flows.Applied(consumer, delivery.Events);
        if (delivery.Events.Count > 0 && ActorsMetrics.DeliveryLag.Enabled)
        {
            var oldest = delivery.Events[0];
            foreach (var e in delivery.Events)
            {
                if (e.RecordedAt < oldest.RecordedAt)
                {
                    oldest = e;
                }
            }

            ActorsMetrics.RecordDeliveryLag(context.TargetContext.GrainInstance?.GetType().Name ?? "unknown", oldest, time);
        }
    }

    /// <summary>The subscription and recorded domain events of a stream delivery (Orleans' consumer extension calls), or null for any other call.</summary>
    private static Delivery? Delivered(IInvokable request)
    {
        // Orleans delivers stream items through its consumer extension: Deliver{Immutable,Mutable}(subscription, stream, item, ...)
        // and DeliverBatch(subscription, stream, batch, ...). Matching by name keeps this free of Orleans internals.
        // Every grain call passes here: the name first (reading an argument can box it).
        if (request.GetArgumentCount() < 3)
        {
            return null;
        }

        switch (request.GetMethodName())
        {
            case "DeliverImmutable" or "DeliverMutable" when request.GetArgument(2) is RecordedEvent e && request.GetArgument(0) is GuidId subscription:
                return new Delivery(subscription.Guid, [e]);
            case "DeliverBatch" when request.GetArgument(2) is IBatchContainer batch && request.GetArgument(0) is GuidId subscription:
                var events = new List<RecordedEvent>();
                foreach (var (item, _) in batch.GetEvents<RecordedEvent>())
                {
                    events.Add(item);
                }

                return new Delivery(subscription.Guid, events);
            default:
                return null;
        }
    }

    private sealed record Delivery(Guid Subscription, IReadOnlyList<RecordedEvent> Events);
}
