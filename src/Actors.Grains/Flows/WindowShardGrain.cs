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
    IServiceProvider services,
    ILogger<WindowShardGrain> logger)
    : Grain, IWindowShardGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<RecordedEvent>
{
    private const int ReadPage = 4096;

    private Shard[] _shards = [.. NewsWindows.All(options.Value).Select(v => new Shard(v, v.NewAggregate()))];
    private bool _live;

    // PostgreSQL mode only (a snapshot store exists): in memory mode the log and the windows die together.
    private readonly ISnapshotStore? _checkpoints = options.Value.CheckpointSeconds > 0 ? services.GetService<ISnapshotStore>() : null;

    // Every event of this partition at or below this log position is applied (deliveries bring later ones in any order).
    private long _caughtUpTo;
    private long _changesStored = -1;

    private sealed record Shard(WindowedView View, WindowedAggregate Windows)
    {
        public long EvictedAt { get; set; } = long.MinValue;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var restored = _checkpoints is null ? 0 : await RestoreAsync(cancellationToken);
        var (position, events) = await CatchUpAsync(restored, cancellationToken);
        _caughtUpTo = position;
        _live = true;
        logger.LogInformation(
            "Windowed views of partition {Partition} ready in {Elapsed:F1} s: a checkpoint at position {Checkpoint}, then {Events} events of the log",
            Partition, TimeProvider.System.GetElapsedTime(started).TotalSeconds, restored, events);
        if (_checkpoints is not null)
        {
            var period = TimeSpan.FromSeconds(options.Value.CheckpointSeconds);
            this.RegisterGrainTimer(CheckpointAsync, new GrainTimerCreationOptions(period, period));
        }

        await base.OnActivateAsync(cancellationToken);
    }

    private int Partition => int.Parse(this.GetPrimaryKeyString(), NumberStyles.None, CultureInfo.InvariantCulture);

    private string CheckpointId => $"$windows-{NewsStreams.Category}/{this.GetPrimaryKeyString()}";

    /// <summary>Names the views and their windows: a checkpoint of other settings is not used (the log is folded instead).</summary>
    private string Shape => "windows-v1:" + string.Join(';', _shards.Select(s => $"{s.View.Name}/{s.View.Window.Size}/{s.View.Window.Advance}/{s.View.Window.Grace}"));

    /// <summary>Applies the partition's events after <paramref name="position"/> from the log; answers the last position read and how many.</summary>
    private async Task<(long Position, long Events)> CatchUpAsync(long position, CancellationToken cancellationToken)
    {
        long events = 0;
        while (true)
        {
            var page = await log.ReadCategoryPartitionAsync(NewsStreams.Category, Partition, position, ReadPage, cancellationToken);
            foreach (var recorded in page)
            {
                await ApplyAsync(recorded);
            }

            events += page.Count;
            if (page.Count > 0)
            {
                position = page[^1].Position;
            }

            Evict(); // a long history is folded with the memory of the retention, not of the whole history
            if (page.Count < ReadPage)
            {
                return (position, events);
            }
        }
    }

    /// <summary>
    /// The windows as of the last checkpoint, and its log position; 0 when there is none to trust (a checkpoint is a
    /// cache: any doubt means folding the partition's history, which gives the same windows).
    /// </summary>
    private async Task<long> RestoreAsync(CancellationToken cancellationToken)
    {
        var stored = await _checkpoints!.ReadAsync(CheckpointId, cancellationToken);
        if (stored is null || stored.Shape != Shape || stored.Version <= 0)
        {
            return 0;
        }

        var backing = await log.ReadAllAsync(stored.Version - 1, 1, NewsStreams.Category, cancellationToken);
        if (backing.Count == 0 || backing[0].Position != stored.Version)
        {
            logger.LogWarning("The windowed views' checkpoint {Id} at position {Position} is not backed by the log; folding the log", CheckpointId, stored.Version);
            return 0;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(stored.Payload));
            _shards = [.. _shards.Select(s => new Shard(s.View, WindowedAggregate.Read(s.View.Window, reader)))];
            return stored.Version;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
        {
            logger.LogWarning("The windowed views' checkpoint {Id} does not read ({Error}); folding the log", CheckpointId, e.Message);
            _shards = [.. _shards.Select(s => new Shard(s.View, s.View.NewAggregate()))];
            return 0;
        }
    }

    /// <summary>Catches up with the log (so every event at or below the position is in), then stores every view's windows.</summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var (position, _) = await CatchUpAsync(_caughtUpTo, cancellationToken);
        _caughtUpTo = position;
        var changes = _shards.Sum(s => s.Windows.Changes);
        if (position == 0 || changes == _changesStored)
        {
            return;
        }

        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            foreach (var shard in _shards)
            {
                shard.Windows.Write(writer);
            }
        }

        try
        {
            await _checkpoints!.WriteAsync(CheckpointId, new StoredSnapshot(position, Shape, payload.ToArray()), cancellationToken);
            _changesStored = changes;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("The windowed views' checkpoint {Id} at position {Position} was not stored ({Error}); trying again later", CheckpointId, position, e.Message);
        }
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
