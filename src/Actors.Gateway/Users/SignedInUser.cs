using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
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
            var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
            var cache = context.RequestServices.GetService<AuthTokenCache>();
            user = await ResolveAsync(grains, cache, token!);
        }

        context.Items[ItemKey] = user;
        return user;
    }

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

    private static async Task<SignedInUser?> ResolveAsync(IGrainFactory grains, AuthTokenCache? cache, string token)
    {
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

        return new SignedInUser(session.Id, session.Username, session.Karma, session.IsAdmin, session.ApiSecret, session.Replies, token);
    }
}

/// <summary>
/// Gateway-side memory of token to user id. Safe to keep: a token belongs to one user forever; whether it is still
/// current is asked of the user grain on every request. Bounded: when full it starts over.
/// </summary>
public sealed class AuthTokenCache
{
    private const int Capacity = 100_000;
    private readonly ConcurrentDictionary<string, long> _ids = new(StringComparer.Ordinal);

    public bool TryGet(string token, out long userId) => _ids.TryGetValue(token, out userId);

    public void Add(string token, long userId)
    {
        if (_ids.Count >= Capacity)
        {
            _ids.Clear();
        }

        _ids[token] = userId;
    }

    public void Remove(string token) => _ids.TryRemove(token, out _);
}
