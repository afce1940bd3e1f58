using System.Collections.Concurrent;
using Actors.Gateway.Hosting;
using Actors.Gateway.Lamernews;
using Actors.News;
using Actors.Users;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Users;

/// <summary>The user routes of the Lamernews API: account creation, login, logout, profile, password reset.</summary>
public static class UsersApi
{
    private const string WrongCredentials = "Wrong auth credentials or API secret.";
    private const string NotAuthenticated = "Not authenticated.";
    private const string WrongSecret = "Wrong form secret.";
    private const string MissingParameters = "Missing parameters.";
    private const string ResetDisabled = "Password reset is disabled on this site.";
    private const string MailFailed = "Problem sending the email, please contact the site admin.";
    private const string NoSiteUrl = "Password reset is unavailable: the site address (News:SiteUrl) is not configured.";

    // The reference's own address, the default of News:SiteUrl. A reset link must never point there: the token in it
    // would reach a third party's server (its access log) when the user clicks.
    private const string ReferenceSiteUrl = "http://lamernews.com";

    // Compared against when the user does not exist, made with the iterations real hashes have, so that an unknown name
    // costs a login as much time as a known one (with 1 iteration, 0.8 ms against ~340 ms told which names exist).
    private static readonly ConcurrentDictionary<int, string> DummyHashes = new();

    /// <summary>The hash an unknown user's password is checked against: as strong as a stored one.</summary>
    internal static string DummyHashFor(int iterations) => DummyHashes.GetOrAdd(iterations, i => PasswordHashing.Hash("not a password", i));

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/create_account", CreateAccount).RequireRateLimiting(RequestThrottling.AccountCreation);
        app.MapMethods("/api/login", [HttpMethods.Get, HttpMethods.Post], Login);
        app.MapPost("/api/logout", (Delegate)Logout);
        app.MapPost("/api/updateprofile", UpdateProfile);
        app.MapGet("/api/reset-password", ResetPassword).RequireRateLimiting(RequestThrottling.PasswordReset);
        app.MapPasswordResetCompletion();
        return app;
    }

    private static async Task<IResult> CreateAccount(
        HttpContext context, IGrainFactory grains, IOptions<NewsOptions> news, IOptions<UsersOptions> users, LoginThrottle throttle, AuthTokenCache? cache)
    {
        var p = await LamerParameters.ReadAsync(context.Request);
        if (p.Error is { } error)
        {
            return LamerResults.Error(error);
        }

        if (p.Required("username") is not { } username || p.Required("password") is not { } password)
        {
            return LamerResults.Error(UserRejections.RequiredFields);
        }

        if (UserRules.CheckUsername(username, news.Value.UsernameRegexp, users.Value.UsernameMaxLength) is { } badName)
        {
            return LamerResults.Error(badName);
        }

        if (UserRules.CheckPassword(password, news.Value.PasswordMinLength, users.Value.PasswordMaxLength) is { } badPassword)
        {
            return LamerResults.Error(badPassword);
        }

        var registry = grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(username));
        // Cheap early answer before the slow hash; the registry checks again, atomically, when registering.
        if (await registry.GetUserId() is not null)
        {
            return LamerResults.Error(UserRejections.NameTaken);
        }

        // The slow part (PBKDF2) runs here, on the thread pool, not in a grain turn on the silo scheduler.
        var hash = await throttle.HashAsync(() => PasswordHashing.Hash(password, users.Value.PasswordHashIterations), context.RequestAborted);
        var token = PasswordHashing.NewToken();
        var secret = PasswordHashing.NewToken();
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var registration = await registry.Register(new RegisterUser(username, hash, token, secret, ip));
        if (registration.Rejection is { } rejection)
        {
            return LamerResults.Error(rejection);
        }

        cache?.Add(token, registration.UserId);
        SessionCookie.Set(context, token, SignedInUserExtensions.DomainTime(context.RequestServices).GetUtcNow().AddSeconds(users.Value.SessionLifetimeSeconds));
        return LamerResults.Ok(new { auth = token, apisecret = secret });
    }

    private static async Task<IResult> Login(
        HttpContext context, IGrainFactory grains, IOptions<NewsOptions> news, IOptions<UsersOptions> users, LoginThrottle throttle)
    {
        var p = await LamerParameters.ReadAsync(context.Request);
        if (p.Error is { } error)
        {
            return LamerResults.Error(error);
        }

        if (p.Required("username") is not { } username || p.Required("password") is not { } password)
        {
            return LamerResults.Error(UserRejections.RequiredFields);
        }

        if (!throttle.TryAttempt(username, context.Connection.RemoteIpAddress))
        {
            return LamerResults.Error(LoginThrottle.TooManyAttempts);
        }

        UserCredentials? credentials = null;
        // A name that could never have been registered is not looked up (and not used as a grain key).
        if (UserRules.CheckUsername(username, news.Value.UsernameRegexp, users.Value.UsernameMaxLength) is null
            && password.Length <= users.Value.PasswordMaxLength
            && await grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(username)).GetUserId() is { } id)
        {
            credentials = await grains.GetGrain<IUserGrain>(id).GetCredentials();
        }

        var stored = credentials?.PasswordHash ?? DummyHashFor(users.Value.PasswordHashIterations);
        var matches = await throttle.HashAsync(() => PasswordHashing.Verify(password, stored), context.RequestAborted) && credentials is not null;
        if (!matches)
        {
            return LamerResults.Error(UserRejections.NoMatch);
        }

        if (PasswordHashing.NeedsUpgrade(stored))
        {
            // A user imported from Lamernews logs in with the old password for the first time: its PBKDF2-SHA1 x1000
            // hash is replaced by ours (hashed here, in a turn like every hash, never in the grain), sessions untouched.
            var upgraded = await throttle.HashAsync(() => PasswordHashing.Hash(password, users.Value.PasswordHashIterations), context.RequestAborted);
            await grains.GetGrain<IUserGrain>(credentials!.Id).UpgradePassword(stored, upgraded);
        }

        // Login answers the existing token (it does not rotate it), as the reference does, unless it expired.
        var session = await grains.GetGrain<IUserGrain>(credentials!.Id).SignIn();
        if (session.Rejection is { } rejection)
        {
            return LamerResults.Error(rejection);
        }

        SessionCookie.Set(context, session.AuthToken!, session.ExpiresAt);
        return LamerResults.Ok(new { auth = session.AuthToken, apisecret = session.ApiSecret });
    }

    private static async Task<IResult> Logout(HttpContext context)
    {
        var p = await LamerParameters.ReadAsync(context.Request);
        if (p.Error is { } error)
        {
            return LamerResults.Error(error);
        }

        return await EndSessionAsync(context, p.Present("apisecret")) ? LamerResults.Ok() : LamerResults.Error(WrongCredentials);
    }

    /// <summary>
    /// Logout (<c>POST /api/logout</c>, and the page's <c>GET /logout?apisecret=</c>): when the caller is signed in and
    /// sends its API secret, ends every session of the user (new token and secret) and clears the cookie. False otherwise.
    /// </summary>
    internal static async Task<bool> EndSessionAsync(HttpContext context, string? apiSecret)
    {
        var user = await context.GetSignedInUserAsync();
        if (user is null || !user.HasApiSecret(apiSecret))
        {
            return false;
        }

        var services = context.RequestServices;
        await services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(user.Id).Logout(user.AuthToken);
        services.GetService<AuthTokenCache>()?.Remove(user.AuthToken);
        context.ForgetSignedInUser();
        services.GetService<SessionSignals>()?.SessionsEnded(user.Id, currentToken: null);
        SessionCookie.Clear(context);
        return true;
    }

    private static async Task<IResult> UpdateProfile(
        HttpContext context, IGrainFactory grains, IOptions<NewsOptions> news, IOptions<UsersOptions> users, LoginThrottle throttle,
        AuthTokenCache? cache, SessionSignals? signals)
    {
        var p = await LamerParameters.ReadAsync(context.Request);
        if (p.Error is { } error)
        {
            return LamerResults.Error(error);
        }

        var user = await context.GetSignedInUserAsync();
        if (user is null)
        {
            return LamerResults.Error(NotAuthenticated);
        }

        if (!user.HasApiSecret(p.Present("apisecret")))
        {
            return LamerResults.Error(WrongSecret);
        }

        if (p.Present("about") is not { } about || p.Present("email") is not { } email || p.Present("password") is not { } password)
        {
            return LamerResults.Error(MissingParameters);
        }

        // Trimmed like at login, so a password chosen here with surrounding spaces can still be used to log in.
        password = password.Trim();
        string? hash = null;
        if (password.Length > 0)
        {
            if (UserRules.CheckPassword(password, news.Value.PasswordMinLength, users.Value.PasswordMaxLength) is { } bad)
            {
                return LamerResults.Error(bad);
            }

            hash = await throttle.HashAsync(() => PasswordHashing.Hash(password, users.Value.PasswordHashIterations), context.RequestAborted);
        }

        var renewal = await grains.GetGrain<IUserGrain>(user.Id).UpdateProfile(about, email.Trim(), hash);
        if (renewal.Rejection is { } rejection)
        {
            return LamerResults.Error(rejection);
        }

        if (renewal.AuthToken is null)
        {
            return LamerResults.Ok();
        }

        // The new password ended every session, this one included: the caller gets the new token and secret (as login
        // answers them), so it alone stays signed in. Forgotten here at once; other gateways learn it from the events.
        cache?.Remove(user.AuthToken);
        cache?.ForgetUser(user.Id);
        context.ForgetSignedInUser();
        signals?.SessionsEnded(user.Id, renewal.AuthToken);
        SessionCookie.Set(context, renewal.AuthToken, renewal.ExpiresAt);
        return LamerResults.Ok(new { auth = renewal.AuthToken, apisecret = renewal.ApiSecret });
    }

    private static async Task<IResult> ResetPassword(
        HttpContext context, IGrainFactory grains, IOptions<NewsOptions> news, IOptions<UsersOptions> users, IPasswordResetMailer mailer)
    {
        var p = await LamerParameters.ReadAsync(context.Request);
        if (p.Error is { } error)
        {
            return LamerResults.Error(error);
        }

        if (string.IsNullOrWhiteSpace(news.Value.MailRelay))
        {
            return LamerResults.Error(ResetDisabled);
        }

        // The link's address comes from configuration, never from the request: its Host header is the caller's to
        // choose, and a reset requested with Host: attacker.example would mail the victim a link to the attacker.
        if (SiteUrl(news.Value) is not { } site)
        {
            return LamerResults.Error(NoSiteUrl);
        }

        if (p.Required("username") is not { } username || p.Required("email") is not { } email)
        {
            return LamerResults.Error(UserRejections.ResetRequired);
        }

        if (UserRules.CheckUsername(username, news.Value.UsernameRegexp, users.Value.UsernameMaxLength) is not null
            || await grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(username)).GetUserId() is not { } id)
        {
            return LamerResults.Error(UserRejections.ResetNoMatch);
        }

        // Recorded before sending: a failing relay must not let anyone have mails sent in a loop.
        var ticket = await grains.GetGrain<IUserGrain>(id).RequestPasswordReset(email);
        if (ticket.Rejection is { } rejection)
        {
            return LamerResults.Error(rejection);
        }

        // Lamernews' link shape (user=, auth=), but auth is now the single-use reset token, not the session token.
        var link = $"{site}/set-new-password?user={Uri.EscapeDataString(ticket.Username!)}&auth={ticket.ResetToken}";
        return await mailer.SendAsync(email, ticket.Username!, link, context.RequestAborted)
            ? LamerResults.Ok()
            : LamerResults.Error(MailFailed);
    }

    /// <summary>News:SiteUrl without its trailing '/', when it is an absolute http(s) address other than the reference's.</summary>
    internal static string? SiteUrl(NewsOptions news) =>
        Uri.TryCreate(news.SiteUrl, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.Equals(news.SiteUrl.TrimEnd('/'), ReferenceSiteUrl, StringComparison.OrdinalIgnoreCase)
            ? news.SiteUrl.TrimEnd('/')
            : null;
}
