namespace Actors.News;

/// <summary>
/// One user's news lists, the fold of the news events that concern the user: news posted, news up-voted ("saved",
/// newest vote first), the user's vote per news, comments. Pages are cut from the lists without copying them.
/// </summary>
/// <remarks>
/// Why this shape: a user's lists grow with everything the user ever did, so each entry is as small as it can be and
/// holds no object of its own. Per news touched: one 24-byte dictionary entry (how the user voted, whether they posted
/// it, their last comment on it), which also makes every event idempotent (a vote, a submission happen once per news
/// and user; a user's comments on a news arrive in id order); plus 16 bytes in the posted or saved list, 24 per
/// comment. Before, a stream-id string and a version per news (for idempotency) and a separate vote dictionary cost
/// more than twice that per vote. Mutable (a projection held by one grain, not a decider's state).
/// </remarks>
public sealed class UserNewsLists(long userId)
{
    private readonly Dictionary<long, NewsTouch> _news = [];
    // Oldest first, ordered by event time: events of different news arrive on different partitions, so arrival order
    // is not the order things happened in.
    private readonly List<Dated> _posted = [];
    private readonly List<Dated> _saved = [];
    private readonly List<DatedComment> _comments = [];

    public long UserId { get; } = userId;

    public int PostedCount => _posted.Count;

    public int SavedCount => _saved.Count;

    public int CommentCount => _comments.Count;

    /// <summary>Whether <paramref name="e"/> is about this user (posted by, voted by, commented by).</summary>
    public bool Concerns(INewsEvent e) => e switch
    {
        NewsSubmitted s => s.UserId == UserId,
        NewsUpvoted v => v.VoterId == UserId,
        NewsDownvoted v => v.VoterId == UserId,
        CommentPosted c => c.UserId == UserId,
        _ => false,
    };

    /// <summary>Folds <paramref name="e"/> in; false when it does not concern this user or was already applied.</summary>
    public bool Apply(INewsEvent e)
    {
        if (!Concerns(e))
        {
            return false;
        }

        var newsId = e switch
        {
            NewsSubmitted s => s.NewsId,
            NewsUpvoted v => v.NewsId,
            NewsDownvoted v => v.NewsId,
            CommentPosted c => c.NewsId,
            _ => 0,
        };
        _news.TryGetValue(newsId, out var touch);
        switch (e)
        {
            case NewsSubmitted s when !touch.Has(NewsTouch.Posted):
                _news[newsId] = touch.With(NewsTouch.Posted);
                InsertByTime(_posted, new Dated(s.At.UtcTicks, newsId));
                return true;
            case NewsUpvoted v when !touch.HasVoted:
                _news[newsId] = touch.With(NewsTouch.Up);
                InsertByTime(_saved, new Dated(v.At.UtcTicks, newsId));
                return true;
            case NewsDownvoted when !touch.HasVoted:
                _news[newsId] = touch.With(NewsTouch.Down);
                return true;
            case CommentPosted c when c.CommentId > touch.LastCommentId:
                // An int keeps the entry at 24 bytes; a news with more than 2^31 comments would only lose the
                // dedup of redelivered comments beyond that.
                _news[newsId] = touch with { LastCommentId = (int)Math.Min(c.CommentId, int.MaxValue) };
                InsertByTime(_comments, new DatedComment(c.At.UtcTicks, newsId, c.CommentId));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Ids of the news posted, newest first, from <paramref name="start"/>.</summary>
    public long[] Posted(int start, int count) => NewestFirst(_posted, start, count, d => d.NewsId);

    /// <summary>Ids of the news up-voted, newest vote first, from <paramref name="start"/>.</summary>
    public long[] Saved(int start, int count) => NewestFirst(_saved, start, count, d => d.NewsId);

    /// <summary>The comments, newest first, from <paramref name="start"/>.</summary>
    public CommentRef[] Comments(int start, int count) =>
        NewestFirst(_comments, start, count, c => new CommentRef(c.NewsId, c.CommentId, new DateTimeOffset(c.AtTicks, TimeSpan.Zero).ToUnixTimeSeconds()));

    /// <summary>How this user voted on <paramref name="newsId"/>, or null.</summary>
    public VoteDirection? VoteOn(long newsId) =>
        !_news.TryGetValue(newsId, out var touch) ? null
        : touch.Has(NewsTouch.Up) ? VoteDirection.Up
        : touch.Has(NewsTouch.Down) ? VoteDirection.Down
        : null;

    /// <summary>Whether the lists hold <paramref name="fact"/> about <paramref name="newsId"/> (a write of this user; None always holds).</summary>
    public bool Holds(long newsId, UserListFact fact, long commentId = 0)
    {
        _news.TryGetValue(newsId, out var touch);
        return fact switch
        {
            UserListFact.Posted => touch.Has(NewsTouch.Posted),
            UserListFact.Voted => touch.HasVoted,
            UserListFact.Commented => touch.LastCommentId >= commentId,
            _ => true,
        };
    }

    /// <summary>Keeps <paramref name="list"/> in time order; nearly every insert is at the end.</summary>
    private static void InsertByTime<T>(List<T> list, T item)
        where T : IDated
    {
        var i = list.Count;
        while (i > 0 && list[i - 1].AtTicks > item.AtTicks)
        {
            i--;
        }

        list.Insert(i, item);
    }

    /// <summary>Only the page is copied out, whatever the list's length.</summary>
    private static TOut[] NewestFirst<T, TOut>(List<T> oldestFirst, int start, int count, Func<T, TOut> select)
    {
        start = Math.Max(start, 0);
        var n = Math.Max(0, Math.Min(count, oldestFirst.Count - start));
        var items = new TOut[n];
        for (var i = 0; i < n; i++)
        {
            items[i] = select(oldestFirst[oldestFirst.Count - 1 - start - i]);
        }

        return items;
    }

    private interface IDated
    {
        long AtTicks { get; }
    }

    private readonly record struct Dated(long AtTicks, long NewsId) : IDated;

    private readonly record struct DatedComment(long AtTicks, long NewsId, long CommentId) : IDated;

    /// <summary>What the user did to one news: flags, and the id of their last comment on it (0: none).</summary>
    private readonly record struct NewsTouch(byte Flags, int LastCommentId)
    {
        public const byte Posted = 1;
        public const byte Up = 2;
        public const byte Down = 4;

        public bool HasVoted => (Flags & (Up | Down)) != 0;

        public bool Has(byte flag) => (Flags & flag) != 0;

        public NewsTouch With(byte flag) => this with { Flags = (byte)(Flags | flag) };
    }
}
