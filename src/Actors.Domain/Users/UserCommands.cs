namespace Actors.Users;

/// <summary>
/// What can be asked of one user. A closed hierarchy: the private constructor keeps every command in this file, so the
/// decider's switch covers them all. Time, ids, tokens and settings are resolved by the grain and ride on the command.
/// </summary>
public abstract record UserCommand
{
    private UserCommand(DateTimeOffset at) => At = at;

    /// <summary>When the command is decided: the time its events carry and its intervals are measured at.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Register user <paramref name="UserId"/> (id 1 becomes admin); <paramref name="Nonce"/> is random (see UserCreated).</summary>
    public sealed record CreateUser(
        long UserId, string Username, string PasswordHash, string AuthToken, string ApiSecret, int InitialKarma, Guid Nonce, DateTimeOffset At)
        : UserCommand(At);

    /// <summary>
    /// Logout: replace <paramref name="CurrentToken"/> by <paramref name="NewToken"/> and the API secret by
    /// <paramref name="NewApiSecret"/>; nothing happens when the token is no longer current.
    /// </summary>
    public sealed record RotateAuthToken(string CurrentToken, string NewToken, string NewApiSecret, DateTimeOffset At) : UserCommand(At);

    /// <summary>
    /// Sign in with a checked password: the current session goes on while it has not expired (every device shares the
    /// user's one token, as in Lamernews); an expired one is replaced by <paramref name="NewToken"/> and
    /// <paramref name="NewApiSecret"/>.
    /// </summary>
    public sealed record SignIn(string NewToken, string NewApiSecret, int SessionLifetimeSeconds, DateTimeOffset At) : UserCommand(At);

    /// <summary>
    /// Set about and email (cut to the maximum lengths) and optionally a new password hash; a new password ends every
    /// session, so <paramref name="NewAuthToken"/> and <paramref name="NewApiSecret"/> replace the current ones then.
    /// </summary>
    public sealed record UpdateProfile(
        string About, string Email, string? PasswordHash, int AboutMaxLength, int EmailMaxLength, string NewAuthToken, string NewApiSecret, DateTimeOffset At)
        : UserCommand(At);

    /// <summary>The hourly karma increment: <paramref name="Amount"/> when the last one is more than <paramref name="IntervalSeconds"/> old.</summary>
    public sealed record TickKarma(int IntervalSeconds, int Amount, DateTimeOffset At) : UserCommand(At);

    /// <summary>Pay <paramref name="Cost"/> karma if the user has at least <paramref name="Minimum"/>.</summary>
    public sealed record SpendKarma(int Minimum, int Cost, string Reason, DateTimeOffset At) : UserCommand(At);

    /// <summary>Earn karma through another aggregate's event; once per (stream, version), versions in order per stream.</summary>
    public sealed record CreditKarma(int Amount, string SourceStream, long SourceVersion, DateTimeOffset At) : UserCommand(At);

    /// <summary>Count a reply to the user's comment; once per (stream, version).</summary>
    public sealed record NoteReply(string SourceStream, long SourceVersion, DateTimeOffset At) : UserCommand(At);

    /// <summary>
    /// After a login that matched a hash of an older scheme (<c>PasswordHashing.NeedsUpgrade</c>): replace
    /// <paramref name="CurrentHash"/> by <paramref name="NewHash"/> (a current hash of the same password, computed by the
    /// caller). Nothing happens when the stored hash is no longer <paramref name="CurrentHash"/> (changed or upgraded meanwhile).
    /// </summary>
    public sealed record UpgradePassword(string CurrentHash, string NewHash, DateTimeOffset At) : UserCommand(At);

    /// <summary>Reset the unread-replies counter.</summary>
    public sealed record MarkRepliesRead(DateTimeOffset At) : UserCommand(At);

    /// <summary>
    /// Ask for a password-reset mail to <paramref name="Email"/>, at most once per <paramref name="DelaySeconds"/>; the
    /// mailed link's token is known here only by its hash <paramref name="TokenHash"/>, valid <paramref name="LifetimeSeconds"/>.
    /// </summary>
    public sealed record RequestPasswordReset(string Email, int DelaySeconds, string TokenHash, int LifetimeSeconds, DateTimeOffset At) : UserCommand(At);

    /// <summary>
    /// Use the reset link whose token hashes to <paramref name="TokenHash"/>: set <paramref name="PasswordHash"/> and end
    /// every session (new token and API secret). Once only, and only before the link expires.
    /// </summary>
    public sealed record CompletePasswordReset(string TokenHash, string PasswordHash, string NewAuthToken, string NewApiSecret, DateTimeOffset At)
        : UserCommand(At);
}
