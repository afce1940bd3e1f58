using System.Globalization;
using System.Text;
using Actors.Accounts;
using Actors.EventSourcing;
using Actors.News;
using Actors.Users;

namespace Actors.Seeding.Lamernews;

/// <summary>Where the import's events go: the log (<see cref="ResumingSink"/>) or only a count (a dry run).</summary>
public interface IImportSink
{
    /// <summary>Event <paramref name="e"/> as version <paramref name="version"/> of <paramref name="streamId"/> (versions of a stream in order, from 1).</summary>
    void Append(string streamId, long version, object e);

    /// <summary>The end of one action's events (they are committed together).</summary>
    Task EndActionAsync();
}

/// <summary>
/// Turns a <see cref="LamernewsSite"/> into the events this site would hold had it lived here, with the original ids and
/// times. Every stream's events are a pure function of the Redis contents, in a fixed order, so a stream's version N
/// is always the same event: writing only the versions a stream does not have yet makes the import idempotent and
/// resumable (<see cref="ResumingSink"/>).
/// <para>
/// Decisions (README "Coming from Lamernews"): karma is Lamernews' stored value, as the user's first increment at its
/// <c>karma_incr_time</c> (Lamernews karma holds hourly increments no event here could reproduce), so votes move no
/// karma (<c>KarmaTransferred</c> 0, no spends); the unread-replies counter is the stored one; the password hash is kept
/// (<see cref="PasswordHashing.FromLamernews"/>) and upgraded at the first login. Lamernews keeps no time of a deletion,
/// nor of a comment vote: a deleted news is deleted after its last activity, a deleted comment after itself and its
/// replies, a comment vote at the comment's time. Where the Lamernews quirks let a user vote both ways (comments) the up
/// vote is kept; a vote or comment by a missing user, a comment under a missing parent, are skipped with the reason.
/// </para>
/// </summary>
public sealed class LamernewsImport : ISeededSite
{
    /// <summary>The correlation id of every imported event: how a rerun knows the log holds only this import.</summary>
    public const string CorrelationId = "lamernews-import";

    public static EventMetadata Metadata { get; } = new(CorrelationId, null);

    private readonly LamernewsSite _site;
    private readonly NewsOptions _news;
    private readonly int _iterations;
    private readonly IReadOnlyDictionary<long, (string Token, string Secret)> _issued;
    private readonly Dictionary<long, UserRow> _users = [];
    private readonly List<(long NewsId, string Url, DateTimeOffset At, bool Deleted)> _links = [];
    private readonly Dictionary<long, DateTimeOffset> _lastSubmitted = [];

    /// <param name="site">What was read.</param>
    /// <param name="news">The site's settings (the submission break and the repost guard's length).</param>
    /// <param name="lamernewsIterations">Lamernews' <c>PBKDF2Iterations</c> (1000 unless the site changed it).</param>
    /// <param name="issued">Credentials already in the log for users whose Redis hash had no usable token (a resumed import keeps them).</param>
    public LamernewsImport(LamernewsSite site, NewsOptions news, int lamernewsIterations, IReadOnlyDictionary<long, (string Token, string Secret)>? issued = null)
    {
        _site = site;
        _news = news;
        _iterations = lamernewsIterations;
        _issued = issued ?? new Dictionary<long, (string, string)>();
        Report = new LamernewsImportReport(site.Skipped);
    }

    public LamernewsImportReport Report { get; }

    public long Users { get; private set; }

    public long LastNewsId { get; private set; }

    /// <summary>Writes every event to <paramref name="sink"/>: the users, then the news' history in time order.</summary>
    public async Task RunAsync(IImportSink sink, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        Users = Math.Max(_site.UsersCount, _site.Users.Count == 0 ? 0 : _site.Users.Max(u => u.Id));
        LastNewsId = Math.Max(_site.NewsCount, _site.News.Count == 0 ? 0 : _site.News.Max(n => n.Id));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in _site.Users.OrderBy(u => u.Id))
        {
            if (user.Id < 1 || user.Username.Length == 0 || !names.Add(UsernameDecider.KeyOf(user.Username)))
            {
                Report.Skip($"user:{user.Id}: {(user.Username.Length == 0 ? "no username" : $"the name '{user.Username}' is taken by another user (names are unique case-insensitively)")}: skipped");
                continue;
            }

            ImportUser(sink, user);
            await sink.EndActionAsync();
            if (Report.Users % 10_000 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke($"users: {Report.Users:N0}/{_site.Users.Count:N0}");
            }
        }

        progress?.Invoke($"users: {Report.Users:N0}; ordering the news' history");
        var steps = new List<Step>();
        foreach (var item in _site.News)
        {
            Plan(item, steps);
        }

        // One history for the whole site, in time order (ties: the news' own order), as the grains would have recorded
        // it: read models that fold in log order (lists, the user lists) then see what users saw.
        steps.Sort(static (a, b) =>
        {
            var c = a.At.CompareTo(b.At);
            if (c != 0)
            {
                return c;
            }

            c = a.NewsId.CompareTo(b.NewsId);
            return c != 0 ? c : a.Order.CompareTo(b.Order);
        });
        var versions = new Dictionary<long, long>();
        var done = 0;
        foreach (var step in steps)
        {
            var stream = NewsStream(step.NewsId);
            var version = versions.GetValueOrDefault(step.NewsId);
            foreach (var e in step.Events)
            {
                sink.Append(stream, ++version, e);
            }

            versions[step.NewsId] = version;
            await sink.EndActionAsync();
            if (++done % 50_000 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke($"news history: {done:N0}/{steps.Count:N0} steps");
            }
        }

        CheckSaved();
    }

    private void ImportUser(IImportSink sink, LamernewsUser u)
    {
        var at = Time(u.CreatedAt);
        var (token, secret) = _issued.TryGetValue(u.Id, out var issued)
            ? issued
            : (PasswordHashing.IsTokenShaped(u.AuthToken) ? u.AuthToken : PasswordHashing.NewToken(),
               PasswordHashing.IsTokenShaped(u.ApiSecret) ? u.ApiSecret : PasswordHashing.NewToken());
        if (u.Salt.Length == 0 || u.PasswordHex.Length != 40)
        {
            Report.Skip($"user:{u.Id} ({u.Username}): no usable password hash: imported, the user needs a password reset");
        }

        var stream = UserStreams.StreamOf(u.Id);
        long version = 0;
        sink.Append(EventStreams.StreamOf("usernames", UsernameDecider.KeyOf(u.Username)), 1, new UsernameClaimed(u.Username, u.Id, at));
        // The registration's nonce (see UserCreated) must be the same on every run over the same Redis, so it is not
        // random here but derived from the old site's secrets about the user, which its id does not tell (session token,
        // API secret, password salt and hash as Redis holds them).
        var nonce = new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"actors.import.nonce/{u.Id}/{u.AuthToken}/{u.ApiSecret}/{u.Salt}/{u.PasswordHex}")).AsSpan(0, 16));
        sink.Append(stream, ++version, new UserCreated(u.Id, u.Username, at, nonce));
        sink.Append(stream, ++version, new UserCredentialsIssued(u.Id, PasswordHashing.FromLamernews(u.Salt, u.PasswordHex, _iterations), token, secret, at));
        // The stored karma as the first increment: it also restarts the hourly clock where Lamernews left it.
        sink.Append(stream, ++version, new UserKarmaIncremented(u.Id, u.Karma, u.KarmaIncrementedAt > 0 ? Time(u.KarmaIncrementedAt) : at));
        if (u.Id == 1 || u.Flags.Contains('a', StringComparison.Ordinal))
        {
            sink.Append(stream, ++version, new UserAdminGranted(u.Id, at));
            Report.Admins++;
        }

        if (u.About.Length > 0 || u.Email.Length > 0)
        {
            sink.Append(stream, ++version, new UserProfileUpdated(u.Id, NewsRules.CleanText(u.About), NewsRules.CleanTitle(u.Email), at));
        }

        if (u.Replies > 0)
        {
            sink.Append(stream, ++version, new UserUnreadRepliesImported(u.Id, u.Replies, at));
            Report.UnreadReplies += u.Replies;
        }

        // What the accounts side does for every new user (the site's registration opens the first account).
        var account = AccountIds.FirstAccountOf(u.Id, nonce);
        sink.Append(AccountIds.StreamOf(account), 1, new AccountOpened(account, u.Id, AccountRules.DefaultCurrency, at));
        _users[u.Id] = new UserRow(u.Username, token, at, account);
        Report.Users++;
    }

    private void Plan(LamernewsNews n, List<Step> steps)
    {
        if (!_users.TryGetValue(n.UserId, out var author))
        {
            Report.Skip($"news:{n.Id}: its author user:{n.UserId} was not imported: skipped with its votes and comments");
            return;
        }

        var created = Time(n.CreatedAt);
        var url = NewsRules.IsTextUrl(n.Url) ? NewsRules.TextScheme + NewsRules.CleanText(n.Url[NewsRules.TextScheme.Length..]) : n.Url;
        var order = 0;
        var last = created;
        steps.Add(new Step(created, n.Id, order++, [new NewsSubmitted(n.Id, n.UserId, author.Name, NewsRules.CleanTitle(n.Title), url, created)]));
        Report.News++;
        Report.TextPosts += NewsRules.IsTextUrl(url) ? 1 : 0;
        if (!NewsRules.IsTextUrl(url))
        {
            _links.Add((n.Id, url, created, n.Deleted));
        }

        if (!_lastSubmitted.TryGetValue(n.UserId, out var previous) || previous < created)
        {
            _lastSubmitted[n.UserId] = created;
        }

        // Votes, author's own first (Lamernews casts it at submission), each at its time (never before the news).
        var voters = new HashSet<long>();
        var votes = n.Up.Select(v => (Vote: v, Up: true)).Concat(n.Down.Select(v => (Vote: v, Up: false)))
            .OrderBy(v => v.Vote.UserId == n.UserId ? 0 : 1).ThenBy(v => v.Vote.At).ThenBy(v => v.Vote.UserId);
        foreach (var (vote, up) in votes)
        {
            if (!_users.ContainsKey(vote.UserId))
            {
                Report.Skip($"news.{(up ? "up" : "down")}:{n.Id}: user {vote.UserId} was not imported: vote skipped");
                continue;
            }

            if (!voters.Add(vote.UserId))
            {
                Report.Skip($"news:{n.Id}: user {vote.UserId} voted both up and down: the {(up ? "up" : "down")} vote skipped");
                continue;
            }

            var at = Max(Time(vote.At), created);
            last = Max(last, at);
            steps.Add(new Step(at, n.Id, order++, [up
                ? new NewsUpvoted(n.Id, vote.UserId, n.UserId, 0, at)
                : new NewsDownvoted(n.Id, vote.UserId, n.UserId, at)]));
            if (up)
            {
                Report.UpVotes++;
            }
            else
            {
                Report.DownVotes++;
            }
        }

        last = Max(last, PlanComments(n, created, steps, ref order));
        if (n.Deleted)
        {
            steps.Add(new Step(last, n.Id, int.MaxValue, [new NewsDeleted(n.Id, n.UserId, last)]));
            Report.DeletedNews++;
        }
    }

    /// <summary>The thread's steps: each comment after its parent (ids grow with time in Lamernews), its votes, its deletion last.</summary>
    private DateTimeOffset PlanComments(LamernewsNews n, DateTimeOffset created, List<Step> steps, ref int order)
    {
        var last = created;
        var kept = new Dictionary<long, (long Author, DateTimeOffset At)>();
        var deletions = new List<(LamernewsComment Comment, DateTimeOffset At)>();
        var latestReply = new Dictionary<long, DateTimeOffset>();
        foreach (var c in n.Comments.OrderBy(c => c.Id))
        {
            if (!_users.TryGetValue(c.UserId, out var writer))
            {
                Report.Skip($"thread:comment:{n.Id} comment {c.Id}: its author user:{c.UserId} was not imported: skipped");
                continue;
            }

            (long Author, DateTimeOffset At) parent = default;
            if (c.ParentId != -1 && !kept.TryGetValue(c.ParentId, out parent))
            {
                Report.Skip($"thread:comment:{n.Id} comment {c.Id}: its parent {c.ParentId} is missing or was skipped: skipped");
                continue;
            }

            var at = Max(Time(c.CreatedAt), c.ParentId == -1 ? created : parent.At);
            kept[c.Id] = (c.UserId, at);
            latestReply[c.ParentId] = Max(latestReply.GetValueOrDefault(c.ParentId), at);
            last = Max(last, at);
            long? parentAuthor = c.ParentId == -1 ? null : parent.Author;
            steps.Add(new Step(at, n.Id, order++, [new CommentPosted(n.Id, c.Id, c.ParentId, c.UserId, writer.Name, NewsRules.CleanText(c.Body), parentAuthor, at)]));
            Report.Comments++;

            // The author's own up-vote is implied by the posting (Lamernews lists it in "up").
            var voters = new HashSet<long> { c.UserId };
            foreach (var (voter, up) in c.Up.Select(v => (v, true)).Concat(c.Down.Select(v => (v, false))))
            {
                if (voter == c.UserId && up)
                {
                    continue;
                }

                if (!_users.ContainsKey(voter))
                {
                    Report.Skip($"thread:comment:{n.Id} comment {c.Id}: voter user {voter} was not imported: vote skipped");
                    continue;
                }

                if (!voters.Add(voter))
                {
                    Report.Skip($"thread:comment:{n.Id} comment {c.Id}: user {voter} voted {(voter == c.UserId ? "on their own comment" : "both up and down")}: the {(up ? "up" : "down")} vote skipped");
                    continue;
                }

                steps.Add(new Step(at, n.Id, order++, [up
                    ? new CommentUpvoted(n.Id, c.Id, voter, at)
                    : new CommentDownvoted(n.Id, c.Id, voter, at)]));
                if (up)
                {
                    Report.CommentUpVotes++;
                }
                else
                {
                    Report.CommentDownVotes++;
                }
            }

            if (c.Deleted)
            {
                deletions.Add((c, at));
            }
        }

        foreach (var (c, posted) in deletions)
        {
            // After its replies (a reply to a deleted comment is refused here).
            var at = Max(posted, latestReply.GetValueOrDefault(c.Id));
            steps.Add(new Step(at, n.Id, order++ + (int.MaxValue / 2), [new CommentDeleted(n.Id, c.Id, c.UserId, at)]));
            last = Max(last, at);
            Report.DeletedComments++;
        }

        return last;
    }

    private void CheckSaved()
    {
        var upVoted = new HashSet<(long User, long News)>();
        foreach (var n in _site.News)
        {
            foreach (var v in n.Up)
            {
                upVoted.Add((v.UserId, n.Id));
            }
        }

        foreach (var (user, saved) in _site.Saved)
        {
            foreach (var newsId in saved)
            {
                if (upVoted.Contains((user, newsId)))
                {
                    Report.Saved++;
                }
                else
                {
                    Report.Skip($"user.saved:{user}: news {newsId} has no up-vote of that user (saved news are the up-voted ones here): not kept");
                }
            }
        }
    }

    public IEnumerable<(long UserId, string Token)> Tokens() => _users.Select(u => (u.Key, u.Value.Token));

    public IEnumerable<(long UserId, DateTimeOffset At, Guid FirstAccount)> Registrations() => _users.Select(u => (u.Key, u.Value.CreatedAt, u.Value.FirstAccount));

    public IEnumerable<(long NewsId, string Url, DateTimeOffset At)> RecentLinks(DateTimeOffset now) =>
        _links.Where(l => !l.Deleted && l.At >= now - TimeSpan.FromSeconds(_news.PreventRepostTimeSeconds)).Select(l => (l.NewsId, l.Url, l.At));

    public IEnumerable<(long UserId, DateTimeOffset At)> RecentAuthors(DateTimeOffset now) =>
        _lastSubmitted.Where(a => a.Value > now - TimeSpan.FromSeconds(_news.NewsSubmissionBreakSeconds)).Select(a => (a.Key, a.Value));

    private static string NewsStream(long id) => EventStreams.StreamOf(NewsStreams.Category, id.ToString(CultureInfo.InvariantCulture));

    private static DateTimeOffset Time(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unixSeconds, 0, 253_402_300_799));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private sealed record UserRow(string Name, string Token, DateTimeOffset CreatedAt, Guid FirstAccount);

    private sealed record Step(DateTimeOffset At, long NewsId, int Order, object[] Events);
}

/// <summary>What an import read, wrote and skipped.</summary>
public sealed class LamernewsImportReport(List<string> skipped)
{
    public long Users { get; set; }
    public long Admins { get; set; }
    public long UnreadReplies { get; set; }
    public long News { get; set; }
    public long TextPosts { get; set; }
    public long DeletedNews { get; set; }
    public long UpVotes { get; set; }
    public long DownVotes { get; set; }
    public long Comments { get; set; }
    public long DeletedComments { get; set; }
    public long CommentUpVotes { get; set; }
    public long CommentDownVotes { get; set; }
    public long Saved { get; set; }

    /// <summary>Events written to the log by this run.</summary>
    public long EventsWritten { get; set; }

    /// <summary>A dry run: <see cref="EventsWritten"/> counts what an import into an empty log would write.</summary>
    public bool DryRun { get; set; }

    /// <summary>Events the log already held (an earlier run): not written again.</summary>
    public long EventsAlreadyThere { get; set; }

    /// <summary>Every key or item not imported, with the reason (the reader's and the import's).</summary>
    public IReadOnlyList<string> Skipped => skipped;

    public void Skip(string reason) => skipped.Add(reason);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"users: {Users:N0} ({Admins:N0} admin, {UnreadReplies:N0} unread replies)");
        text.AppendLine(CultureInfo.InvariantCulture, $"news: {News:N0} ({TextPosts:N0} text posts, {DeletedNews:N0} deleted)");
        text.AppendLine(CultureInfo.InvariantCulture, $"news votes: {UpVotes:N0} up, {DownVotes:N0} down");
        text.AppendLine(CultureInfo.InvariantCulture, $"comments: {Comments:N0} ({DeletedComments:N0} deleted)");
        text.AppendLine(CultureInfo.InvariantCulture, $"comment votes: {CommentUpVotes:N0} up, {CommentDownVotes:N0} down");
        text.AppendLine(CultureInfo.InvariantCulture, $"saved: {Saved:N0}");
        if (DryRun)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"events: {EventsWritten:N0} would be written into an empty log");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"events: {EventsWritten:N0} written, {EventsAlreadyThere:N0} already in the log");
        }
        text.Append(CultureInfo.InvariantCulture, $"skipped: {Skipped.Count:N0}");
        foreach (var reason in Skipped)
        {
            text.AppendLine().Append("  ").Append(reason);
        }

        return text.ToString();
    }
}
