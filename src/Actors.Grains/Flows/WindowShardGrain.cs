using System.Diagnostics.Metrics;
using System.Globalization;
using Actors.EventSourcing;
using Actors.Hosting;
using Actors.News;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Flows;

/// <summary>
/// The windowed views of the news category (<see cref="NewsWindows"/>) for one delivery partition: the consumer of
/// that partition's events holds the windows of its keys (a key's events all travel on its stream's partition), so a
/// view is sharded by key over the partitions with no call between the delivery and the windows. Thin: the window math
/// is <see cref="WindowedAggregate"/>'s; here are the delivery, the log reads and the clock.
/// <para>
/// Idempotent by (stream, version): a repeat is recognised by the key's version, a gap (a version missed) is filled by
/// reading the stream from the log first, as the ranking does. Rebuilt from the log on activation (the partition's news
/// events; windows older than the retention are forgotten as they go), in memory and PostgreSQL mode alike.
/// </para>
/// </summary>
[ImplicitStreamSubscription(NewsStreams.Category)]
[KeepAlive]
public sealed class WindowShardGrain(
    IEventLog log,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<TrendingOptions> options,
    ILogger<WindowShardGrain> logger)
    : Grain, IWindowShardGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<RecordedEvent>
{
    private const int ReadPage = 4096;

    private readonly Shard[] _shards = [.. NewsWindows.All(options.Value).Select(v => new Shard(v, v.NewAggregate()))];
    private bool _live;

    private sealed record Shard(WindowedView View, WindowedAggregate Windows)
    {
        public long EvictedAt { get; set; } = long.MinValue;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var partition = int.Parse(this.GetPrimaryKeyString(), NumberStyles.None, CultureInfo.InvariantCulture);
        var started = TimeProvider.System.GetTimestamp();
        long position = 0, events = 0;
        while (true)
        {
            var page = await log.ReadCategoryPartitionAsync(NewsStreams.Category, partition, position, ReadPage, cancellationToken);
            foreach (var recorded in page)
            {
                await ApplyAsync(recorded);
            }

            events += page.Count;
            if (page.Count < ReadPage)
            {
                break;
            }

            position = page[^1].Position;
            Evict(); // a long history is folded with the memory of the retention, not of the whole history
        }

        Evict();
        _live = true;
        logger.LogInformation(
            "Windowed views of partition {Partition} rebuilt from {Events} events in {Elapsed:F1} s",
            partition, events, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<RecordedEvent>> items)
    {
        foreach (var item in items)
        {
            await ApplyAsync(item.Item);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public async Task<WindowTop> Top(string view, long end, int count, IReadOnlyList<RecordedEvent> recent)
    {
        foreach (var recorded in recent)
        {
            await ApplyAsync(recorded);
        }

        Evict();
        var windows = ShardOf(view).Windows;
        var top = windows.Top(end, int.MaxValue);
        return new WindowTop(end, [.. top.Take(count).Select(r => new WindowRank(r.Key, r.Value))], top.Count);
    }

    public Task<long[]> Series(string view, long key, long firstEnd, int count)
    {
        Evict();
        return Task.FromResult(ShardOf(view).Windows.Series(key, firstEnd, count));
    }

    public Task<long> LateEvents(string view) => Task.FromResult(ShardOf(view).Windows.LateEvents);

    private Shard ShardOf(string view) =>
        _shards.FirstOrDefault(s => s.View.Name == view) ?? throw new ArgumentException($"No windowed view named '{view}'.", nameof(view));

    private async Task ApplyAsync(RecordedEvent recorded)
    {
        foreach (var shard in _shards)
        {
            if (shard.View.Map(recorded.Data) is not { } input)
            {
                continue;
            }

            var applied = shard.Windows.Apply(input.Key, recorded.Version, input.Time, input.Value, input.Ends);
            if (applied.Outcome == WindowOutcome.Gap)
            {
                // A version missed (a delivery lost to a restart, or this event overtook it): read what is missing, in order.
                foreach (var missed in await log.ReadStreamAsync(recorded.StreamId, applied.KnownVersion))
                {
                    if (missed.Version > recorded.Version)
                    {
                        break;
                    }

                    if (shard.View.Map(missed.Data) is { } m)
                    {
                        Report(shard, missed, m, shard.Windows.Apply(m.Key, missed.Version, m.Time, m.Value, m.Ends));
                    }
                }

                continue;
            }

            Report(shard, recorded, input, applied);
        }
    }

    /// <summary>Late events are counted (metric <c>actors_window_late_events_total</c>) and, once live, logged.</summary>
    private void Report(Shard shard, RecordedEvent recorded, WindowInput input, WindowApplied applied)
    {
        if (applied.Outcome is not (WindowOutcome.Late or WindowOutcome.PartlyLate))
        {
            return;
        }

        FlowMetrics.LateEvents.Add(1, new KeyValuePair<string, object?>("view", shard.View.Name), new KeyValuePair<string, object?>("outcome", applied.Outcome == WindowOutcome.Late ? "kept-out" : "partly-kept-out"));
        if (_live)
        {
            logger.LogInformation(
                "Windowed view {View}: event {Stream}/{Version} of {EventTime:O} is late, kept out of {Windows} closed window(s) ({Outcome})",
                shard.View.Name, recorded.StreamId, recorded.Version, DateTimeOffset.FromUnixTimeMilliseconds(input.Time), applied.WindowsKeptOut, applied.Outcome);
        }
    }

    /// <summary>Forgets windows past the retention, at most once per advance of each view.</summary>
    private void Evict()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var shard in _shards)
        {
            var horizon = shard.View.HorizonAt(now);
            if (horizon >= shard.EvictedAt + shard.View.Window.Advance)
            {
                shard.Windows.Evict(horizon);
                shard.EvictedAt = horizon;
            }
        }
    }
}

/// <summary>The windowed views' instruments, on the project's meter.</summary>
internal static class FlowMetrics
{
    private static readonly Meter Meter = new(Observability.ActorsMetrics.MeterName, "1.0");

    /// <summary>Events kept out of at least one window because they came later than grace, by view and outcome.</summary>
    public static readonly Counter<long> LateEvents =
        Meter.CreateCounter<long>("actors.window.late_events", "{event}", "Events later than the grace period of a windowed view, kept out of closed windows.");
}
