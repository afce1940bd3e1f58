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
    private HashSet<long> _changedChunks = [];

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

        _changedChunks.Add(NewsListsSnapshot.ChunkOf(e.NewsId));

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
    public NewsView? Get(long newsId) => _entries.TryGetValue(newsId, out var entry) ? entry.View(_options.NewsEditTimeSeconds) : null;

    /// <summary>Chunks (<see cref="NewsListsSnapshot.ChunkOf"/>) with news changed since the last call, and forgets them.</summary>
    public IReadOnlyCollection<long> TakeChangedChunks()
    {
        var changed = _changedChunks;
        _changedChunks = [];
        return changed;
    }

    /// <summary>Whether news changed since the last <see cref="TakeChangedChunks"/> (or chunks were marked again).</summary>
    public bool HasChangedChunks => _changedChunks.Count > 0;

    /// <summary>Marks chunks as changed again (a checkpoint that could not store them).</summary>
    public void MarkChanged(IEnumerable<long> chunks) => _changedChunks.UnionWith(chunks);

    /// <summary>The entries of one chunk of news ids, for a checkpoint.</summary>
    public IReadOnlyCollection<NewsListEntry> EntriesOfChunk(long chunk)
    {
        var entries = new List<NewsListEntry>();
        for (var id = chunk * NewsListsSnapshot.ChunkSize; id < (chunk + 1) * NewsListsSnapshot.ChunkSize; id++)
        {
            if (_entries.TryGetValue(id, out var entry))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>Takes entries read from a checkpoint; news already known are left as they are.</summary>
    public void Restore(IReadOnlyList<NewsListEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_entries.ContainsKey(entry.Id))
            {
                Insert(entry);
            }
        }

        Changed();
    }

    private void Add(NewsSubmitted submitted, long version)
    {
        Insert(new NewsListEntry
        {
            Id = submitted.NewsId,
            UserId = submitted.UserId,
            Username = submitted.Username,
            CreatedAt = submitted.At.ToUnixTimeSeconds(),
            Title = submitted.Title,
            Url = submitted.Url,
            Version = version,
            Score = NewsRanking.Score(0, 0, _options),
        });
        Changed();
    }

    private void Insert(NewsListEntry entry)
    {
        if (_usernames.TryGetValue(entry.UserId, out var username))
        {
            entry.Username = username; // One string per author, not one per news.
        }
        else
        {
            _usernames[entry.UserId] = entry.Username;
        }

        _entries.Add(entry.Id, entry);
        if (!entry.Deleted)
        {
            _latest.Add(entry);
            _top.Added(entry);
        }
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
            items[i] = entries[i].View(_options.NewsEditTimeSeconds);
        }

        if (cache.Count >= CachedPages)
        {
            cache.Clear();
        }

        return cache[(start, count)] = new NewsPage(items, _latest.Count);
    }
}
