namespace Actors.News;

/// <summary>
/// The <c>top</c> and <c>latest</c> lists: a projection of the news events, applied once each and in order per news
/// (by stream version). Live (not deleted) news are in both; the top list is exact for the second it is read in
/// (<see cref="TopNewsRanking"/>), and pages are kept until a list changes (or, for top, the second ends).
/// </summary>
public sealed class NewsLists
{
    private const int CachedPages = 64;

    private readonly Dictionary<long, NewsListEntry> _entries = [];
    private readonly Dictionary<long, string> _usernames = [];
    private readonly OrderedChunks<NewsListEntry> _latest = new(NewsOrder.NewestFirst);
    private readonly TopNewsRanking _top;
    private readonly NewsOptions _options;
    private readonly Dictionary<(int, int), NewsPage> _topPages = [];
    private readonly Dictionary<(int, int), NewsPage> _latestPages = [];
    private long _topPagesAt = long.MinValue;

    public NewsLists(NewsOptions options)
    {
        _options = options;
        _top = new TopNewsRanking(options, _latest);
    }

    /// <summary>Every news ever submitted, deleted ones included.</summary>
    public int Count => _entries.Count;

    /// <summary>The version of <paramref name="newsId"/>'s stream applied last (0: none).</summary>
    public long VersionOf(long newsId) => _entries.TryGetValue(newsId, out var entry) ? entry.Version : 0;

    /// <summary>
    /// Applies <paramref name="e"/>, the event at <paramref name="version"/> of its news stream, if it is the next one;
    /// false when it was applied already or does not follow (the caller reads what it missed first).
    /// </summary>
    public bool Apply(INewsEvent e, long version)
    {
        _entries.TryGetValue(e.NewsId, out var entry);
        if (version != (entry?.Version ?? 0) + 1)
        {
            return false;
        }

        if (e is NewsSubmitted submitted)
        {
            Add(submitted, version);
            return true;
        }

        if (entry is null)
        {
            return false; // Version 1 of a news stream is its submission.
        }

        entry.Version = version;
        switch (e)
        {
            case NewsEdited edited:
                entry.Title = edited.Title;
                entry.Url = edited.Url;
                break;
            case NewsDeleted when !entry.Deleted:
                entry.Deleted = true;
                _latest.Remove(entry);
                _top.Removed(entry);
                break;
            case NewsUpvoted:
                entry.Up++;
                Rescore(entry);
                break;
            case NewsDownvoted:
                entry.Down++;
                Rescore(entry);
                break;
            case CommentPosted:
                entry.Comments++;
                break;
            case CommentDeleted:
                entry.Comments--;
                break;
            default:
                return true; // Comment edits and votes do not show in the lists.
        }

        Changed();
        return true;
    }

    /// <summary>Live news by rank at second <paramref name="now"/> (Unix seconds).</summary>
    public NewsPage Top(long now, int start, int count)
    {
        (start, count) = (Math.Max(0, start), Math.Max(0, count));
        if (now != _topPagesAt)
        {
            _topPages.Clear();
            _topPagesAt = now;
        }

        return Cached(_topPages, start, count, () => _top.Page(now, start, count));
    }

    /// <summary>Live news, newest first.</summary>
    public NewsPage Latest(int start, int count)
    {
        (start, count) = (Math.Max(0, start), Math.Max(0, count));
        return Cached(_latestPages, start, count, () => _latest.From(start).Take(count).ToArray());
    }

    /// <summary>The news, deleted or not; null when unknown.</summary>
    public NewsView? Get(long newsId) => _entries.TryGetValue(newsId, out var entry) ? entry.View() : null;

    private void Add(NewsSubmitted submitted, long version)
    {
        if (!_usernames.TryGetValue(submitted.UserId, out var username))
        {
            _usernames[submitted.UserId] = username = submitted.Username;
        }

        var entry = new NewsListEntry
        {
            Id = submitted.NewsId,
            UserId = submitted.UserId,
            Username = username,
            CreatedAt = submitted.At.ToUnixTimeSeconds(),
            Title = submitted.Title,
            Url = submitted.Url,
            Version = version,
            Score = NewsRanking.Score(0, 0, _options),
        };
        _entries.Add(entry.Id, entry);
        _latest.Add(entry);
        _top.Added(entry);
        Changed();
    }

    private void Rescore(NewsListEntry entry)
    {
        var previous = entry.Score;
        entry.Score = NewsRanking.Score(entry.Up, entry.Down, _options);
        if (!entry.Deleted)
        {
            _top.Rescored(entry, previous);
        }
    }

    private void Changed()
    {
        _topPages.Clear();
        _latestPages.Clear();
    }

    private NewsPage Cached(Dictionary<(int, int), NewsPage> cache, int start, int count, Func<IReadOnlyList<NewsListEntry>> page)
    {
        if (cache.TryGetValue((start, count), out var cached))
        {
            return cached;
        }

        var entries = page();
        var items = new NewsView[entries.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = entries[i].View();
        }

        if (cache.Count >= CachedPages)
        {
            cache.Clear();
        }

        return cache[(start, count)] = new NewsPage(items, _latest.Count);
    }
}
