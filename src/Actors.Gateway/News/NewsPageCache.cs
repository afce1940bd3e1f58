using System.Collections.Concurrent;
using System.Diagnostics;
using Actors.Hosting;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.News;

/// <summary>
/// The top and latest pages, shared by the readers of one gateway for <see cref="NewsOptions.ListPageShareMilliseconds"/>
/// within one second of the domain clock (the second the top list is ranked for, so a shared page is still the list
/// ranked afresh for that second). Readers arriving while a page is being fetched wait for that one call. Why: every
/// front-page read was a turn of the one ranking grain, queued with the turns that apply a burst of votes, and a read
/// paid several trips through the thread pool's queue where a vote's many hops compete; shared, a read is one trip and
/// the ranking grain sees a few hundred calls a second whatever the readers' number.
/// </summary>
public sealed class NewsPageCache(IGrainFactory grains, IOptions<NewsOptions> options, [FromKeyedServices(DomainClock.Key)] TimeProvider? domainClock = null)
{
    // Pages deep in the lists are read rarely and by crawlers: they are not shared (and cannot grow the cache).
    private const int SharedStartLimit = 1024;
    private const int Capacity = 256;

    private readonly ConcurrentDictionary<(bool Top, int Start, int Count), Shared> _pages = new();
    private readonly long _maxAge = options.Value.ListPageShareMilliseconds * Stopwatch.Frequency / 1000;
    private readonly TimeProvider _clock = domainClock ?? TimeProvider.System;

    private sealed record Shared(long Second, long FetchedAt, Task<NewsPage> Page);

    /// <summary>
    /// The page, shared when one was fetched within the share window and not before <paramref name="freshAfter"/> (a
    /// Stopwatch timestamp: when a reader's own writes were known to be in the lists; 0 for any reader).
    /// </summary>
    public Task<NewsPage> GetAsync(bool top, int start, int count, long freshAfter = 0)
    {
        if (_maxAge <= 0 || start >= SharedStartLimit)
        {
            return Fetch(top, start, count);
        }

        var key = (top, start, count);
        var now = Stopwatch.GetTimestamp();
        var second = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (_pages.TryGetValue(key, out var shared) && shared.Second == second && now - shared.FetchedAt <= _maxAge
            && shared.FetchedAt >= freshAfter && !shared.Page.IsFaulted && !shared.Page.IsCanceled)
        {
            return shared.Page;
        }

        if (_pages.Count >= Capacity)
        {
            _pages.Clear();
        }

        var page = Fetch(top, start, count);
        _pages[key] = new Shared(second, now, page);
        return page;
    }

    private Task<NewsPage> Fetch(bool top, int start, int count)
    {
        var ranking = grains.GetGrain<INewsRankingGrain>(0);
        return top ? ranking.GetTop(start, count) : ranking.GetLatest(start, count);
    }
}
