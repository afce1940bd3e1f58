using System.Globalization;
using Actors.EventSourcing;
using Actors.Hosting;
using Actors.News;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Actors.Flows;

/// <summary>
/// The read side of one windowed view (keyed by its name): the open window on the domain clock, asked of every shard
/// (<see cref="WindowShardGrain"/>, one per delivery partition) at once, and their top-K lists merged
/// (<see cref="TopK.Merge"/>: exact, every key lives in one shard). Holds nothing, so any silo runs it.
/// </summary>
[StatelessWorker]
public sealed class WindowViewGrain(
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<TrendingOptions> options) : Grain, IWindowViewGrain
{
    private WindowedView View => NewsWindows.All(options.Value).FirstOrDefault(v => v.Name == this.GetPrimaryKeyString())
        ?? throw new ArgumentException($"No windowed view named '{this.GetPrimaryKeyString()}'.");

    public async Task<WindowTop> Top(int count, IReadOnlyList<RecordedEvent> recent)
    {
        var view = View;
        var end = view.Window.NewestEndAt(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var byPartition = recent.ToLookup(r => EventStreams.PartitionOf(r.StreamId));
        var shards = await Task.WhenAll(Enumerable.Range(0, EventStreams.Partitions).Select(p =>
            Shard(p).Top(view.Name, end, count, [.. byPartition[p]])));
        var merged = TopK.Merge(shards.Select(s => s.Ranks.Select(r => new Ranked(r.Key, r.Value)).ToList()), count);
        return new WindowTop(end, [.. merged.Select(r => new WindowRank(r.Key, r.Value))], shards.Sum(s => s.Total));
    }

    public async Task<WindowSeries> Series(long key)
    {
        var view = View;
        var step = view.Window.Advance;
        var count = (int)(view.Retention / step);
        var firstEnd = view.Window.NewestEndAt(clock.GetUtcNow().ToUnixTimeMilliseconds()) - (count - 1) * step;
        var stream = EventStreams.StreamOf(view.Category, key.ToString(CultureInfo.InvariantCulture));
        var values = await Shard(EventStreams.PartitionOf(stream)).Series(view.Name, key, firstEnd, count);
        return new WindowSeries(firstEnd, step, values);
    }

    private IWindowShardGrain Shard(int partition) =>
        GrainFactory.GetGrain<IWindowShardGrain>(partition.ToString(CultureInfo.InvariantCulture));
}
