using Actors.EventSourcing;
using Actors.Postgres.Delivery;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Actors.Observability;

/// <summary>
/// The flow page's data: every consumer of the event streams with how it keeps up and what it has parked, and the
/// parked events. The consumers are what is registered, not a list kept here: Orleans' registration of implicit stream
/// subscribers (every grain class with <c>[ImplicitStreamSubscription]</c>, read from the cluster manifest) and the
/// consumers that registered themselves with <see cref="StreamFlows.Register"/> (the gateway's fan-out and caches). A
/// new consumer grain or operator appears without a change here.
/// </summary>
public sealed class FlowReport(StreamFlows flows, GrainBindingsResolver bindings, GrainPropertiesResolver properties, IParkedEventStore? parked = null)
{
    private const string NamespacePattern = "namespace:";

    /// <summary>Every consumer: the implicit subscribers by grain type, then the registered ones, by name.</summary>
    public IReadOnlyList<FlowConsumer> Consumers()
    {
        var consumers = new List<FlowConsumer>();
        foreach (var (grainType, grainBindings) in bindings.GetAllBindings().Bindings)
        {
            var categories = grainBindings.Bindings
                .Where(b => b.GetValueOrDefault(WellKnownGrainTypeProperties.BindingTypeKey) == WellKnownGrainTypeProperties.StreamBindingTypeValue)
                .Select(b => b.GetValueOrDefault(WellKnownGrainTypeProperties.StreamBindingPatternKey))
                .Where(p => p is not null && p.StartsWith(NamespacePattern, StringComparison.Ordinal))
                .Select(p => p![NamespacePattern.Length..])
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (categories.Count > 0)
            {
                consumers.Add(new FlowConsumer(grainType.ToString(), "grain " + ClassOf(grainType), categories));
            }
        }

        consumers.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        consumers.AddRange(flows.Registered.OrderBy(c => c.Name, StringComparer.Ordinal));
        return consumers;
    }

    /// <summary>A snapshot of every consumer's flow and the parked events still waiting.</summary>
    public async Task<FlowSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        var waiting = parked is null ? [] : await parked.ListAsync(cancellationToken: cancellationToken);
        var counts = parked is null ? new Dictionary<string, int>() : await parked.CountWaitingAsync(cancellationToken);
        var consumers = Consumers()
            .Select(c => new ConsumerRow(flows.FlowOf(c), counts.GetValueOrDefault(c.Name)))
            .ToList();
        return new FlowSnapshot(flows.HandedOverCount, consumers, waiting, parked is not null);
    }

    private string ClassOf(GrainType grainType) =>
        properties.TryGetGrainProperties(grainType, out var props) && props.Properties.TryGetValue(WellKnownGrainTypeProperties.TypeName, out var name)
            ? name
            : grainType.ToString();
}

/// <summary>The flow page's data (<c>/admin/flows.json</c>).</summary>
public sealed record FlowSnapshot(long HandedOver, IReadOnlyList<ConsumerRow> Consumers, IReadOnlyList<ParkedEvent> Parked, bool Parking);

/// <summary>One consumer's row: its flow and how many of its events are parked.</summary>
public sealed record ConsumerRow(ConsumerFlow Flow, int Parked);
