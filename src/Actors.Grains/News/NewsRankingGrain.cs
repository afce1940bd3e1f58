using Actors.EventSourcing;
using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>
/// The <c>top</c> and <c>latest</c> lists, in memory (key 0: one per site): the <see cref="NewsLists"/> projection,
/// fed by <see cref="NewsRankingFeedGrain"/> with every news event and rebuilt from the event log on activation. The top
/// list is exact to the second, and a front-page read touches no news grain: how it stays cheap at any size is
/// <see cref="NewsLists"/>' story.
/// </summary>
[KeepAlive]
public sealed class NewsRankingGrain(
    IEventLog log, [FromKeyedServices(DomainClock.Key)] TimeProvider clock, IOptions<NewsOptions> options) : Grain, INewsRankingGrain
{
    private readonly NewsLists _lists = new(options.Value);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Events appended before this read are in the log; events appended after it reach us through the feed (which
        // only calls in once activation is done); the overlap is skipped by version.
        long position = 0;
        while (true)
        {
            var page = await log.ReadAllAsync(position, 4096, NewsStreams.Category, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var recorded in page)
            {
                ApplyRecorded(recorded);
            }

            position = page[^1].Position;
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task Apply(RecordedEvent recorded)
    {
        if (recorded.Data is not INewsEvent e)
        {
            return;
        }

        var known = _lists.VersionOf(e.NewsId);
        if (recorded.Version <= known)
        {
            return; // Already applied (at-least-once delivery, or seen while rebuilding).
        }

        if (recorded.Version > known + 1)
        {
            // A gap: read what we missed from the log, in order, instead of applying out of order.
            foreach (var missed in await log.ReadStreamAsync(recorded.StreamId, known))
            {
                ApplyRecorded(missed);
            }

            return;
        }

        ApplyRecorded(recorded);
    }

    public async Task ApplyMany(IReadOnlyList<RecordedEvent> recorded)
    {
        foreach (var e in recorded)
        {
            await Apply(e);
        }
    }

    public Task<NewsPage> GetTop(int start, int count) =>
        Task.FromResult(_lists.Top(clock.GetUtcNow().ToUnixTimeSeconds(), start, count));

    public async Task<NewsPage> ApplyAndGetTop(IReadOnlyList<RecordedEvent> recent, int start, int count)
    {
        foreach (var recorded in recent)
        {
            await Apply(recorded);
        }

        return await GetTop(start, count);
    }

    public Task<NewsPage> GetLatest(int start, int count) => Task.FromResult(_lists.Latest(start, count));

    public Task<IReadOnlyList<NewsView>> GetMany(IReadOnlyList<long> ids)
    {
        var views = new List<NewsView>(ids.Count);
        foreach (var id in ids)
        {
            if (_lists.Get(id) is { } view)
            {
                views.Add(view);
            }
        }

        return Task.FromResult<IReadOnlyList<NewsView>>(views);
    }

    private void ApplyRecorded(RecordedEvent recorded)
    {
        if (recorded.Data is INewsEvent e)
        {
            _lists.Apply(e, recorded.Version);
        }
    }
}
