using Actors.EventSourcing;
using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>
/// The <c>top</c> and <c>latest</c> lists, in memory (key 0: one per site). Fed by <see cref="NewsRankingFeedGrain"/>
/// with every news event; rebuilt from the event log on activation.
/// <para>
/// Exactness: rank depends on whole-second age, so the top list is re-ranked and re-sorted (all live news) the first
/// time it is read in a new second; between those, a vote or a new news moves only its own entry (binary insertion at
/// the ranks of that second). A front-page read therefore never touches a news grain, and pages are cached until the
/// list changes.
/// </para>
/// </summary>
[KeepAlive]
public sealed class NewsRankingGrain(
    IEventLog log, [FromKeyedServices(DomainClock.Key)] TimeProvider clock, IOptions<NewsOptions> options) : Grain, INewsRankingGrain
{
    private sealed class Entry
    {
        public required long Id { get; init; }
        public required long UserId { get; init; }
        public required string Username { get; init; }
        public required long CreatedAt { get; init; }
        public string Title { get; set; } = "";
        public string Url { get; set; } = "";
        public int Up { get; set; }
        public int Down { get; set; }
        public int Comments { get; set; }
        public bool Deleted { get; set; }
        public long Version { get; set; }
        public double Score { get; set; }
        public double Rank { get; set; }
        public NewsView? View { get; set; }
    }

    private readonly NewsOptions _options = options.Value;
    private readonly Dictionary<long, Entry> _entries = [];

    private readonly List<Entry> _top = [];
    private readonly List<Entry> _latest = [];
    private readonly Dictionary<(int, int), NewsPage> _topPages = [];
    private readonly Dictionary<(int, int), NewsPage> _latestPages = [];
    private long _rankedAt = long.MinValue;

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

        var known = _entries.TryGetValue(e.NewsId, out var entry) ? entry.Version : 0;
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

    public Task<NewsPage> GetTop(int start, int count)
    {
        RankForNow();
        return Task.FromResult(PageOf(_top, _topPages, start, count));
    }

    public async Task<NewsPage> ApplyAndGetTop(IReadOnlyList<RecordedEvent> recent, int start, int count)
    {
        foreach (var recorded in recent)
        {
            await Apply(recorded);
        }

        return await GetTop(start, count);
    }

    public Task<NewsPage> GetLatest(int start, int count) => Task.FromResult(PageOf(_latest, _latestPages, start, count));

    public Task<IReadOnlyList<NewsView>> GetMany(IReadOnlyList<long> ids)
    {
        var views = new List<NewsView>(ids.Count);
        foreach (var id in ids)
        {
            if (_entries.TryGetValue(id, out var entry))
            {
                views.Add(ViewOf(entry));
            }
        }

        return Task.FromResult<IReadOnlyList<NewsView>>(views);
    }

    private void ApplyRecorded(RecordedEvent recorded)
    {
        if (recorded.Data is not INewsEvent e)
        {
            return;
        }

        _entries.TryGetValue(e.NewsId, out var entry);
        if (recorded.Version <= (entry?.Version ?? 0))
        {
            return;
        }

        if (e is NewsSubmitted submitted)
        {
            entry = new Entry
            {
                Id = submitted.NewsId,
                UserId = submitted.UserId,
                Username = submitted.Username,
                CreatedAt = submitted.At.ToUnixTimeSeconds(),
                Title = submitted.Title,
                Url = submitted.Url,
                Version = recorded.Version,
            };
            _entries[entry.Id] = entry;
            InsertSorted(_latest, entry, CompareLatest);
            _latestPages.Clear();
            Rerank(entry, isNew: true);
            return;
        }

        if (entry is null)
        {
            return; // Not possible in order; the version check above catches gaps for known news.
        }

        entry.Version = recorded.Version;
        switch (e)
        {
            case NewsEdited edited:
                entry.Title = edited.Title;
                entry.Url = edited.Url;
                Changed(entry);
                break;
            case NewsDeleted:
                entry.Deleted = true;
                _top.Remove(entry);
                _latest.Remove(entry);
                Changed(entry);
                break;
            case NewsUpvoted:
                entry.Up++;
                Rerank(entry, isNew: false);
                break;
            case NewsDownvoted:
                entry.Down++;
                Rerank(entry, isNew: false);
                break;
            case CommentPosted:
                entry.Comments++;
                Changed(entry);
                break;
            case CommentDeleted:
                entry.Comments--;
                Changed(entry);
                break;
        }
    }

    private void Changed(Entry entry)
    {
        entry.View = null;
        _topPages.Clear();
        _latestPages.Clear();
    }

    /// <summary>New score; the entry moves to its place among the ranks of the second the list was last ranked at.</summary>
    private void Rerank(Entry entry, bool isNew)
    {
        Changed(entry);
        entry.Score = NewsRanking.Score(entry.Up, entry.Down, _options);
        if (entry.Deleted)
        {
            return;
        }

        if (!isNew)
        {
            _top.Remove(entry);
        }

        if (_rankedAt != long.MinValue)
        {
            entry.Rank = NewsRanking.Rank(entry.Score, _rankedAt - entry.CreatedAt, _options);
        }

        InsertSorted(_top, entry, CompareTop);
    }

    /// <summary>The first read of each second re-ranks every live news for that second and re-sorts.</summary>
    private void RankForNow()
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (now == _rankedAt)
        {
            return;
        }

        _rankedAt = now;
        foreach (var entry in _top)
        {
            entry.Rank = NewsRanking.Rank(entry.Score, now - entry.CreatedAt, _options);
        }

        _top.Sort(CompareTop);
        _topPages.Clear();
    }

    private static void InsertSorted(List<Entry> list, Entry entry, Comparison<Entry> compare)
    {
        // Most inserts land at the front (new news, fresh votes): a binary search keeps it O(log n) + one move.
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (compare(list[mid], entry) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        list.Insert(lo, entry);
    }

    private static int CompareTop(Entry a, Entry b)
    {
        var byRank = b.Rank.CompareTo(a.Rank);
        return byRank != 0 ? byRank : CompareLatest(a, b);
    }

    private static int CompareLatest(Entry a, Entry b)
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : b.Id.CompareTo(a.Id);
    }

    private static NewsPage PageOf(List<Entry> list, Dictionary<(int, int), NewsPage> cache, int start, int count)
    {
        if (cache.TryGetValue((start, count), out var page))
        {
            return page;
        }

        var items = new NewsView[Math.Max(0, Math.Min(count, list.Count - start))];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = ViewOf(list[start + i]);
        }

        page = new NewsPage(items, list.Count);
        if (cache.Count > 64)
        {
            cache.Clear();
        }

        cache[(start, count)] = page;
        return page;
    }

    private static NewsView ViewOf(Entry e) =>
        e.View ??= new NewsView(e.Id, e.Title, e.Url, e.UserId, e.Username, e.CreatedAt, e.Up, e.Down, e.Comments, e.Score, e.Deleted);
}
