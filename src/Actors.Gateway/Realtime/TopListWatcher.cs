using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Actors.EventSourcing;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The <c>news.top</c> channel: a subscriber first gets the front page (<c>news.top-snapshot</c>), then only what changed
/// (<c>news.top-changed</c>: news that entered, moved or changed, with their new rank, and news that left), after news
/// events and, while anyone follows it, every <see cref="RealtimeOptions.TopAgingInterval"/> (ranks age).
/// <para>
/// The list comes from the ranking read model. The ranking grain hears the same events on its own subscription, so this
/// watcher hands it the newest event of each news it was told about in the same call that reads the page
/// (<c>ApplyAndGetTop</c>, idempotent by stream version): the page includes those events, whichever subscriber was first.
/// </para>
/// <para>
/// Exactness: every diff is computed, numbered (<c>rev</c>, with <c>base</c> = the rev it applies to) and queued to every
/// subscriber under one lock, and a snapshot is queued and the socket subscribed under the same lock: each subscriber
/// sees its snapshot, then every later diff in order, so applying them gives the list this watcher holds.
/// </para>
/// <para>
/// Cost: one read of the ranking grain per batch of events (however many arrived meanwhile), at most one push per
/// <see cref="RealtimeOptions.TopMinInterval"/>, each serialized once and the same bytes queued to every socket.
/// </para>
/// </summary>
internal sealed class TopListWatcher(
    IGrainFactory grains,
    RealtimeHub hub,
    IOptions<RealtimeOptions> options,
    ILogger<TopListWatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, RecordedEvent> _pending = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly Lock _gate = new();

    // Under _gate: the list every subscriber holds (once its queue has drained), its revision, total and position.
    private NewsView[]? _shown;
    private int _total;
    private long _rev;
    private long _position;
    private byte[]? _snapshot; // _shown as a snapshot push, written once per revision

    /// <summary>News event <paramref name="recorded"/> of <paramref name="newsId"/> reached the gateway.</summary>
    public void Notify(RecordedEvent recorded, long newsId)
    {
        if (!hub.HasSubscribers(Channels.Top))
        {
            return;
        }

        _pending.AddOrUpdate(newsId, recorded, (_, old) => old.Version >= recorded.Version ? old : recorded);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>
    /// Subscribes <paramref name="outbox"/> to <c>news.top</c> and queues the current list to it first. Returns the revision
    /// of that snapshot.
    /// </summary>
    public async Task<long> SubscribeAsync(Outbox outbox)
    {
        NewsPage? fresh = null;
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
                    _snapshot ??= SnapshotPush(_shown, _total, _rev, _position);
                    outbox.TryPush(_snapshot);
                    hub.Subscribe(Channels.Top, outbox);
                    // The list held may be older than the ranking (nobody followed it for a while): have it re-read now.
                    _signal.Writer.TryWrite(true);
                    return _rev;
                }
            }

            fresh = await grains.GetGrain<INewsRankingGrain>(0).GetTop(0, options.Value.TopCount);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ranking = grains.GetGrain<INewsRankingGrain>(0);
        var interval = options.Value.TopAgingInterval;
        var recent = new List<RecordedEvent>();
        var touched = new HashSet<long>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(interval);
                    try
                    {
                        await _signal.Reader.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        // The aging tick.
                    }
                }

                if (!hub.HasSubscribers(Channels.Top))
                {
                    lock (_gate)
                    {
                        // Checked again under the lock subscribing takes: a subscriber that arrived meanwhile keeps its events.
                        if (!hub.HasSubscribers(Channels.Top))
                        {
                            // Nobody holds the list: the next subscriber starts from a fresh one.
                            _pending.Clear();
                            _shown = null;
                            _snapshot = null;
                        }
                    }

                    continue;
                }

                recent.Clear();
                touched.Clear();
                long position = 0;
                foreach (var newsId in _pending.Keys)
                {
                    if (_pending.TryRemove(newsId, out var recorded))
                    {
                        recent.Add(recorded);
                        touched.Add(newsId);
                        position = Math.Max(position, recorded.Position);
                    }
                }

                var page = await ranking.ApplyAndGetTop(recent, 0, options.Value.TopCount);
                if (Publish(page, touched, position) && options.Value.TopMinInterval > TimeSpan.Zero)
                {
                    // Votes arriving meanwhile are folded into the next push.
                    await Task.Delay(options.Value.TopMinInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Hand the events back for the next round, so a failed read does not leave the list behind them.
                foreach (var recorded in recent)
                {
                    _pending.AddOrUpdate(((INewsEvent)recorded.Data).NewsId, recorded, (_, old) => old.Version >= recorded.Version ? old : recorded);
                }

                _signal.Writer.TryWrite(true);
                logger.LogWarning(e, "Realtime: could not refresh the top list; retrying in a second");
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

    /// <summary>Diffs <paramref name="page"/> against the list held and pushes the difference, if any. Returns whether it pushed.</summary>
    private bool Publish(NewsPage page, HashSet<long> touched, long position)
    {
        lock (_gate)
        {
            if (_shown is null)
            {
                return false; // nobody has a snapshot yet; the first subscriber reads its own
            }

            _position = Math.Max(_position, position);
            var diff = Diff(_shown, page.Items);
            // Push also when nothing visible changed but an event of a listed news arrived (the ranking had heard it
            // first): that push carries the event's position, which a client waiting for its own vote needs to see.
            if (diff.IsEmpty && _total == page.Total && !page.Items.Any(n => touched.Contains(n.Id)))
            {
                return false;
            }

            _shown = [.. page.Items];
            _total = page.Total;
            _rev++;
            _snapshot = null;
            hub.Publish(Channels.Top, DiffPush(diff, _total, _rev, _position));
            return true;
        }
    }

    /// <summary>What turns <paramref name="before"/> into <paramref name="after"/>: news whose rank or content changed, and news that left.</summary>
    internal static TopDiff Diff(IReadOnlyList<NewsView> before, IReadOnlyList<NewsView> after)
    {
        var old = new Dictionary<long, (int Rank, NewsView View)>(before.Count);
        for (var i = 0; i < before.Count; i++)
        {
            old[before[i].Id] = (i + 1, before[i]);
        }

        var changed = new List<(int Rank, NewsView View, bool Full)>();
        for (var i = 0; i < after.Count; i++)
        {
            var news = after[i];
            if (!old.Remove(news.Id, out var was) || was.View != news)
            {
                changed.Add((i + 1, news, true));
            }
            else if (was.Rank != i + 1)
            {
                changed.Add((i + 1, news, false));
            }
        }

        return new TopDiff(changed, [.. old.Keys]);
    }

    internal sealed record TopDiff(List<(int Rank, NewsView View, bool Full)> Changed, long[] Removed)
    {
        public bool IsEmpty => Changed.Count == 0 && Removed.Length == 0;
    }

    /// <summary><c>{"rev","count","news":[every item with its rank]}</c>.</summary>
    private static byte[] SnapshotPush(NewsView[] list, int total, long rev, long position) =>
        Pushes.Push(PushNames.TopSnapshot, Channels.Top, position, json =>
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

    /// <summary>
    /// <c>{"rev","base","count","set":[...],"removed":[ids]}</c>: <c>set</c> has each news that entered or changed in full
    /// and each news that only moved as <c>{"id","rank"}</c>; news not named keep their rank.
    /// </summary>
    private static byte[] DiffPush(TopDiff diff, int total, long rev, long position) =>
        Pushes.Push(PushNames.TopChanged, Channels.Top, position, json =>
        {
            json.WriteNumber("rev", rev);
            json.WriteNumber("base", rev - 1);
            json.WriteNumber("count", total);
            json.WriteStartArray("set");
            foreach (var (rank, view, full) in diff.Changed)
            {
                WriteItem(json, view, rank, full);
            }

            json.WriteEndArray();
            json.WriteStartArray("removed");
            foreach (var id in diff.Removed)
            {
                json.WriteNumberValue(id);
            }

            json.WriteEndArray();
        });

    private static void WriteItem(Utf8JsonWriter json, NewsView news, int rank, bool full)
    {
        json.WriteStartObject();
        json.WriteNumber("id", news.Id);
        json.WriteNumber("rank", rank);
        if (full)
        {
            json.WriteString("title", news.Title);
            json.WriteString("url", news.Url);
            json.WriteNumber("ctime", news.CreatedAt);
            json.WriteNumber("up", news.Up);
            json.WriteNumber("down", news.Down);
            json.WriteNumber("comments", news.Comments);
            json.WriteString("username", news.Username);
            json.WriteNumber("score", Math.Round(news.Score, 6));
        }

        json.WriteEndObject();
    }
}
