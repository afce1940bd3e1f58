namespace Actors.News;

/// <summary>
/// The order of the <c>top</c> list, exact for the second it was last read in, at a cost that does not grow with the
/// site's history.
/// <para>
/// Why it is cheap. A rank is <c>score * 1e6 / (age + padding) ^ factor</c>, so among news of <em>equal score</em> the
/// order never changes as time passes: with a positive score the younger ranks higher, with a negative one the older.
/// The ranking therefore keeps one group per distinct score, each sorted by creation time once (a vote moves one news to
/// another group), and news past <see cref="NewsOptions.TopNewsAgeLimitSeconds"/> in none: they rank at minus their
/// age, which is the <c>latest</c> order, so they are the tail of the latest list. The first read of a second takes
/// news that have just aged out of their groups (each group's oldest end), then merges the groups' heads and that tail
/// with a heap down to the depth read: a few thousand groups and one heap step per news shown, where the whole list
/// was re-ranked and re-sorted every second (100,000 news: 100,000 ranks and a sort per second, and a move of the whole
/// list per vote).
/// </para>
/// <para>
/// Between those reads, within the second, a change moves only its own news in the ranked prefix: taken out, and put
/// back at its new rank of that second if that is above the prefix's last news. The prefix stays the exact top of the
/// list (it may get one shorter); a read deeper than the prefix merges again.
/// </para>
/// </summary>
internal sealed class TopNewsRanking(NewsOptions options, OrderedChunks<NewsListEntry> latest)
{
    private const int MinDepth = 64;

    private readonly Dictionary<double, OrderedChunks<NewsListEntry>> _groups = [];
    private readonly List<NewsListEntry> _prefix = [];
    private bool _complete;

    // Nothing is grouped until the first read: a grain rebuilding from the log applies every vote ever made, and
    // moving each news between groups on each of those would be wasted work; grouping once at the first read is one
    // pass over the live news.
    private bool _grouped;
    private long _rankedAt = long.MinValue;

    /// <summary>The second the prefix was ranked at; <see cref="long.MinValue"/> before the first read.</summary>
    public long RankedAt => _rankedAt;

    public void Added(NewsListEntry entry)
    {
        if (!_grouped)
        {
            return;
        }

        if (IsAged(entry, _rankedAt))
        {
            entry.Aged = true;
        }
        else
        {
            GroupOf(entry.Score).Add(entry);
        }

        Place(entry);
    }

    public void Removed(NewsListEntry entry)
    {
        if (!_grouped)
        {
            return;
        }

        if (!entry.Aged)
        {
            Ungroup(entry, entry.Score);
        }

        TakeOutOfPrefix(entry);
    }

    public void Rescored(NewsListEntry entry, double previousScore)
    {
        if (!_grouped)
        {
            return;
        }

        if (!entry.Aged && previousScore != entry.Score)
        {
            Ungroup(entry, previousScore);
            GroupOf(entry.Score).Add(entry);
        }

        TakeOutOfPrefix(entry);
        Place(entry);
    }

    /// <summary>The news at ranks <paramref name="start"/>.. of the list ranked for second <paramref name="now"/>.</summary>
    public IReadOnlyList<NewsListEntry> Page(long now, int start, int count)
    {
        var depth = start + count;
        if (!_grouped)
        {
            Group(now);
        }

        if (now != _rankedAt)
        {
            if (now < _rankedAt)
            {
                Ungroup(); // The clock went back: news aged out may be young again.
                Group(now);
            }

            AgeOut(now);
            _rankedAt = now;
            Merge(Math.Max(depth, MinDepth));
        }
        else if (depth > _prefix.Count && !_complete)
        {
            Merge(Math.Max(depth, 2 * _prefix.Count));
        }

        var n = Math.Max(0, Math.Min(count, _prefix.Count - start));
        return n == 0 ? [] : _prefix.GetRange(start, n);
    }

    private void Group(long now)
    {
        _grouped = true;
        foreach (var entry in latest.From(0))
        {
            entry.Aged = IsAged(entry, now);
            if (!entry.Aged)
            {
                GroupOf(entry.Score).Add(entry);
            }
        }
    }

    private void Ungroup()
    {
        _groups.Clear();
        foreach (var entry in _prefix)
        {
            entry.InTop = false;
        }

        _prefix.Clear();
        _complete = false;
    }

    /// <summary>Moves news that are past the age limit at <paramref name="now"/> out of their groups (from each group's oldest end).</summary>
    private void AgeOut(long now)
    {
        List<double>? empty = null;
        foreach (var (score, group) in _groups)
        {
            var newestFirst = NewestFirst(score);
            while (group.Count > 0)
            {
                var oldest = newestFirst ? group.Last : group.First;
                if (!IsAged(oldest, now))
                {
                    break;
                }

                group.Remove(oldest);
                oldest.Aged = true;
            }

            if (group.Count == 0)
            {
                (empty ??= []).Add(score);
            }
        }

        foreach (var score in empty ?? [])
        {
            _groups.Remove(score);
        }
    }

    private void Merge(int depth)
    {
        foreach (var entry in _prefix)
        {
            entry.InTop = false;
        }

        _prefix.Clear();
        var heads = new PriorityQueue<IEnumerator<NewsListEntry>, NewsListEntry>(_groups.Count + 1, NewsOrder.Top);
        foreach (var group in _groups.Values)
        {
            Enqueue(heads, group.From(0).GetEnumerator());
        }

        var limit = options.TopNewsAgeLimitSeconds;
        var now = _rankedAt;
        Enqueue(heads, latest.From(latest.IndexOfFirst(e => now - e.CreatedAt > limit)).GetEnumerator());

        while (_prefix.Count < depth && heads.TryDequeue(out var rest, out var head))
        {
            head.InTop = true;
            _prefix.Add(head);
            Enqueue(heads, rest);
        }

        _complete = heads.Count == 0;
    }

    private void Enqueue(PriorityQueue<IEnumerator<NewsListEntry>, NewsListEntry> heads, IEnumerator<NewsListEntry> rest)
    {
        if (rest.MoveNext())
        {
            rest.Current.Rank = RankOf(rest.Current, _rankedAt);
            heads.Enqueue(rest, rest.Current);
        }
    }

    /// <summary>Puts a changed news back into the prefix at its rank of the prefix's second, if it belongs there.</summary>
    private void Place(NewsListEntry entry)
    {
        if (_rankedAt == long.MinValue)
        {
            return;
        }

        entry.Rank = RankOf(entry, _rankedAt);
        if (!_complete && (_prefix.Count == 0 || NewsOrder.Top.Compare(entry, _prefix[^1]) > 0))
        {
            return; // Below the prefix: the prefix is still the exact top, and a deeper read merges again.
        }

        var i = _prefix.BinarySearch(entry, NewsOrder.Top);
        _prefix.Insert(~i, entry);
        entry.InTop = true;
    }

    private void TakeOutOfPrefix(NewsListEntry entry)
    {
        if (!entry.InTop)
        {
            return;
        }

        // Its rank is still the one it was placed at, so it is found by a binary search.
        _prefix.RemoveAt(_prefix.BinarySearch(entry, NewsOrder.Top));
        entry.InTop = false;
    }

    private OrderedChunks<NewsListEntry> GroupOf(double score)
    {
        if (!_groups.TryGetValue(score, out var group))
        {
            group = new OrderedChunks<NewsListEntry>(NewestFirst(score) ? NewsOrder.NewestFirst : NewsOrder.OldestFirst);
            _groups.Add(score, group);
        }

        return group;
    }

    private void Ungroup(NewsListEntry entry, double score)
    {
        var group = _groups[score];
        group.Remove(entry);
        if (group.Count == 0)
        {
            _groups.Remove(score);
        }
    }

    /// <summary>
    /// Whether, among news of this score, the younger ranks higher: a positive score over a denominator that grows with
    /// age (and a score of 0, whose ranks are all equal and so ordered by the tie-break, newest first).
    /// </summary>
    private bool NewestFirst(double score) => score * options.RankAgingFactor >= 0;

    private bool IsAged(NewsListEntry entry, long now) => now - entry.CreatedAt > options.TopNewsAgeLimitSeconds;

    private double RankOf(NewsListEntry entry, long now) => NewsRanking.Rank(entry.Score, now - entry.CreatedAt, options);
}
