namespace Actors.Flows;

/// <summary>What one event of a view's source means to the view: its key, when it happened, what it adds.</summary>
/// <param name="Key">The aggregate the event belongs to (one stream per key: versions order a key's events).</param>
/// <param name="Time">Event time, Unix milliseconds (the event's own time, not when it was delivered).</param>
/// <param name="Value">What it adds to its windows; 0 for an event the view does not count.</param>
/// <param name="Ends">The key leaves the view's top-K lists (e.g. a deleted news).</param>
public readonly record struct WindowInput(long Key, long Time, long Value, bool Ends = false);

/// <summary>
/// The one declaration of a windowed view: its name, the category of the event log it reads (delivered on the
/// <c>events</c> streams of that namespace, sharded like them by key), the filter/map from a domain event to a
/// <see cref="WindowInput"/> (null: not of this view's stream of inputs), its windows, and how far back reads go
/// (older windows are forgotten).
/// </summary>
public sealed record WindowedView(string Name, string Category, WindowSpec Window, long Retention, Func<object, WindowInput?> Map)
{
    /// <summary>The aggregation the view keeps, empty.</summary>
    public WindowedAggregate NewAggregate() => new(Window);

    /// <summary>The horizon of <see cref="WindowedAggregate.Evict"/> at <paramref name="now"/>: windows that ended before the retention.</summary>
    public long HorizonAt(long now) => Window.NewestEndAt(now) - Retention - Window.Grace;
}
