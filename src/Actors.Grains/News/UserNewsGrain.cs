using Actors.EventSourcing;

namespace Actors.News;

/// <summary>
/// One user's news activity (key = user id): news posted, news up-voted ("saved"), votes, comments. Kept in memory and
/// rebuilt from the news events of the log on activation; fed by <see cref="NewsActivityFeedGrain"/>. Idempotent by
/// (stream, version): each news stream's last applied version is remembered.
/// </summary>
public sealed class UserNewsGrain(IEventLog log) : Grain, IUserNewsGrain
{
    private readonly Dictionary<string, long> _applied = new(StringComparer.Ordinal);
    private readonly List<long> _posted = [];
    private readonly List<long> _saved = [];
    private readonly Dictionary<long, VoteDirection> _votes = [];
    private readonly List<CommentRef> _comments = [];

    private long UserId => this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
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

    public Task Apply(RecordedEvent recorded)
    {
        ApplyRecorded(recorded);
        return Task.CompletedTask;
    }

    public Task<NewsIdPage> GetPosted(int start, int count) => Task.FromResult(new NewsIdPage(NewestFirst(_posted, start, count), _posted.Count));

    public Task<NewsIdPage> GetSaved(int start, int count) => Task.FromResult(new NewsIdPage(NewestFirst(_saved, start, count), _saved.Count));

    public Task<CommentRefPage> GetComments(int start, int count) =>
        Task.FromResult(new CommentRefPage(NewestFirst(_comments, start, count), _comments.Count));

    public Task<IReadOnlyDictionary<long, VoteDirection>> GetVotes(IReadOnlyList<long> newsIds)
    {
        var votes = new Dictionary<long, VoteDirection>();
        foreach (var id in newsIds)
        {
            if (_votes.TryGetValue(id, out var direction))
            {
                votes[id] = direction;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<long, VoteDirection>>(votes);
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
                _posted.Add(s.NewsId);
                break;
            case NewsUpvoted v:
                _votes[v.NewsId] = VoteDirection.Up;
                _saved.Add(v.NewsId);
                break;
            case NewsDownvoted v:
                _votes[v.NewsId] = VoteDirection.Down;
                break;
            case CommentPosted c:
                _comments.Add(new CommentRef(c.NewsId, c.CommentId, c.At.ToUnixTimeSeconds()));
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
