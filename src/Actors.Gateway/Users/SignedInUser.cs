using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Actors.Hosting;
using Actors.Users;

namespace Actors.Gateway.Users;

/// <summary>The user a request is made by (see <see cref="SignedInUserExtensions.GetSignedInUserAsync"/>).</summary>
/// <param name="AuthToken">The token the request presented (current at the time of the check).</param>
public sealed record SignedInUser(long Id, string Username, int Karma, bool IsAdmin, string ApiSecret, int Replies, string AuthToken);

/// <summary>
/// The auth seam every slice uses, independent of response style: who is calling, and does the call carry the
/// user's API secret (the CSRF guard of every state-changing call).
/// </summary>
public static class SignedInUserExtensions
{
    /// <summary>Name of the cookie that carries the auth token (as in Lamernews).</summary>
    public const string AuthCookie = "auth";

    private static readonly object ItemKey = new();

    /// <summary>
    /// The signed-in user of this request, or null. The token comes from header <c>Authorization: Bearer &lt;token&gt;</c>
    /// or else cookie <c>auth</c>; the user grain confirms that it is still current (so a logout anywhere ends every
    /// session at once) and applies the hourly karma increment. The result is kept for the rest of the request.
    /// </summary>
    public static async Task<SignedInUser?> GetSignedInUserAsync(this HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known))
        {
            return known as SignedInUser;
        }

        var token = ReadToken(context.Request);
        SignedInUser? user = null;
        if (PasswordHashing.IsTokenShaped(token))
        {
            user = await ResolveAsync(context.RequestServices, token!);
        }

        context.Items[ItemKey] = user;
        return user;
    }

    /// <summary>
    /// Who makes this request, for commands that need only the user's identity (id, name, admin flag, API secret), not
    /// the karma or replies counters of the moment: answered from the gateway's session cache while it is fresh (no
    /// grain call), else exactly as <see cref="GetSignedInUserAsync"/>. The cache forgets a token when the user logs out
    /// (here at once; through the users events on every other gateway), and an entry is never used past the time the
    /// hourly karma increment falls due, so the first request after that still earns it in the user grain.
    /// </summary>
    public static async Task<SignedInUser?> GetSignedInIdentityAsync(this HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known))
        {
            return known as SignedInUser;
        }

        var token = ReadToken(context.Request);
        if (PasswordHashing.IsTokenShaped(token)
            && context.RequestServices.GetService<AuthTokenCache>() is { } cache
            && cache.TryGetSession(token!, DomainTime(context.RequestServices).GetUtcNow(), out var cached))
        {
            return cached;
        }

        return await context.GetSignedInUserAsync();
    }

    /// <summary>
    /// The user whose current auth token is <paramref name="token"/>, or null: the same check as
    /// <see cref="GetSignedInUserAsync"/> for a token that did not come with an HTTP request (a WebSocket's
    /// <c>auth</c> message, or each command on a long-lived socket, so a logout ends the socket's rights too).
    /// </summary>
    public static async Task<SignedInUser?> AuthenticateTokenAsync(this IServiceProvider services, string? token) =>
        PasswordHashing.IsTokenShaped(token)
            ? await ResolveAsync(services, token!)
            : null;

    /// <summary>True when <paramref name="given"/> is the user's API secret; compared in constant time.</summary>
    public static bool HasApiSecret(this SignedInUser user, string? given) =>
        given is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(user.ApiSecret));

    /// <summary>Forgets what this request learnt about its user (after a logout or profile change in the same request).</summary>
    public static void ForgetSignedInUser(this HttpContext context) => context.Items.Remove(ItemKey);

    private static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Cookies[AuthCookie];
    }

    internal static TimeProvider DomainTime(IServiceProvider services) =>
        services.GetKeyedService<TimeProvider>(DomainClock.Key) ?? TimeProvider.System;

    private static async Task<SignedInUser?> ResolveAsync(IServiceProvider services, string token)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var cache = services.GetService<AuthTokenCache>();
        // Read before asking the grain: a logout that lands while we ask must not be undone by caching the answer.
        var epoch = cache?.Epoch ?? 0;
        long? userId = null;
        if (cache is not null && cache.TryGet(token, out var cached))
        {
            userId = cached;
        }
        else
        {
            userId = await grains.GetGrain<IAuthTokenGrain>(token).GetUserId();
            if (userId is { } found)
            {
                cache?.Add(token, found);
            }
        }

        if (userId is not { } id)
        {
            return null;
        }

        var session = await grains.GetGrain<IUserGrain>(id).Authenticate(token);
        if (session is null)
        {
            cache?.Remove(token);
            return null;
        }

        var user = new SignedInUser(session.Id, session.Username, session.Karma, session.IsAdmin, session.ApiSecret, session.Replies, token);
        // Remembered until the karma increment falls due or the session expires, whichever comes first.
        var rememberUntil = session.ExpiresAt < session.KarmaIncrementDueAfter ? session.ExpiresAt : session.KarmaIncrementDueAfter;
        cache?.AddSession(user, rememberUntil, DomainTime(services).GetUtcNow(), epoch);
        return user;
    }
}

/// <summary>
/// Gateway-side memory of auth tokens. Token to user id: safe to keep, a token belongs to one user forever. And token to
/// the user's session (identity and API secret), for <see cref="SignedInUserExtensions.GetSignedInIdentityAsync"/>:
/// only while the token is current, so it is forgotten on logout (<see cref="Remove"/> in the gateway that logs out,
/// <see cref="ForgetUser"/> from the users events in every gateway), and never used past the next karma increment
/// or <see cref="SessionLifetime"/>. Bounded: when full it starts over.
/// </summary>
public sealed class AuthTokenCache
{
    /// <summary>
    /// The longest a session is answered from memory: a bound on how late another gateway's logout can take effect here
    /// should its event be slow (in this gateway a logout takes effect at once).
    /// </summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromSeconds(30);

    private const int Capacity = 100_000;
    private readonly ConcurrentDictionary<string, long> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (SignedInUser User, DateTimeOffset FreshUntil)> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _forgetting = new();
    private long _epoch;
    // Off until the users events are followed (see SessionInvalidation): only then can a logout elsewhere reach us.
    private volatile bool _sessionsDisabled = true;

    /// <summary>Changes whenever a session is forgotten; see <see cref="AddSession"/>.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    public bool TryGet(string token, out long userId) => _ids.TryGetValue(token, out userId);

    public void Add(string token, long userId)
    {
        if (_ids.Count >= Capacity)
        {
            _ids.Clear();
        }

        _ids[token] = userId;
    }

    /// <summary>The session of <paramref name="token"/> as last confirmed by the user grain, while still fresh at <paramref name="now"/>.</summary>
    public bool TryGetSession(string token, DateTimeOffset now, out SignedInUser user)
    {
        if (!_sessionsDisabled && _sessions.TryGetValue(token, out var entry) && now <= entry.FreshUntil)
        {
            user = entry.User;
            return true;
        }

        user = null!;
        return false;
    }

    /// <summary>
    /// Remembers a session the user grain just confirmed, until <paramref name="rememberUntil"/> (the karma increment or the session expiry; at most
    /// <see cref="SessionLifetime"/>); unless something was forgotten since <paramref name="epochBeforeAsking"/> (read
    /// before asking the grain), since the answer may then predate a logout.
    /// </summary>
    public void AddSession(SignedInUser user, DateTimeOffset rememberUntil, DateTimeOffset now, long epochBeforeAsking)
    {
        var freshUntil = now + SessionLifetime;
        var entry = (user, rememberUntil < freshUntil ? rememberUntil : freshUntil);
        lock (_forgetting)
        {
            if (_epoch != epochBeforeAsking)
            {
                return;
            }

            if (_sessions.Count >= Capacity)
            {
                _sessions.Clear();
            }

            _sessions[user.AuthToken] = entry;
        }
    }

    /// <summary>Starts answering sessions from memory: call once logouts anywhere reach <see cref="ForgetUser"/>.</summary>
    public void EnableSessions()
    {
        lock (_forgetting)
        {
            _epoch++;
            _sessions.Clear();
            _sessionsDisabled = false;
        }
    }

    /// <summary>Stops answering sessions from memory (when their invalidation is no longer followed).</summary>
    public void DisableSessions()
    {
        _sessionsDisabled = true;
        lock (_forgetting)
        {
            _epoch++;
            _sessions.Clear();
        }
    }

    public void Remove(string token)
    {
        _ids.TryRemove(token, out _);
        lock (_forgetting)
        {
            _epoch++;
            _sessions.TryRemove(token, out _);
        }
    }

    /// <summary>Forgets every session of <paramref name="userId"/> (its token was rotated or its credentials changed). Rare: a scan is fine.</summary>
    public void ForgetUser(long userId)
    {
        lock (_forgetting)
        {
            _epoch++;
            foreach (var (token, entry) in _sessions)
            {
                if (entry.User.Id == userId)
                {
                    _sessions.TryRemove(token, out _);
                }
            }
        }
    }
}
