using System.Text.Json;
using Actors.EventSourcing;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The <c>news.top</c> channel (<see cref="ListWatcher{TItem}"/>): the front page from the ranking read model, which
/// takes the watcher's recent events in the same call that reads the page (<c>ApplyAndGetTop</c>).
/// </summary>
internal sealed class TopListWatcher(
    IGrainFactory grains,
    RealtimeHub hub,
    IOptions<RealtimeOptions> options,
    ILogger<TopListWatcher> logger) : ListWatcher<NewsView>(hub, options, logger)
{
    protected override string ChannelName => Channels.Top;

    protected override (string Snapshot, string Changed) Names => (PushNames.TopSnapshot, PushNames.TopChanged);

    protected override string ListName => "the top list";

    protected override async Task<(IReadOnlyList<NewsView> Items, int Total)> ReadAsync(IReadOnlyList<RecordedEvent> recent)
    {
        var page = await grains.GetGrain<INewsRankingGrain>(0).ApplyAndGetTop(recent, 0, Count);
        return (page.Items, page.Total);
    }

    protected override long IdOf(NewsView item) => item.Id;

    /// <summary>
    /// Also when nothing visible changed but an event of a listed news arrived (the ranking had heard it first): that push
    /// carries the event's position, which a client waiting for its own vote needs to see.
    /// </summary>
    protected override bool PushUnchanged(IReadOnlyList<NewsView> items, IReadOnlyList<RecordedEvent> recent)
    {
        if (recent.Count == 0)
        {
            return false;
        }

        var touched = recent.Select(r => ((INewsEvent)r.Data).NewsId).ToHashSet();
        return items.Any(n => touched.Contains(n.Id));
    }

    protected override void WriteFields(Utf8JsonWriter json, NewsView news)
    {
        WriteNews(json, news);
        json.WriteNumber("score", Math.Round(news.Score, 6));
    }
}
