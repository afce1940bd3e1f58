using Actors.EventSourcing;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>
/// One user's news activity (key = user id): news posted, news up-voted ("saved"), votes, comments. Kept in memory,
/// fed by <see cref="NewsActivityFeedGrain"/>. Idempotent by (stream, version): each news stream's last applied version
/// is remembered.
/// <para>
/// In the in-memory mode the grain is kept alive, and its first activation is caused by the first event that concerns
/// the user (or by a read, when there is nothing yet), so it has seen every event and needs no rebuild. Scanning the
/// whole log per activated user was the first thing the vote benchmark found: it held the log while every vote waited
/// to append. In durable modes, where activations come and go, it rebuilds from the log on its first read.
/// </para>
/// </summary>
[KeepAlive]
public sealed class UserNewsGrain(IEventLog log, IOptions<EventDeliveryOptions> delivery, IUserActivityIndex? index = null) : Grain, IUserNewsGrain
{
    private readonly Dictionary<string, long> _applied = new(StringComparer.Ordinal);
    // Oldest first, ordered by event time: events of different news arrive on different partitions, so arrival order
    // is not the order things happened in.
    private readonly List<(long At, long Id)> _posted = [];
    private readonly List<(long At, long Id)> _saved = [];
    private readonly Dictionary<long, VoteDirection> _votes = [];
    private readonly List<(long At, CommentRef Comment)> _comments = [];
    private readonly List<RecordedEvent> _early = [];
    private bool _rebuilt;

    private long UserId => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rebuilt = delivery.Value.PublishAfterAppend;
        return base.OnActivateAsync(cancellationToken);
    }

    public Task Apply(RecordedEvent recorded)
    {
        if (_rebuilt)
        {
            ApplyRecorded(recorded);
        }
        else if (recorded.Data is INewsEvent e && Concerns(e))
        {
            // Not rebuilt yet: keep it for the rebuild (which may or may not have it, depending on when it runs).
            _early.Add(recorded);
        }

        return Task.CompletedTask;
    }

    public async Task ApplyMany(IReadOnlyList<RecordedEvent> recorded)
    {
        foreach (var e in recorded)
        {
            await Apply(e);
        }
    }

    public async Task<NewsIdPage> GetPosted(int start, int count)
    {
        await EnsureRebuiltAsync();
        return new NewsIdPage(NewestFirst(_posted, start, count).Select(p => p.Id).ToArray(), _posted.Count);
    }

    public async Task<NewsIdPage> GetSaved(int start, int count)
    {
        await EnsureRebuiltAsync();
        return new NewsIdPage(NewestFirst(_saved, start, count).Select(p => p.Id).ToArray(), _saved.Count);
    }

    public async Task<CommentRefPage> GetComments(int start, int count)
    {
        await EnsureRebuiltAsync();
        return new CommentRefPage(NewestFirst(_comments, start, count).Select(c => c.Comment).ToArray(), _comments.Count);
    }

    public async Task<IReadOnlyDictionary<long, VoteDirection>> GetVotes(IReadOnlyList<long> newsIds)
    {
        await EnsureRebuiltAsync();
        var votes = new Dictionary<long, VoteDirection>();
        foreach (var id in newsIds)
        {
            if (_votes.TryGetValue(id, out var direction))
            {
                votes[id] = direction;
            }
        }

        return votes;
    }

    /// <summary>
    /// Durable modes: the first read folds the user's events of the log (then the events delivered meanwhile; both are
    /// idempotent by stream and version). Done on the first read, not on activation: activations caused by the vote
    /// feed (every new voter) must not each read the log inside the delivery path, which held up every other consumer
    /// of the partition (the ranking among them) and loaded the database the appends need.
    /// </summary>
    private async Task EnsureRebuiltAsync()
    {
        if (_rebuilt)
        {
            return;
        }

        if (index is not null && await index.IsCompleteAsync())
        {
            // Only this user's events, through the user activity index: the cost follows the user's history, not the
            // site's. No event that concerns the user is missed. The consumer writes an event's index row before it
            // acknowledges the event and before it calls Apply here, so an event is either indexed by the time of this
            // read, or its Apply comes after it: this grain takes one call at a time, and until _rebuilt is set it keeps
            // delivered events in _early (applied below). The events of one news stream are delivered in order, and
            // their rows are written in that order, so when a stream's later event is indexed its earlier ones are too
            // (the last-applied-version check in ApplyRecorded never drops one). Below the point where the live consumer
            // took over, the backfill indexed them, and the index only counts as complete once it has.
            foreach (var recorded in await index.ReadAsync(UserId))
            {
                ApplyRecorded(recorded);
            }
        }
        else
        {
            await FoldNewsCategoryAsync();
        }

        foreach (var recorded in _early)
        {
            ApplyRecorded(recorded);
        }

        _early.Clear();
        _rebuilt = true;
    }

    /// <summary>
    /// Without a complete index (a log written before it, until its backfill is done): every news event of the log,
    /// read and decoded, for one user's lists. Correct, but its cost grows with the site's history.
    /// </summary>
    private async Task FoldNewsCategoryAsync()
    {
        long position = 0;
        while (true)
        {
            var page = await log.ReadAllAsync(position, 4096, NewsStreams.Category);
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
    }

    private void ApplyRecorded(RecordedEvent recorded)
    {
        if (recorded.Data is not INewsEvent e || !Concerns(e))
        {
            return;
        }

        // Events of one stream arrive in order; anything at or below the last applied version was seen already.
        if (_applied.TryGetValue(recorded.StreamId, out var last) && recorded.Version <= last)
        {
            return;
        }

        _applied[recorded.StreamId] = recorded.Version;
        switch (e)
        {
            case NewsSubmitted s:
                InsertByTime(_posted, (s.At.UtcTicks, s.NewsId), p => p.Item1);
                break;
            case NewsUpvoted v:
                _votes[v.NewsId] = VoteDirection.Up;
                InsertByTime(_saved, (v.At.UtcTicks, v.NewsId), p => p.Item1);
                break;
            case NewsDownvoted v:
                _votes[v.NewsId] = VoteDirection.Down;
                break;
            case CommentPosted c:
                InsertByTime(_comments, (c.At.UtcTicks, new CommentRef(c.NewsId, c.CommentId, c.At.ToUnixTimeSeconds())), p => p.Item1);
                break;
        }
    }

    private bool Concerns(INewsEvent e) => e switch
    {
        NewsSubmitted s => s.UserId == UserId,
        NewsUpvoted v => v.VoterId == UserId,
        NewsDownvoted v => v.VoterId == UserId,
        CommentPosted c => c.UserId == UserId,
        _ => false,
    };

    /// <summary>Keeps <paramref name="list"/> in time order; nearly every insert is at the end.</summary>
    private static void InsertByTime<T>(List<T> list, T item, Func<T, long> at)
    {
        var i = list.Count;
        while (i > 0 && at(list[i - 1]) > at(item))
        {
            i--;
        }

        list.Insert(i, item);
    }

    private static T[] NewestFirst<T>(List<T> oldestFirst, int start, int count)
    {
        var n = Math.Max(0, Math.Min(count, oldestFirst.Count - start));
        var items = new T[n];
        for (var i = 0; i < n; i++)
        {
            items[i] = oldestFirst[oldestFirst.Count - 1 - start - i];
        }

        return items;
    }
}
