using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Actors.Gateway.Users;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.News;

/// <summary>
/// Read-your-writes, over HTTP and over <c>/ws</c>. The news lists (top, latest, a user's posted, saved and commented
/// news, the votes shown on a page) and the accounts' summary and statements are read models fed by the log's
/// partitions, so right after a write they may not hold it yet. A write answers, besides its log position
/// (<c>X-Event-Position</c>), a token naming what it wrote: cookie <see cref="Cookie"/> (browsers and cookie-keeping
/// clients) and header <see cref="Header"/> (other clients send it back on their reads); a <c>/ws</c> socket keeps the
/// same token in memory (it is a session of its own). A read that carries a token first waits, at most
/// <see cref="NewsOptions.ReadYourWritesMilliseconds"/>, until the read models hold every write it names.
/// <para>
/// Why versions and not the log position: the read models apply each partition's events in turn, so one that has
/// applied position P of one partition may still lack an older event of another. Each stream's version is exact:
/// the ranking keeps the version it applied per news, a user's lists keep what the user did per news (posted, voted,
/// last comment), an account's statement and its line in the owner's summary keep the account's version. The token
/// is <c>{writer}_{entry}_...</c>: the writing user's id, then the last <see cref="MaxEntries"/> writes, news
/// (<c>{news}.{version}[p|v|c{comment}]</c>: news, version, and the fact it made true in the writer's own lists) and
/// accounts alike (<c>a{account}.{version}[t]</c>: account id, version, <c>t</c> for a transfer's target, which may be
/// someone else's account).
/// </para>
/// <para>
/// Cost: a read without a token does nothing more (one cookie and one header looked up). A news token already found
/// held is remembered by this gateway (the facts only ever become true), so its later reads cost a dictionary look-up,
/// and pages shared between readers (<see cref="NewsPageCache"/>) are used when they were fetched after that. An
/// account read polls the read model it serves (<see cref="PollAsync"/>): its last answer is the read's answer, so
/// the first look is the read itself and a write already held costs nothing more.
/// </para>
/// </summary>
public static class ReadYourWrites
{
    /// <summary>The cookie that remembers a session's recent writes.</summary>
    public const string Cookie = "written";

    /// <summary>The same token as a header, for clients that keep no cookies: sent on writes' answers, read on reads.</summary>
    public const string Header = "X-Actors-Written";

    /// <summary>Set on a read's answer when its wait ran out before the read models held the writes (it may be stale).</summary>
    public const string StaleHeader = "X-Actors-Stale";

    /// <summary>Writes remembered per token; a client with more unread writes than this waits for the newest only.</summary>
    public const int MaxEntries = 8;

    private const int MaxTokenLength = 512;

    private static readonly object FreshAfterKey = new();

    /// <summary>News tokens this gateway found held (a singleton service: its read models only ever move forward).</summary>
    public sealed class HeldTokens
    {
        private const int Capacity = 16_384;

        // Key: the token as sent; value: when its news writes were found held (Stopwatch timestamp). Cleared when full.
        private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);

        public bool TryGet(string token, out long heldAt) => _held.TryGetValue(token, out heldAt);

        public void Add(string token, long heldAt)
        {
            if (_held.Count >= Capacity)
            {
                _held.Clear();
            }

            _held[token] = heldAt;
        }
    }

    /// <summary>How many reads this gateway made wait for their writes (a singleton service; seen by the tests and the operator).</summary>
    public sealed class Waits
    {
        private long _started;
        private long _stale;

        /// <summary>Reads that waited (a read without a token, or whose token names nothing it shows, never counts).</summary>
        public long Started => Interlocked.Read(ref _started);

        /// <summary>Of those, reads whose wait ran out.</summary>
        public long Stale => Interlocked.Read(ref _stale);

        internal void Count(bool held)
        {
            Interlocked.Increment(ref _started);
            if (!held)
            {
                Interlocked.Increment(ref _stale);
            }
        }
    }

    /// <summary>One write a token names.</summary>
    internal abstract record Written
    {
        private Written()
        {
        }

        /// <summary>A news write: the version of the news stream, and the fact it made true in the writer's lists.</summary>
        public sealed record News(NewsWritten Write) : Written;

        /// <summary>
        /// An account write: the version of the account's stream. <paramref name="Target"/>: a transfer's target, which may
        /// be someone else's account (so a summary without it is not waited for).
        /// </summary>
        public sealed record Account(Guid AccountId, long Version, bool Target = false) : Written;
    }

    /// <summary>The writes of one writer, oldest first (at most <see cref="MaxEntries"/>).</summary>
    internal sealed record Token(long WriterId, IReadOnlyList<Written> Entries)
    {
        public IReadOnlyList<NewsWritten> News => [.. Entries.OfType<Written.News>().Select(e => e.Write)];

        /// <summary>The account writes of <paramref name="readerId"/>; none when the token is someone else's (it is ignored).</summary>
        public IReadOnlyList<Written.Account> AccountsOf(long readerId) =>
            readerId == WriterId ? [.. Entries.OfType<Written.Account>()] : [];

        /// <summary>This token with <paramref name="written"/> added (a token of another writer is replaced).</summary>
        public static Token With(Token? sent, long writerId, IEnumerable<Written> written)
        {
            var entries = sent is not null && sent.WriterId == writerId ? sent.Entries.ToList() : [];
            foreach (var write in written)
            {
                var added = write;
                switch (write)
                {
                    case Written.News news:
                        entries.RemoveAll(e => e is Written.News old && old.Write.NewsId == news.Write.NewsId && old.Write.Fact == news.Write.Fact);
                        break;
                    case Written.Account account:
                        // One entry per account: the highest version, and a target only if every write named it as one.
                        if (entries.OfType<Written.Account>().FirstOrDefault(e => e.AccountId == account.AccountId) is { } old)
                        {
                            entries.Remove(old);
                            added = new Written.Account(account.AccountId, Math.Max(old.Version, account.Version), old.Target && account.Target);
                        }

                        break;
                }

                entries.Add(added);
            }

            return new Token(writerId, entries.Skip(Math.Max(0, entries.Count - MaxEntries)).ToList());
        }
    }

    /// <summary>What an account read waits for: its reader's writes, for at most <see cref="Bound"/> milliseconds.</summary>
    internal sealed record AccountsWait(Token Token, int Bound, Waits Counter, CancellationToken Aborted);

    /// <summary>The token a news write answers: the writes the request remembered (of the same writer) and this one.</summary>
    public static void Remember(HttpContext context, long writerId, NewsWritten written) =>
        Remember(context, writerId, [new Written.News(written)]);

    /// <summary>The token a write answers: the writes the request remembered (of the same writer) and these.</summary>
    internal static void Remember(HttpContext context, long writerId, IReadOnlyList<Written> written)
    {
        written = [.. written.Where(w => w is Written.News { Write.Version: > 0 } or Written.Account { Version: > 0 })];
        if (written.Count == 0)
        {
            return;
        }

        var token = Format(Token.With(Parse(Sent(context.Request)), writerId, written));
        context.Response.Headers[Header] = token;
        context.Response.Cookies.Append(Cookie, token, new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            // Past this, a write long since delivered is not worth a look-up on every read.
            MaxAge = TimeSpan.FromMinutes(1),
        });
    }

    /// <summary>The endpoint filter of every read of a news list or page: waits for the writes named by the request, then reads.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        await WaitAsync(invocation.HttpContext);
        return await next(invocation);
    }

    /// <summary>
    /// A shared page fetched before this timestamp (Stopwatch) may lack this request's writes (0: any shared page will do).
    /// </summary>
    public static long FreshAfter(HttpContext context) =>
        context.Items.TryGetValue(FreshAfterKey, out var value) && value is long timestamp ? timestamp : 0;

    /// <summary>Waits until the news read models hold the news writes the request names, or the configured bound passes.</summary>
    public static async Task WaitAsync(HttpContext context)
    {
        var sent = Sent(context.Request);
        if (sent is null)
        {
            return; // the uncontended read: nothing remembered
        }

        var bound = context.RequestServices.GetRequiredService<IOptions<NewsOptions>>().Value.ReadYourWritesMilliseconds;
        if (bound <= 0)
        {
            return; // switched off
        }

        // Keyed by the token as sent: an account write changes it, and costs one more look at the news read models.
        var held = context.RequestServices.GetRequiredService<HeldTokens>();
        if (held.TryGet(sent, out var heldAt))
        {
            context.Items[FreshAfterKey] = heldAt;
            return;
        }

        if (Parse(sent) is not { } token || token.News is not { Count: > 0 } news)
        {
            return; // unreadable (ignored), or nothing the news lists show
        }

        var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
        // The writer's own lists are asked only on the writer's own requests: a token can name anyone, and a read must
        // not make another user's lists rebuild.
        var hasFacts = news.Any(e => e.Fact != UserListFact.None);
        var writer = hasFacts && (await context.GetSignedInIdentityAsync())?.Id == token.WriterId
            ? grains.GetGrain<IUserNewsGrain>(token.WriterId)
            : null;
        var ranking = grains.GetGrain<INewsRankingGrain>(0);
        var (_, isHeld) = await PollAsync(
            async () => await ranking.HasApplied(news) && (writer is null || await writer.HasApplied(news)),
            applied => applied,
            bound,
            context.RequestServices.GetRequiredService<Waits>(),
            context.RequestAborted);
        var now = Stopwatch.GetTimestamp();
        if (!isHeld)
        {
            context.Response.Headers[StaleHeader] = "1";
        }
        else if (writer is not null || !hasFacts)
        {
            // Remembered only when every part was checked (not when someone else's token skipped the lists).
            held.Add(sent, now);
        }

        context.Items[FreshAfterKey] = now;
    }

    /// <summary>What an account read of this request waits for; null (nothing to do) without a readable token or when switched off.</summary>
    internal static AccountsWait? AccountsWaitOf(HttpContext context)
    {
        if (Sent(context.Request) is not { } sent)
        {
            return null; // the uncontended read: nothing remembered
        }

        var bound = context.RequestServices.GetRequiredService<IOptions<NewsOptions>>().Value.ReadYourWritesMilliseconds;
        return bound > 0 && Parse(sent) is { } token && token.Entries.Any(e => e is Written.Account)
            ? new AccountsWait(token, bound, context.RequestServices.GetRequiredService<Waits>(), context.RequestAborted)
            : null;
    }

    /// <summary>
    /// The wait itself, for every read of both doors: reads (<paramref name="read"/>) until <paramref name="holds"/> says
    /// the answer holds the writes, at most <paramref name="bound"/> milliseconds. Returns the last answer read, and
    /// whether it holds them (false: the bound passed, the answer may be stale).
    /// </summary>
    internal static async Task<(T Value, bool Held)> PollAsync<T>(
        Func<Task<T>> read, Func<T, bool> holds, int bound, Waits counter, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = 1;
        while (true)
        {
            var value = await read();
            if (holds(value))
            {
                counter.Count(held: true);
                return (value, true);
            }

            var left = bound - (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (left <= 0)
            {
                counter.Count(held: false);
                return (value, false);
            }

            // The read models follow the log within milliseconds: ask again soon, then less often.
            await Task.Delay(Math.Min(pause, left), cancellationToken);
            pause = Math.Min(pause * 2, 25);
        }
    }

    /// <summary>The token the request carries: the cookie, else the header (null when neither, or when too long).</summary>
    private static string? Sent(HttpRequest request)
    {
        var token = request.Cookies[Cookie] is { Length: > 0 } cookie ? cookie : request.Headers[Header].ToString();
        return token.Length is > 0 and <= MaxTokenLength ? token : null;
    }

    /// <summary>The token's writer and writes, or null when it does not read (a bad token is ignored, never an error).</summary>
    internal static Token? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('_');
        if (parts.Length < 2 || parts.Length > MaxEntries + 1 || !TryLong(parts[0], out var writer))
        {
            return null;
        }

        var entries = new List<Written>(parts.Length - 1);
        foreach (var part in parts.AsSpan(1))
        {
            var dot = part.IndexOf('.');
            if (dot <= 0)
            {
                return null;
            }

            var rest = part[(dot + 1)..];
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (!TryLong(rest[..digits], out var version))
            {
                return null;
            }

            var fact = rest[digits..];
            Written? entry;
            if (part[0] == 'a')
            {
                // An account: its id as 32 hex digits.
                entry = dot == 33 && Guid.TryParseExact(part.AsSpan(1, 32), "N", out var accountId) && fact is "" or "t"
                    ? new Written.Account(accountId, version, fact == "t")
                    : null;
            }
            else
            {
                entry = !TryLong(part[..dot], out var newsId) ? null : fact switch
                {
                    "" => new Written.News(new NewsWritten(newsId, version)),
                    "p" => new Written.News(new NewsWritten(newsId, version, UserListFact.Posted)),
                    "v" => new Written.News(new NewsWritten(newsId, version, UserListFact.Voted)),
                    ['c', .. var comment] when TryLong(comment, out var commentId) =>
                        new Written.News(new NewsWritten(newsId, version, UserListFact.Commented, commentId)),
                    _ => null,
                };
            }

            if (entry is null)
            {
                return null;
            }

            entries.Add(entry);
        }

        return new Token(writer, entries);
    }

    internal static string Format(Token token)
    {
        var text = new StringBuilder(token.WriterId.ToString(CultureInfo.InvariantCulture));
        foreach (var entry in token.Entries)
        {
            switch (entry)
            {
                case Written.News { Write: var e }:
                    text.Append(CultureInfo.InvariantCulture, $"_{e.NewsId}.{e.Version}");
                    text.Append(e.Fact switch
                    {
                        UserListFact.Posted => "p",
                        UserListFact.Voted => "v",
                        UserListFact.Commented => string.Create(CultureInfo.InvariantCulture, $"c{e.CommentId}"),
                        _ => "",
                    });
                    break;
                case Written.Account a:
                    text.Append(CultureInfo.InvariantCulture, $"_a{a.AccountId:N}.{a.Version}{(a.Target ? "t" : "")}");
                    break;
            }
        }

        return text.ToString();
    }

    private static bool TryLong(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
