using System.Collections.Concurrent;
using System.Threading.Channels;
using Actors.EventSourcing;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

/// <summary>
/// Pushes the front page (<c>news.top</c>) when it changes: after news events (votes, submissions, deletions, edits,
/// comment counts) and, while anyone follows it, every <see cref="RealtimeOptions.TopAgingInterval"/> (ranks age).
/// <para>
/// The list comes from the ranking read model. The ranking grain hears the same events on its own subscription, so this
/// watcher first hands it the newest event of each news it was told about (<c>Apply</c> is idempotent by stream
/// version and fills gaps from the log): the list it then reads includes those events, whichever subscriber was first.
/// Bursts are coalesced: one read per batch of events, however many votes arrived meanwhile, and a push only when the
/// visible list actually changed.
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

    private IReadOnlyList<NewsView>? _shown;
    private long _position;

    /// <summary>News event <paramref name="recorded"/> of <paramref name="newsId"/> reached the gateway.</summary>
    public void Notify(RecordedEvent recorded, long newsId)
    {
        if (!hub.HasSubscribers(Channels.Top))
        {
            _shown = null;
            return;
        }

        _pending.AddOrUpdate(newsId, recorded, (_, old) => old.Version >= recorded.Version ? old : recorded);
        _signal.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ranking = grains.GetGrain<INewsRankingGrain>(0);
        var interval = options.Value.TopAgingInterval;
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
                    _pending.Clear();
                    _shown = null;
                    continue;
                }

                var touched = new HashSet<long>();
                foreach (var newsId in _pending.Keys)
                {
                    if (_pending.TryRemove(newsId, out var recorded))
                    {
                        await ranking.Apply(recorded);
                        _position = Math.Max(_position, recorded.Position);
                        touched.Add(newsId);
                    }
                }

                var page = await ranking.GetTop(0, options.Value.TopCount);
                // Push when the list looks different, and also when an event of a listed news arrived although the list
                // had already caught up with it (the ranking heard it first): that push carries the event's position,
                // which a client waiting for its own vote needs to see (read-your-writes).
                var shown = _shown;
                if (shown is not null && shown.SequenceEqual(page.Items)
                    && !page.Items.Any(n => touched.Contains(n.Id)))
                {
                    continue;
                }

                _shown = page.Items;
                hub.Publish(Channels.Top, Pushes.Push("news.top-changed", Channels.Top, _position, json =>
                {
                    json.WriteStartArray("news");
                    foreach (var news in page.Items)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("id", news.Id);
                        json.WriteString("title", news.Title);
                        json.WriteString("url", news.Url);
                        json.WriteNumber("ctime", news.CreatedAt);
                        json.WriteNumber("up", news.Up);
                        json.WriteNumber("down", news.Down);
                        json.WriteNumber("comments", news.Comments);
                        json.WriteString("username", news.Username);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteNumber("count", page.Total);
                }));
                if (options.Value.TopMinInterval > TimeSpan.Zero)
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
                logger.LogWarning(e, "Realtime: could not refresh the top list");
            }
        }
    }
}
