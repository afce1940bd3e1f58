using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Actors.Gateway.Hosting;

/// <summary>Settings of the <c>Throttling</c> section: requests per client address (IPv6 by /64) in a sliding window.</summary>
public sealed class ThrottlingOptions
{
    public const string Section = "Throttling";

    /// <summary><c>/api/create_account</c> attempts per address per hour (default 20): each one costs a password hash.</summary>
    public int AccountCreationsPerAddressPerHour { get; set; } = 20;

    /// <summary>Password-reset requests and completions per address per hour (default 10): each request sends a mail.</summary>
    public int PasswordResetsPerAddressPerHour { get; set; } = 10;

    /// <summary>Bank accounts opened per address per hour (default 30).</summary>
    public int BankAccountsPerAddressPerHour { get; set; } = 30;

    /// <summary>New <c>/ws</c> connections per address per minute (default 120); the open ones are capped by <c>Realtime:MaxSocketsPerIp</c>.</summary>
    public int SocketsPerAddressPerMinute { get; set; } = 120;
}

/// <summary>
/// ASP.NET Core's rate limiter on the routes that cost the site something per call (a password hash, a mail, a new
/// aggregate, a socket), counted per client address. The host itself (loopback, or no address: the in-process test
/// server, a Unix socket) is not limited; behind a reverse proxy, set <c>Hosting:TrustedProxies</c> so the address is the
/// client's. Logins have their own limits (per name too, see LoginThrottle).
/// </summary>
public static class RequestThrottling
{
    public const string AccountCreation = "account-creation";
    public const string PasswordReset = "password-reset";
    public const string BankAccounts = "bank-accounts";
    public const string Sockets = "sockets";

    private const string TooMany = "Too many requests from your address, please wait and try again.";
    private const int Segments = 6;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static WebApplicationBuilder AddRequestThrottling(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ThrottlingOptions.Section).Get<ThrottlingOptions>() ?? new ThrottlingOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejectedAsync;
            limiter.AddPolicy(AccountCreation, context => PerAddress(context, options.AccountCreationsPerAddressPerHour, Hour));
            limiter.AddPolicy(PasswordReset, context => PerAddress(context, options.PasswordResetsPerAddressPerHour, Hour));
            limiter.AddPolicy(BankAccounts, context => PerAddress(context, options.BankAccountsPerAddressPerHour, Hour));
            limiter.AddPolicy(Sockets, context => PerAddress(context, options.SocketsPerAddressPerMinute, Minute));
        });
        return builder;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int permits, TimeSpan window)
    {
        var address = context.Connection.RemoteIpAddress;
        return ClientAddress.IsLocal(address)
            ? RateLimitPartition.GetNoLimiter("local")
            : RateLimitPartition.GetSlidingWindowLimiter(ClientAddress.KeyOf(address), _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(permits, 1), Window = window, SegmentsPerWindow = Segments, QueueLimit = 0,
            });
    }

    /// <summary>A 429 with Retry-After, in the shape of the route: the Lamernews envelope on its API, ProblemDetails on REST.</summary>
    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        // A sliding window gives permits back one segment at a time, and its lease carries no retry time: the earliest
        // a permit can come back is the next segment.
        var policy = rejected.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var window = policy == Sockets ? Minute : Hour;
        response.Headers.RetryAfter = ((int)(window / Segments).TotalSeconds).ToString(CultureInfo.InvariantCulture);

        var path = rejected.HttpContext.Request.Path;
        if (path.StartsWithSegments("/api/accounts") || path.StartsWithSegments("/api/transfers"))
        {
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: TooMany)
                .ExecuteAsync(rejected.HttpContext);
        }
        else if (path.StartsWithSegments("/api"))
        {
            await response.WriteAsJsonAsync(new { status = "err", error = TooMany }, cancellationToken);
        }
        else
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(TooMany, cancellationToken);
        }
    }
}
