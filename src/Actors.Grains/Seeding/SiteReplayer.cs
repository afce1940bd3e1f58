using System.Globalization;
using Actors.Accounts;
using Actors.EventSourcing;
using Actors.News;
using Actors.Users;

namespace Actors.Seeding;

/// <summary>
/// Turns a site's history (<see cref="SiteAction"/>s in time order) into exactly the events the grains would have
/// recorded for it, applying the same rules with the deciders' own event shapes: the registry's claim, the user's
/// creation events (credentials, initial karma, admin for user 1) and the first account the accounts side opens; the
/// hourly karma increment on a user's first request after the interval; the author's own up-vote of a new news; a vote
/// paid by the voter (refused without the karma, as <c>PayForVote</c> refuses), then the author's credit and the
/// parent author's reply note, as the activity feed appends them. Refused actions (deleted news, missing parent, too
/// little karma) record nothing but the karma tick their request caused.
/// <para>
/// Keeps only what those rules read: per user karma, the last increment and the stream version; per news its author,
/// version, deletion and the authors of its comments (replies name them). Trusts its producer for one vote per user
/// per news (the generator draws distinct voters; Lamernews keeps votes in a sorted set).
/// </para>
/// </summary>
public sealed class SiteReplayer(NewsOptions news, string passwordHash, LogBatchWriter log) : ISeededSite
{
    private static readonly EventMetadata Seeded = new("seed", null);

    private UserRow[] _users = new UserRow[1024];
    private NewsRow[] _news = new NewsRow[1024];
    private readonly Queue<(long Id, string Url, DateTimeOffset At)> _recentLinks = new();

    public long Users { get; private set; }
    public long LastNewsId { get; private set; }
    public long Votes { get; private set; }
    public long VotesRefused { get; private set; }
    public long Comments { get; private set; }
    public long Deleted { get; private set; }

    /// <summary>Metadata of every seeded event (correlation id <c>seed</c>).</summary>
    public static EventMetadata Metadata => Seeded;

    public void Replay(SiteAction action)
    {
        switch (action)
        {
            case UserRegistered a: Register(a); break;
            case NewsPosted a: Post(a); break;
            case NewsVoted a: Vote(a); break;
            case CommentWritten a: Comment(a); break;
            case NewsRemoved a: Remove(a); break;
        }
    }

    private void Register(UserRegistered a)
    {
        if (a.UserId != Users + 1)
        {
            throw new InvalidOperationException($"Users register in id order: expected user {Users + 1}, got {a.UserId}.");
        }

        Users = a.UserId;
        Grow(ref _users, a.UserId);
        ref var user = ref _users[a.UserId];
        user = new UserRow { Name = a.Username, Stream = UserStreams.StreamOf(a.UserId), Karma = news.UserInitialKarma, LastTick = a.At, CreatedAt = a.At, Token = PasswordHashing.NewToken() };
        log.Append(EventStreams.StreamOf("usernames", UsernameDecider.KeyOf(a.Username)), 1, new UsernameClaimed(a.Username, a.UserId, a.At));
        user.Nonce = Guid.NewGuid();
        UserEvent(ref user, new UserCreated(a.UserId, a.Username, a.At, user.Nonce));
        UserEvent(ref user, new UserCredentialsIssued(a.UserId, passwordHash, user.Token, PasswordHashing.NewToken(), a.At));
        UserEvent(ref user, new UserKarmaIncremented(a.UserId, news.UserInitialKarma, a.At));
        if (a.UserId == 1)
        {
            UserEvent(ref user, new UserAdminGranted(a.UserId, a.At));
        }

        var account = AccountIds.FirstAccountOf(a.UserId, user.Nonce);
        log.Append(AccountIds.StreamOf(account), 1, new AccountOpened(account, a.UserId, AccountRules.DefaultCurrency, a.At));
    }

    private void Post(NewsPosted a)
    {
        ref var author = ref Active(a.UserId, a.At);
        var (_, url, rejection) = NewsRules.Validate(a.Title, a.Url, a.Text, PostLimits.Of(news));
        if (rejection is not null || a.NewsId <= LastNewsId)
        {
            return;
        }

        LastNewsId = a.NewsId;
        Grow(ref _news, a.NewsId);
        ref var item = ref _news[a.NewsId];
        item = new NewsRow { Exists = true, Author = a.UserId, Stream = EventStreams.StreamOf(NewsStreams.Category, a.NewsId.ToString(CultureInfo.InvariantCulture)), At = a.At };
        NewsEvent(ref item, new NewsSubmitted(a.NewsId, a.UserId, author.Name, a.Title, url, a.At));
        NewsEvent(ref item, new NewsUpvoted(a.NewsId, a.UserId, a.UserId, 0, a.At));
        author.LastSubmitted = a.At;
        if (!NewsRules.IsTextUrl(url))
        {
            _recentLinks.Enqueue((a.NewsId, url, a.At));
            while (_recentLinks.Peek().At < a.At - TimeSpan.FromSeconds(news.PreventRepostTimeSeconds))
            {
                _recentLinks.Dequeue();
            }
        }
    }

    private void Vote(NewsVoted a)
    {
        ref var voter = ref Active(a.UserId, a.At);
        ref var item = ref NewsOf(a.NewsId);
        if (!item.Exists || item.Deleted || a.UserId == item.Author)
        {
            VotesRefused++; // no such news, deleted, or the author's own (already cast at submission)
            return;
        }

        var (minimum, cost) = a.Up ? (news.NewsUpvoteMinKarma, news.NewsUpvoteKarmaCost) : (news.NewsDownvoteMinKarma, news.NewsDownvoteKarmaCost);
        if (voter.Karma < minimum)
        {
            VotesRefused++;
            return;
        }

        voter.Karma -= cost;
        UserEvent(ref voter, new UserKarmaSpent(a.UserId, cost, $"vote {(a.Up ? "up" : "down")} {item.Stream}", a.At));
        Votes++;
        if (!a.Up)
        {
            NewsEvent(ref item, new NewsDownvoted(a.NewsId, a.UserId, item.Author, a.At));
            return;
        }

        var transferred = news.NewsUpvoteKarmaTransfered;
        NewsEvent(ref item, new NewsUpvoted(a.NewsId, a.UserId, item.Author, transferred, a.At));
        if (transferred != 0)
        {
            ref var author = ref _users[item.Author];
            author.Karma += transferred;
            UserEvent(ref author, new UserKarmaCredited(item.Author, transferred, item.Stream, item.Version, a.At));
        }
    }

    private void Comment(CommentWritten a)
    {
        ref var writer = ref Active(a.UserId, a.At);
        ref var item = ref NewsOf(a.NewsId);
        var comments = item.CommentAuthors;
        if (!item.Exists || item.Deleted || a.Body.Length == 0 || a.Body.Length > news.CommentMaxLength
            || (a.ParentId != -1 && (a.ParentId < 1 || comments is null || a.ParentId > comments.Count)))
        {
            return;
        }

        long? parentAuthor = a.ParentId == -1 ? null : comments![(int)a.ParentId - 1];
        comments ??= item.CommentAuthors = [];
        comments.Add(a.UserId);
        NewsEvent(ref item, new CommentPosted(a.NewsId, comments.Count, a.ParentId, a.UserId, writer.Name, a.Body, parentAuthor, a.At));
        Comments++;
        if (parentAuthor is { } parent)
        {
            UserEvent(ref _users[parent], new UserReplyNoted(parent, item.Stream, item.Version, a.At));
        }
    }

    private void Remove(NewsRemoved a)
    {
        Active(a.UserId, a.At);
        ref var item = ref NewsOf(a.NewsId);
        var mayChange = a.UserId == 1 || (a.UserId == item.Author
            && NewsRules.IsEditableAt(NewsRules.EditableUntil(item.At.ToUnixTimeSeconds(), item.Deleted, news.NewsEditTimeSeconds), a.At));
        if (!item.Exists || item.Deleted || !mayChange)
        {
            return;
        }

        NewsEvent(ref item, new NewsDeleted(a.NewsId, a.UserId, a.At));
        item.Deleted = true;
        Deleted++;
    }

    /// <summary>A signed-in request of the user: the hourly karma increment when due (what <c>Authenticate</c> appends).</summary>
    private ref UserRow Active(long userId, DateTimeOffset at)
    {
        if (userId < 1 || userId > Users)
        {
            throw new InvalidOperationException($"User {userId} acts before registering.");
        }

        ref var user = ref _users[userId];
        if (user.LastTick < at - TimeSpan.FromSeconds(news.KarmaIncrementIntervalSeconds))
        {
            user.Karma += news.KarmaIncrementAmount;
            user.LastTick = at;
            UserEvent(ref user, new UserKarmaIncremented(userId, news.KarmaIncrementAmount, at));
        }

        return ref user;
    }

    private ref NewsRow NewsOf(long newsId)
    {
        if (newsId < 1 || newsId > LastNewsId)
        {
            return ref _missing;
        }

        return ref _news[newsId];
    }

    private NewsRow _missing;

    private void UserEvent(ref UserRow user, IUserEvent e) => log.Append(user.Stream, ++user.Version, e);

    private void NewsEvent(ref NewsRow item, INewsEvent e) => log.Append(item.Stream, ++item.Version, e);

    private static void Grow<T>(ref T[] rows, long id)
    {
        if (id >= rows.Length)
        {
            Array.Resize(ref rows, (int)Math.Max(id + 1, rows.Length * 2L));
        }
    }

    /// <summary>Link news of the last PreventRepostTimeSeconds that are not deleted: their URL guards must hold.</summary>
    public IEnumerable<(long NewsId, string Url, DateTimeOffset At)> RecentLinks(DateTimeOffset now) =>
        _recentLinks.Where(l => !_news[l.Id].Deleted && l.At >= now - TimeSpan.FromSeconds(news.PreventRepostTimeSeconds));

    /// <summary>Every user's session token (the auth-token pointers the gateway authenticates with).</summary>
    public IEnumerable<(long UserId, string Token)> Tokens()
    {
        for (long id = 1; id <= Users; id++)
        {
            yield return (id, _users[id].Token);
        }
    }

    /// <summary>Every user with the time of registration and the first account opened for it.</summary>
    public IEnumerable<(long UserId, DateTimeOffset At, Guid FirstAccount)> Registrations()
    {
        for (long id = 1; id <= Users; id++)
        {
            yield return (id, _users[id].CreatedAt, AccountIds.FirstAccountOf(id, _users[id].Nonce));
        }
    }

    /// <summary>Users whose last submission is within the submission break at <paramref name="now"/>.</summary>
    public IEnumerable<(long UserId, DateTimeOffset At)> RecentAuthors(DateTimeOffset now)
    {
        for (long id = 1; id <= Users; id++)
        {
            if (_users[id].LastSubmitted is { } at && at > now - TimeSpan.FromSeconds(news.NewsSubmissionBreakSeconds))
            {
                yield return (id, at);
            }
        }
    }

    private struct UserRow
    {
        public string Name;
        public string Stream;
        public string Token;
        public Guid Nonce;
        public long Version;
        public int Karma;
        public DateTimeOffset LastTick;
        public DateTimeOffset CreatedAt;
        public DateTimeOffset? LastSubmitted;
    }

    private struct NewsRow
    {
        public bool Exists;
        public bool Deleted;
        public string Stream;
        public long Version;
        public long Author;
        public DateTimeOffset At;
        public List<long>? CommentAuthors;
    }
}
