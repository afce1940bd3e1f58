namespace Actors.Gateway.Users;

/// <summary>
/// The <c>auth</c> cookie, written by the gateway only: HttpOnly (no script, so no injected one, can read the token),
/// SameSite=Lax (not sent on other sites' form posts), Secure when the request came over HTTPS, and expiring with the
/// session on the server. Every answer that hands out a token also sets it; the JSON answer still carries <c>auth</c>
/// for API clients, which send it back as the cookie or as <c>Authorization: Bearer</c>.
/// </summary>
public static class SessionCookie
{
    public static void Set(HttpContext context, string token, DateTimeOffset expiresAt) =>
        context.Response.Cookies.Append(SignedInUserExtensions.AuthCookie, token, Options(context, expiresAt));

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(SignedInUserExtensions.AuthCookie, Options(context, expiresAt: null));

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expiresAt) => new()
    {
        Path = "/",
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Expires = expiresAt,
    };
}
