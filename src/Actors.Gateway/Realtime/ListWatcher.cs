using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Actors.EventSourcing;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

/// <summary>
/// A followed list of news as a channel (<c>news.top</c>, <c>news.trending</c>): a subscriber first gets the list
/// (<c>…-snapshot</c> <c>{"rev","count","news":[...]}</c>), then only what changed (<c>…-changed</c>
/// <c>{"rev","base","count","set","removed"}</c>: news that entered, moved or changed, with their new rank, and news that
/// left), after news events and, while anyone follows it, every <see cref="RealtimeOptions.TopAgingInterval"/> (ranks
/// age, windows slide).
/// <para>
/// The list comes from a read model that hears the same events on its own subscription, so the watcher hands it the
/// newest event of each stream it was told about in the same call that reads the page (idempotent by stream version):
/// the page includes those events, whichever subscriber was first.
/// </para>
/// <para>
/// Exactness: every diff is computed, numbered (<c>rev</c>, with <c>base</c> = the rev it applies to) and queued to every
/// subscriber under one lock, and a snapshot is queued and the socket subscribed under the same lock: each subscriber
/// sees its snapshot, then every later diff in order, so applying them gives the list this watcher holds.
/// </para>
/// <para>
/// Cost: one read of the read model per batch of events (however many arrived meanwhile), at most one push per
/// <see cref="RealtimeOptions.TopMinInterval"/>, each serialized once and the same bytes queued to every socket.
/// </para>
/// </summary>
/// <typeparam name="TItem">One line of the list, compared by value to find what changed.</typeparam>
internal abstract class ListWatcher<TItem>(RealtimeHub hub, IOptions<RealtimeOptions> options, ILogger logger) : BackgroundService
    where TItem : class
{
    private readonly ConcurrentDictionary<string, RecordedEvent> _pending = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly Lock _gate = new();

    // Under _gate: the list every subscriber holds (once its queue has drained), its revision, total and position.
    private TItem[]? _shown;
    private int _total;
    private long _rev;
    private long _position;
    private byte[]? _snapshot; // _shown as a snapshot push, written once per revision

    /// <summary>How many lines the list shows.</summary>
    protected int Count => options.Value.TopCount;

    /// <summary>The channel's name.</summary>
    protected abstract string ChannelName { get; }

    /// <summary>The push names of the snapshot and of a change.</summary>
    protected abstract (string Snapshot, string Changed) Names { get; }

    /// <summary>False when the site has the list turned off: the watcher then does nothing.</summary>
    protected virtual bool Enabled => true;

    /// <summary>What the list is called in a log line (<c>the top list</c>).</summary>
    protected abstract string ListName { get; }

    /// <summary>The first page of the list, after the read model has taken <paramref name="recent"/> (possibly empty).</summary>
    protected abstract Task<(IReadOnlyList<TItem> Items, int Total)> ReadAsync(IReadOnlyList<RecordedEvent> recent);

    /// <summary>The news id of a line.</summary>
    protected abstract long IdOf(TItem item);

    /// <summary>A line's fields besides <c>id</c> and <c>rank</c>, written in full when it entered or changed.</summary>
    protected abstract void WriteFields(Utf8JsonWriter json, TItem item);

    /// <summary>
    /// Whether to push although nothing visible changed, given the events just read (<paramref name="recent"/>): a list
    /// whose clients wait for their own write's position says yes when such an event touched a listed news.
    /// </summary>
    protected virtual bool PushUnchanged(IReadOnlyList<TItem> items, IReadOnlyList<RecordedEvent> recent) => false;

    /// <summary>A news event reached the gateway.</summary>
    public void Notify(RecordedEvent recorded)
    {
        if (!Enabled || !hub.HasSubscribers(ChannelName))
        {
            return;
        }

        _pending.AddOrUpdate(recorded.StreamId, recorded, (_, old) => old.Version >= recorded.Version ? old : recorded);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Subscribes <paramref name="outbox"/> and queues the current list to it first; returns the snapshot's rev.</summary>
    public async Task<long> SubscribeAsync(Outbox outbox)
    {
        (IReadOnlyList<TItem> Items, int Total)? fresh = null;
        while (true)
        {
            lock (_gate)
            {
                if (_shown is null && fresh is { } page)
                {
                    _shown = [.. page.Items];
                    _total = page.Total;
                    _rev++;
                    _snapshot = null;
                }

                if (_shown is not null)
                {
                    _snapshot ??= SnapshotPush(_shown, _total, _rev, _position);
                    outbox.TryPush(_snapshot);
                    hub.Subscribe(ChannelName, outbox);
                    // The list held may be older than the read model (nobody followed it for a while): have it re-read now.
                    _signal.Writer.TryWrite(true);
                    return _rev;
                }
            }

            fresh = await ReadAsync([]);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recent = new List<RecordedEvent>();
        while (!stoppingToken.IsCancellationRequested && Enabled)
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
                        // The aging tick.
                    }
                }

                if (!hub.HasSubscribers(ChannelName))
                {
                    lock (_gate)
                    {
                        // Checked again under the lock subscribing takes: a subscriber that arrived meanwhile keeps its events.
                        if (!hub.HasSubscribers(ChannelName))
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
                long position = 0;
                foreach (var stream in _pending.Keys)
                {
                    if (_pending.TryRemove(stream, out var recorded))
                    {
                        recent.Add(recorded);
                        position = Math.Max(position, recorded.Position);
                    }
                }

                var (items, total) = await ReadAsync(recent);
                if (Publish(items, total, recent, position) && options.Value.TopMinInterval > TimeSpan.Zero)
                {
                    // Events arriving meanwhile are folded into the next push.
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
                    _pending.AddOrUpdate(recorded.StreamId, recorded, (_, old) => old.Version >= recorded.Version ? old : recorded);
                }

                _signal.Writer.TryWrite(true);
                logger.LogWarning(e, "Realtime: could not refresh {List}; retrying in a second", ListName);
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

    /// <summary>Diffs the page against the list held and pushes the difference, if any. Returns whether it pushed.</summary>
    private bool Publish(IReadOnlyList<TItem> items, int total, IReadOnlyList<RecordedEvent> recent, long position)
    {
        lock (_gate)
        {
            if (_shown is null)
            {
                return false; // nobody has a snapshot yet; the first subscriber reads its own
            }

            _position = Math.Max(_position, position);
            var diff = Diff(_shown, items, IdOf);
            if (diff.IsEmpty && _total == total && !PushUnchanged(items, recent))
            {
                return false;
            }

            _shown = [.. items];
            _total = total;
            _rev++;
            _snapshot = null;
            hub.Publish(ChannelName, DiffPush(diff, _total, _rev, _position));
            return true;
        }
    }

    /// <summary>What turns <paramref name="before"/> into <paramref name="after"/>: lines whose rank or content changed, and news that left.</summary>
    internal static ListDiff Diff(IReadOnlyList<TItem> before, IReadOnlyList<TItem> after, Func<TItem, long> idOf)
    {
        var old = new Dictionary<long, (int Rank, TItem Item)>(before.Count);
        for (var i = 0; i < before.Count; i++)
        {
            old[idOf(before[i])] = (i + 1, before[i]);
        }

        var changed = new List<(int Rank, TItem Item, bool Full)>();
        for (var i = 0; i < after.Count; i++)
        {
            var item = after[i];
            if (!old.Remove(idOf(item), out var was) || !was.Item.Equals(item))
            {
                changed.Add((i + 1, item, true));
            }
            else if (was.Rank != i + 1)
            {
                changed.Add((i + 1, item, false));
            }
        }

        return new ListDiff(changed, [.. old.Keys]);
    }

    internal sealed record ListDiff(List<(int Rank, TItem Item, bool Full)> Changed, long[] Removed)
    {
        public bool IsEmpty => Changed.Count == 0 && Removed.Length == 0;
    }

    /// <summary><c>{"rev","count","news":[every item with its rank]}</c>.</summary>
    private byte[] SnapshotPush(TItem[] list, int total, long rev, long position) =>
        Pushes.Push(Names.Snapshot, ChannelName, position, json =>
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
    private byte[] DiffPush(ListDiff diff, int total, long rev, long position) =>
        Pushes.Push(Names.Changed, ChannelName, position, json =>
        {
            json.WriteNumber("rev", rev);
            json.WriteNumber("base", rev - 1);
            json.WriteNumber("count", total);
            json.WriteStartArray("set");
            foreach (var (rank, item, full) in diff.Changed)
            {
                WriteItem(json, item, rank, full);
            }

            json.WriteEndArray();
            json.WriteStartArray("removed");
            foreach (var id in diff.Removed)
            {
                json.WriteNumberValue(id);
            }

            json.WriteEndArray();
        });

    /// <summary>The fields of a news line every list shows, as the Lamernews API names them.</summary>
    protected static void WriteNews(Utf8JsonWriter json, NewsView news)
    {
        json.WriteString("title", news.Title);
        json.WriteString("url", news.Url);
        json.WriteNumber("ctime", news.CreatedAt);
        json.WriteNumber("up", news.Up);
        json.WriteNumber("down", news.Down);
        json.WriteNumber("comments", news.Comments);
        json.WriteString("username", news.Username);
    }

    private void WriteItem(Utf8JsonWriter json, TItem item, int rank, bool full)
    {
        json.WriteStartObject();
        json.WriteNumber("id", IdOf(item));
        json.WriteNumber("rank", rank);
        if (full)
        {
            WriteFields(json, item);
        }

        json.WriteEndObject();
    }
}
