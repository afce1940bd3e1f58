using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Actors.Gateway.Users;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.News;

/// <summary>
/// Read-your-writes over HTTP. The lists (top, latest, a user's posted, saved and commented news, the votes shown on a
/// page) are read models fed by the log's partitions, so right after a write they may not hold it yet. A news write
/// answers, besides its log position (<c>X-Event-Position</c>), a token naming what it wrote: cookie <see cref="Cookie"/>
/// (browsers and cookie-keeping clients) and header <see cref="Header"/> (other clients send it back on their reads).
/// A read that carries a token first waits, at most <see cref="NewsOptions.ReadYourWritesMilliseconds"/>, until the read
/// models hold every write it names.
/// <para>
/// Why versions and not the log position: the read models apply each partition's events in turn, so one that has
/// applied position P of one partition may still lack an older event of another. Each news stream's version is exact:
/// the ranking keeps the version it applied per news, and a user's lists keep what the user did per news (posted, voted,
/// last comment). The token is <c>{writer}_{news}.{version}[p|v|c{comment}]_...</c>: the writing user's id, then the
/// last <see cref="MaxEntries"/> writes (news, version, and the fact it made true in the writer's own lists).
/// </para>
/// <para>
/// Cost: a read without a token does nothing more (one cookie and one header looked up). A token already found held
/// is remembered by this gateway (the facts only ever become true), so its later reads cost a dictionary look-up, and
/// pages shared between readers (<see cref="NewsPageCache"/>) are used when they were fetched after that.
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

    /// <summary>Tokens this gateway found held (a singleton service: its read models only ever move forward).</summary>
    public sealed class HeldTokens
    {
        private const int Capacity = 16_384;

        // Key: the token as sent; value: when it was found held (Stopwatch timestamp). Cleared when full.
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

    /// <summary>The token a write answers: the writes the request remembered (of the same writer) and this one.</summary>
    public static void Remember(HttpContext context, long writerId, NewsWritten written)
    {
        if (written.Version <= 0)
        {
            return;
        }

        var entries = Parse(Sent(context.Request)) is { } sent && sent.WriterId == writerId
            ? sent.Entries.Where(e => e.NewsId != written.NewsId || e.Fact != written.Fact).ToList()
            : [];
        entries.Add(written);
        var token = Format(writerId, entries.Skip(Math.Max(0, entries.Count - MaxEntries)));
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

    /// <summary>The endpoint filter of every read of a list or page: waits for the writes named by the request, then reads.</summary>
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

    /// <summary>Waits until the read models hold the writes the request names, or the configured bound passes.</summary>
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

        var held = context.RequestServices.GetRequiredService<HeldTokens>();
        if (held.TryGet(sent, out var heldAt))
        {
            context.Items[FreshAfterKey] = heldAt;
            return;
        }

        if (Parse(sent) is not { } token)
        {
            return;
        }

        var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
        // The writer's own lists are asked only on the writer's own requests: a token can name anyone, and a read must
        // not make another user's lists rebuild.
        var hasFacts = token.Entries.Any(e => e.Fact != UserListFact.None);
        var writer = hasFacts && (await context.GetSignedInIdentityAsync())?.Id == token.WriterId
            ? grains.GetGrain<IUserNewsGrain>(token.WriterId)
            : null;
        var started = Stopwatch.GetTimestamp();
        var pause = 1;
        while (true)
        {
            if (await grains.GetGrain<INewsRankingGrain>(0).HasApplied(token.Entries)
                && (writer is null || await writer.HasApplied(token.Entries)))
            {
                var now = Stopwatch.GetTimestamp();
                if (writer is not null || !hasFacts)
                {
                    // Remembered only when every part was checked (not when someone else's token skipped the lists).
                    held.Add(sent, now);
                }

                context.Items[FreshAfterKey] = now;
                return;
            }

            var left = bound - (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (left <= 0)
            {
                context.Response.Headers[StaleHeader] = "1";
                context.Items[FreshAfterKey] = Stopwatch.GetTimestamp();
                return;
            }

            // The read models follow the log within milliseconds: ask again soon, then less often.
            await Task.Delay(Math.Min(pause, left), context.RequestAborted);
            pause = Math.Min(pause * 2, 25);
        }
    }

    /// <summary>The token the request carries: the cookie, else the header (null when neither, or when too long).</summary>
    private static string? Sent(HttpRequest request)
    {
        var token = request.Cookies[Cookie] is { Length: > 0 } cookie ? cookie : request.Headers[Header].ToString();
        return token.Length is > 0 and <= MaxTokenLength ? token : null;
    }

    internal sealed record Token(long WriterId, IReadOnlyList<NewsWritten> Entries);

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

        var entries = new List<NewsWritten>(parts.Length - 1);
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

            if (!TryLong(part[..dot], out var newsId) || !TryLong(rest[..digits], out var version))
            {
                return null;
            }

            var fact = rest[digits..];
            NewsWritten? entry = fact switch
            {
                "" => new NewsWritten(newsId, version),
                "p" => new NewsWritten(newsId, version, UserListFact.Posted),
                "v" => new NewsWritten(newsId, version, UserListFact.Voted),
                ['c', .. var comment] when TryLong(comment, out var commentId) => new NewsWritten(newsId, version, UserListFact.Commented, commentId),
                _ => null,
            };
            if (entry is null)
            {
                return null;
            }

            entries.Add(entry.Value);
        }

        return new Token(writer, entries);
    }

    internal static string Format(long writerId, IEnumerable<NewsWritten> entries)
    {
        var text = new StringBuilder(writerId.ToString(CultureInfo.InvariantCulture));
        foreach (var e in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"_{e.NewsId}.{e.Version}");
            text.Append(e.Fact switch
            {
                UserListFact.Posted => "p",
                UserListFact.Voted => "v",
                UserListFact.Commented => string.Create(CultureInfo.InvariantCulture, $"c{e.CommentId}"),
                _ => "",
            });
        }

        return text.ToString();
    }

    private static bool TryLong(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
