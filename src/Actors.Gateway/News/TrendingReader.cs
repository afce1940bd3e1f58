using Actors.EventSourcing;
using Actors.Flows;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.News;

/// <summary>A trending news and its activity (votes and comments) in the open window.</summary>
public sealed record TrendingItem(NewsView News, long Activity);

/// <summary>A page of trending news and how many news have activity in the window.</summary>
public sealed record TrendingPage(IReadOnlyList<TrendingItem> Items, int Total)
{
    public NewsPage AsNewsPage() => new([.. Items.Select(i => i.News)], Total);
}

/// <summary>
/// Trending news for the HTTP routes, the page and the <c>news.trending</c> channel: the merged top of the trending view
/// (<see cref="IWindowViewGrain"/>) with each news' view from the ranking read model (one call for the page).
/// </summary>
public sealed class TrendingReader(IGrainFactory grains, IOptions<TrendingOptions> options)
{
    /// <summary>Deepest position served: a page further down is empty (the list is of the last hour's active news).</summary>
    public const int MaxDepth = 10_000;

    public const string TurnedOff = "Trending is turned off on this site.";

    public bool Enabled => options.Value.Enabled;

    public async Task<TrendingPage> PageAsync(int start, int count, IReadOnlyList<RecordedEvent>? recent = null)
    {
        var depth = (int)Math.Min((long)start + count, MaxDepth);
        var top = await grains.GetGrain<IWindowViewGrain>(NewsWindows.TrendingName).Top(depth, recent ?? []);
        var ranks = top.Ranks.Skip(start).ToArray();
        if (ranks.Length == 0)
        {
            return new TrendingPage([], top.Total);
        }

        var views = (await grains.GetGrain<INewsRankingGrain>(0).GetMany([.. ranks.Select(r => r.Key)])).ToDictionary(v => v.Id);
        var items = new List<TrendingItem>(ranks.Length);
        foreach (var rank in ranks)
        {
            // A news the ranking has not heard of yet (its submission still on its way) is left out of this read.
            if (views.TryGetValue(rank.Key, out var view) && !view.Deleted)
            {
                items.Add(new TrendingItem(view, rank.Value));
            }
        }

        return new TrendingPage(items, top.Total);
    }

    /// <summary>Votes per window of <paramref name="newsId"/> over the activity view's retention (24 h of minutes by default).</summary>
    public Task<WindowSeries> ActivityAsync(long newsId) =>
        grains.GetGrain<IWindowViewGrain>(NewsWindows.ActivityName).Series(newsId);
}
