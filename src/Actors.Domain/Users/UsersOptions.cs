namespace Actors.Users;

/// <summary>
/// Settings of the <c>Users</c> configuration section (the Lamernews constants live in <c>News</c>, see NewsOptions).
/// </summary>
public sealed class UsersOptions
{
    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP's 2023 figure is 600,000). Stored with every hash,
    /// so raising it later leaves old hashes verifiable. Tests and load runs lower it.
    /// </summary>
    public int PasswordHashIterations { get; set; } = 600_000;

    /// <summary>Longest accepted user name (the reference has no limit; an unbounded name is an abuse vector).</summary>
    public int UsernameMaxLength { get; set; } = 64;

    /// <summary>Longest accepted password.</summary>
    public int PasswordMaxLength { get; set; } = 1024;

    /// <summary>Profile "about" is cut to this many characters.</summary>
    public int AboutMaxLength { get; set; } = 4096;

    /// <summary>Profile email is cut to this many characters.</summary>
    public int EmailMaxLength { get; set; } = 256;

    /// <summary>
    /// How long a session token authenticates after it was issued, in seconds (default 30 days). A sign-in after that
    /// issues a new token; the gateway's <c>auth</c> cookie expires with it.
    /// </summary>
    public int SessionLifetimeSeconds { get; set; } = 30 * 24 * 3600;

    /// <summary>How long a mailed password-reset link can be used (once), in seconds.</summary>
    public int PasswordResetLinkLifetimeSeconds { get; set; } = 3600;
}
