using System.Net;
using System.Threading.RateLimiting;
using Actors.Gateway.Hosting;
using Actors.Users;

namespace Actors.Gateway.Users;

/// <summary>Settings of the <c>Logins</c> section (<c>Logins__PerUserPerMinute</c>, ...).</summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Logins";

    /// <summary>Login attempts per user name per minute (default 10); more are refused before any password is checked.</summary>
    public int PerUserPerMinute { get; set; } = 10;

    /// <summary>
    /// Login attempts per client address per minute (default 60; IPv6 by /64). Requests without an address (a Unix
    /// socket, the in-memory test server) and from loopback (the host itself, a proxy on it) are limited per user only.
    /// </summary>
    public int PerAddressPerMinute { get; set; } = 60;

    /// <summary>Password hashes computed at once (default: one core less than the machine has, at least 1); the rest wait their turn.</summary>
    public int MaxConcurrentHashes { get; set; }

    internal int HashPermits => MaxConcurrentHashes > 0 ? MaxConcurrentHashes : Math.Max(1, Environment.ProcessorCount - 1);
}

/// <summary>
/// What keeps logins from being a weapon: a password check costs ~340 ms of CPU (600,000 PBKDF2 iterations), so 80
/// concurrent logins once stalled the thread pool for 1.5 s and took a front-page read to 2.7 s, and nothing limited
/// how many passwords one could try. Attempts are counted per user name and per client address (sliding minute), and
/// every hash waits for one of a few turns, so hashing never holds every core and reads always find one.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    public const string TooManyAttempts = "Too many login attempts, please wait a minute and try again.";

    private readonly PartitionedRateLimiter<string> _perUser;
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly ConcurrencyLimiter _hashTurns;

    public LoginThrottle(LoginThrottleOptions options)
    {
        _perUser = PerMinute(options.PerUserPerMinute);
        _perAddress = PerMinute(options.PerAddressPerMinute);
        _hashTurns = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.HashPermits, QueueLimit = int.MaxValue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Counts one login attempt of <paramref name="username"/> from <paramref name="address"/>; false when over either limit.</summary>
    public bool TryAttempt(string username, IPAddress? address)
    {
        using var byUser = _perUser.AttemptAcquire(UsernameDecider.KeyOf(username)); // names are one user whatever their case
        if (!byUser.IsAcquired)
        {
            return false;
        }

        if (ClientAddress.IsLocal(address))
        {
            return true;
        }

        using var byAddress = _perAddress.AttemptAcquire(ClientAddress.KeyOf(address));
        return byAddress.IsAcquired;
    }

    /// <summary>Runs a password hash or check in its turn.</summary>
    public async Task<T> HashAsync<T>(Func<T> hash, CancellationToken cancellationToken)
    {
        using var turn = await _hashTurns.AcquireAsync(1, cancellationToken);
        return hash();
    }

    public void Dispose()
    {
        _perUser.Dispose();
        _perAddress.Dispose();
        _hashTurns.Dispose();
    }

    private static PartitionedRateLimiter<string> PerMinute(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(permits, 1), Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0,
        }));
}
