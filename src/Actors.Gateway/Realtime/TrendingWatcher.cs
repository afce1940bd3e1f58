using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Actors.EventSourcing;
using Actors.Gateway.News;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The <c>news.trending</c> channel, shaped like <c>news.top</c> (<see cref="TopListWatcher"/>): a subscriber first gets
/// <c>news.trending-snapshot</c> <c>{"rev","count","news":[...]}</c>, then <c>news.trending-changed</c>
/// <c>{"rev","base","count","set","removed"}</c> with the news that entered, moved or changed (each item carries its
/// <c>activity</c>: votes and comments in the open window). The view is re-read after news events (handed to their
/// shards in the same call, idempotent by version, so the read includes them whichever subscriber heard them first),
/// which re-emits it when a late event within grace changed a window, and every
/// <see cref="RealtimeOptions.TopAgingInterval"/> while followed (the window slides every advance).
/// </summary>
internal sealed class TrendingWatcher(
    TrendingReader trending,
    RealtimeHub hub,
    IOptions<RealtimeOptions> options,
    ILogger<TrendingWatcher> logger) : BackgroundService
{
    public const string Channel = "news.trending";

    private readonly ConcurrentDictionary<string, RecordedEvent> _pending = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly Lock _gate = new();
    private TrendingItem[]? _shown;
    private int _total;
    private long _rev;
    private long _position;
    private byte[]? _snapshot;

    /// <summary>A news event reached the gateway.</summary>
    public void Notify(RecordedEvent recorded)
    {
        if (!trending.Enabled || !hub.HasSubscribers(Channel))
        {
            return;
        }

        _pending.AddOrUpdate(recorded.StreamId, recorded, (_, old) => old.Version >= recorded.Version ? old : recorded);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Subscribes <paramref name="outbox"/> and queues the current list to it first; returns the snapshot's rev.</summary>
    public async Task<long> SubscribeAsync(Outbox outbox)
    {
        TrendingPage? fresh = null;
        while (true)
        {
            lock (_gate)
            {
                if (_shown is null && fresh is not null)
                {
                    _shown = [.. fresh.Items];
                    _total = fresh.Total;
                    _rev++;
                    _snapshot = null;
                }

                if (_shown is not null)
                {
                    _snapshot ??= Snapshot(_shown, _total, _rev, _position);
                    outbox.TryPush(_snapshot);
                    hub.Subscribe(Channel, outbox);
                    _signal.Writer.TryWrite(true);
                    return _rev;
                }
            }

            fresh = await trending.PageAsync(0, options.Value.TopCount);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recent = new List<RecordedEvent>();
        while (!stoppingToken.IsCancellationRequested && trending.Enabled)
        {
            try
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(options.Value.TopAgingInterval);
                    try
                    {
                        await _signal.Reader.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        // The sliding tick.
                    }
                }

                if (!hub.HasSubscribers(Channel))
                {
                    lock (_gate)
                    {
                        if (!hub.HasSubscribers(Channel))
                        {
                            _pending.Clear();
                            _shown = null;
                            _snapshot = null;
                        }
                    }

                    continue;
                }

                recent.Clear();
                long position = 0;
                foreach (var stream in _pending.Keys)
                {
                    if (_pending.TryRemove(stream, out var recorded))
                    {
                        recent.Add(recorded);
                        position = Math.Max(position, recorded.Position);
                    }
                }

                var page = await trending.PageAsync(0, options.Value.TopCount, recent);
                if (Publish(page, position) && options.Value.TopMinInterval > TimeSpan.Zero)
                {
                    await Task.Delay(options.Value.TopMinInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                foreach (var recorded in recent)
                {
                    _pending.AddOrUpdate(recorded.StreamId, recorded, (_, old) => old.Version >= recorded.Version ? old : recorded);
                }

                _signal.Writer.TryWrite(true);
                logger.LogWarning(e, "Realtime: could not refresh the trending list; retrying in a second");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private bool Publish(TrendingPage page, long position)
    {
        lock (_gate)
        {
            if (_shown is null)
            {
                return false;
            }

            _position = Math.Max(_position, position);
            var (changed, removed) = Diff(_shown, page.Items);
            if (changed.Count == 0 && removed.Length == 0 && _total == page.Total)
            {
                return false;
            }

            _shown = [.. page.Items];
            _total = page.Total;
            _rev++;
            _snapshot = null;
            var rev = _rev;
            var total = _total;
            hub.Publish(Channel, Pushes.Push(PushNames.TrendingChanged, Channel, _position, json =>
            {
                json.WriteNumber("rev", rev);
                json.WriteNumber("base", rev - 1);
                json.WriteNumber("count", total);
                json.WriteStartArray("set");
                foreach (var (rank, item, full) in changed)
                {
                    WriteItem(json, item, rank, full);
                }

                json.WriteEndArray();
                json.WriteStartArray("removed");
                foreach (var id in removed)
                {
                    json.WriteNumberValue(id);
                }

                json.WriteEndArray();
            }));
            return true;
        }
    }

    /// <summary>News that entered or changed (in full: their view or activity differs), that only moved, and that left.</summary>
    internal static (List<(int Rank, TrendingItem Item, bool Full)> Changed, long[] Removed) Diff(IReadOnlyList<TrendingItem> before, IReadOnlyList<TrendingItem> after)
    {
        var old = new Dictionary<long, (int Rank, TrendingItem Item)>(before.Count);
        for (var i = 0; i < before.Count; i++)
        {
            old[before[i].News.Id] = (i + 1, before[i]);
        }

        var changed = new List<(int, TrendingItem, bool)>();
        for (var i = 0; i < after.Count; i++)
        {
            var item = after[i];
            if (!old.Remove(item.News.Id, out var was) || was.Item != item)
            {
                changed.Add((i + 1, item, true));
            }
            else if (was.Rank != i + 1)
            {
                changed.Add((i + 1, item, false));
            }
        }

        return (changed, [.. old.Keys]);
    }

    private static byte[] Snapshot(TrendingItem[] list, int total, long rev, long position) =>
        Pushes.Push(PushNames.TrendingSnapshot, Channel, position, json =>
        {
            json.WriteNumber("rev", rev);
            json.WriteNumber("count", total);
            json.WriteStartArray("news");
            for (var i = 0; i < list.Length; i++)
            {
                WriteItem(json, list[i], i + 1, full: true);
            }

            json.WriteEndArray();
        });

    private static void WriteItem(Utf8JsonWriter json, TrendingItem item, int rank, bool full)
    {
        var news = item.News;
        json.WriteStartObject();
        json.WriteNumber("id", news.Id);
        json.WriteNumber("rank", rank);
        if (full)
        {
            json.WriteNumber("activity", item.Activity);
            json.WriteString("title", news.Title);
            json.WriteString("url", news.Url);
            json.WriteNumber("ctime", news.CreatedAt);
            json.WriteNumber("up", news.Up);
            json.WriteNumber("down", news.Down);
            json.WriteNumber("comments", news.Comments);
            json.WriteString("username", news.Username);
        }

        json.WriteEndObject();
    }
}
