using System.Collections.Concurrent;
using System.Collections.Frozen;
using Orleans.Streams.Filtering;

namespace Actors.EventSourcing;

/// <summary>
/// The stream filter of the <c>events</c> provider: an explicit subscription made with <see cref="Only"/>'s filter data
/// is delivered only the events of those types; every other subscription (implicit consumers, subscriptions without
/// filter data) gets everything, as before.
/// </summary>
/// <remarks>
/// The pulling agent asks the filter before it delivers, so a subscriber that follows a few event types pays nothing
/// for the rest: no delivery call, no turn. The gateway's session cache follows the users streams for three event types
/// of a user's credentials, and every up-vote appends two users events (the voter's spend and the author's credit) that
/// were delivered to it, one call per batch and one look per event, only to be ignored.
/// </remarks>
public sealed class EventTypeFilter : IStreamFilter
{
    private const string Prefix = "types:";

    private readonly ConcurrentDictionary<string, FrozenSet<string>> _parsed = new(StringComparer.Ordinal);

    /// <summary>Filter data for a subscription that follows only events of these types.</summary>
    public static string Only(params Type[] types) => Prefix + string.Join(',', types.Select(EventTypes.NameOf));

    public bool ShouldDeliver(StreamId streamId, object item, string? filterData)
    {
        if (filterData is null || !filterData.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return true;
        }

        var types = _parsed.GetOrAdd(filterData, static data => data[Prefix.Length..].Split(',').ToFrozenSet(StringComparer.Ordinal));
        return item is RecordedEvent { Data: { } data } && types.Contains(EventTypes.NameOf(data.GetType()));
    }
}
