using Actors.EventSourcing;

namespace Actors.Flows;

/// <summary>One key's value in a window, as the window grains answer it.</summary>
[GenerateSerializer, Immutable, Alias("actors.flows.window-rank")]
public readonly record struct WindowRank([property: Id(0)] long Key, [property: Id(1)] long Value);

/// <summary>The top of a windowed view: the window it was read for (its end, Unix ms) and the keys by value.
/// <paramref name="Total"/> is how many keys have a positive value in that window.</summary>
[GenerateSerializer, Immutable, Alias("actors.flows.window-top")]
public sealed record WindowTop([property: Id(0)] long End, [property: Id(1)] IReadOnlyList<WindowRank> Ranks, [property: Id(2)] int Total);

/// <summary>One key's values in consecutive windows, the first ending at <paramref name="FirstEnd"/> (Unix ms).</summary>
[GenerateSerializer, Immutable, Alias("actors.flows.window-series")]
public sealed record WindowSeries([property: Id(0)] long FirstEnd, [property: Id(1)] long Step, [property: Id(2)] long[] Values);

/// <summary>
/// One shard of the windowed views of a category (keyed by the delivery partition, "0".."7": the consumer of that
/// partition's events holds the windows of its keys). Every event is applied once per (stream, version).
/// </summary>
[Alias("actors.flows.IWindowShardGrain")]
public interface IWindowShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies <paramref name="recent"/> (idempotent, like a delivery), then answers the <paramref name="count"/> keys
    /// with the largest values in <paramref name="view"/>'s window ending at <paramref name="end"/>.
    /// </summary>
    Task<WindowTop> Top(string view, long end, int count, IReadOnlyList<RecordedEvent> recent);

    /// <summary><paramref name="key"/>'s values in <paramref name="count"/> windows of <paramref name="view"/>, the first ending at <paramref name="firstEnd"/>.</summary>
    Task<long[]> Series(string view, long key, long firstEnd, int count);

    /// <summary>Events of <paramref name="view"/> kept out of at least one window since the shard activated.</summary>
    Task<long> LateEvents(string view);
}

/// <summary>
/// The read side of a windowed view (keyed by its name): the window of "now" on the domain clock, asked of every
/// shard and merged. Stateless: any silo answers.
/// </summary>
[Alias("actors.flows.IWindowViewGrain")]
public interface IWindowViewGrain : IGrainWithStringKey
{
    /// <summary>The top <paramref name="count"/> keys of the open window, after applying <paramref name="recent"/> to their shards.</summary>
    Task<WindowTop> Top(int count, IReadOnlyList<RecordedEvent> recent);

    /// <summary><paramref name="key"/>'s values over the view's retention, up to the open window.</summary>
    Task<WindowSeries> Series(long key);
}
