using System.Text.Json;
using Actors.EventSourcing;
using Actors.Gateway.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The <c>news.trending</c> channel, shaped like <c>news.top</c> (<see cref="ListWatcher{TItem}"/>): each item carries its
/// <c>activity</c> (votes and comments in the open window). The view is re-read after news events (handed to their shards
/// in the same call, idempotent by version), which re-emits it when a late event within grace changed a window, and every
/// <see cref="RealtimeOptions.TopAgingInterval"/> while followed (the window slides every advance).
/// </summary>
internal sealed class TrendingWatcher(
    TrendingReader trending,
    RealtimeHub hub,
    IOptions<RealtimeOptions> options,
    ILogger<TrendingWatcher> logger) : ListWatcher<TrendingItem>(hub, options, logger)
{
    public const string Channel = "news.trending";

    protected override string ChannelName => Channel;

    protected override (string Snapshot, string Changed) Names => (PushNames.TrendingSnapshot, PushNames.TrendingChanged);

    protected override string ListName => "the trending list";

    protected override bool Enabled => trending.Enabled;

    protected override async Task<(IReadOnlyList<TrendingItem> Items, int Total)> ReadAsync(IReadOnlyList<RecordedEvent> recent)
    {
        var page = await trending.PageAsync(0, Count, recent);
        return (page.Items, page.Total);
    }

    protected override long IdOf(TrendingItem item) => item.News.Id;

    protected override void WriteFields(Utf8JsonWriter json, TrendingItem item)
    {
        json.WriteNumber("activity", item.Activity);
        WriteNews(json, item.News);
    }
}
