using System.Runtime.InteropServices;
using Actors.EventSourcing;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>
/// One user's news activity (key = user id): news posted, news up-voted ("saved"), votes, comments. Kept in memory,
/// fed by <see cref="NewsActivityFeedGrain"/>. Idempotent by (stream, version): each news stream's last applied version
/// is remembered.
/// <para>
/// In the in-memory mode the grain stays active (the log and this grain die together), and its first activation is
/// caused by the first event that concerns the user (or by a read, when there is nothing yet), so it has seen every
/// event and needs no rebuild. Scanning the whole log per activated user was the first thing the vote benchmark found:
/// it held the log while every vote waited to append. In durable modes it rebuilds from the log on its first read, so
/// it is collected when idle like any grain (it was kept for the silo's lifetime there too: one activation per user
/// who ever submitted, voted or commented).
/// </para>
/// <para>
/// Entries are compact because they are per news the user touched, kept as long as the user is: one dictionary entry
/// per news (24 bytes: the last applied version and the user's vote together; a string-keyed dictionary of versions
/// and a second one of votes took 48) and 16 bytes per posted, saved or commented item.
/// </para>
/// </summary>
public sealed class UserNewsGrain(IEventLog log, IOptions<EventDeliveryOptions> delivery) : Grain, IUserNewsGrain
{
    // Per news: the last version of its stream applied here and the user's vote on it.
    private readonly Dictionary<long, Seen> _seen = [];
    // Oldest first, ordered by event time: events of different news arrive on different partitions, so arrival order
    // is not the order things happened in.
    private readonly List<(long At, long Id)> _posted = [];
    private readonly List<(long At, long Id)> _saved = [];
    private readonly List<(long At, CommentRef Comment)> _comments = [];
    private readonly List<RecordedEvent> _early = [];
    private bool _rebuilt;

    private long UserId => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rebuilt = delivery.Value.PublishAfterAppend;
        if (_rebuilt)
        {
            DelayDeactivation(TimeSpan.MaxValue); // in memory, this activation is the read model's only copy
        }

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
            if (_seen.TryGetValue(id, out var seen) && seen.Vote != 0)
            {
                votes[id] = (VoteDirection)seen.Vote;
            }
        }

        return votes;
    }

    /// <summary>
    /// Durable modes: the first read folds the news events of the log (then the events delivered meanwhile; both are
    /// idempotent by stream and version). Done on the first read, not on activation: activations caused by the vote
    /// feed (every new voter) must not each scan the log inside the delivery path, which held up every other consumer
    /// of the partition (the ranking among them) and loaded the database the appends need.
    /// </summary>
    private async Task EnsureRebuiltAsync()
    {
        if (_rebuilt)
        {
            return;
        }

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

        foreach (var recorded in _early)
        {
            ApplyRecorded(recorded);
        }

        _early.Clear();
        _rebuilt = true;
    }

    private void ApplyRecorded(RecordedEvent recorded)
    {
        if (recorded.Data is not INewsEvent e || !Concerns(e))
        {
            return;
        }

        // Events of one stream (news-{NewsId}) arrive in order; anything at or below the last applied version was seen already.
        ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(_seen, e.NewsId, out _);
        if (recorded.Version <= seen.Version)
        {
            return;
        }

        seen.Version = checked((int)recorded.Version);
        switch (e)
        {
            case NewsSubmitted s:
                InsertByTime(_posted, (s.At.UtcTicks, s.NewsId), p => p.Item1);
                break;
            case NewsUpvoted v:
                seen.Vote = (byte)VoteDirection.Up;
                InsertByTime(_saved, (v.At.UtcTicks, v.NewsId), p => p.Item1);
                break;
            case NewsDownvoted v:
                seen.Vote = (byte)VoteDirection.Down;
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

    /// <summary>What this read model knows of one news: 8 bytes (a news stream stays far below 2^31 events).</summary>
    private struct Seen
    {
        public int Version;
        public byte Vote; // 0: none, else the VoteDirection (a nullable enum would take 8 bytes, the entry 32)
    }

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
